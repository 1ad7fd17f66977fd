package io.elasticstream.broker.txn;

import java.util.EnumSet;
import java.util.Set;

/**
 * The states of a transactional id at its coordinator, as Kafka's {@code TransactionState} (the names are
 * what ListTransactions and DescribeTransactions report). Transitions, and the states each may come from:
 *
 * <pre>
 * EMPTY               &lt;- EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT     (InitProducerId: epoch bumped)
 * ONGOING             &lt;- ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT   (first partition added)
 * PREPARE_COMMIT      &lt;- ONGOING                                      (EndTxn commit; markers go out)
 * PREPARE_ABORT       &lt;- ONGOING, PREPARE_EPOCH_FENCE (v2: also EMPTY, COMPLETE_*)   (EndTxn abort, timeout, fence)
 * COMPLETE_COMMIT     &lt;- PREPARE_COMMIT                               (every marker written)
 * COMPLETE_ABORT      &lt;- PREPARE_ABORT
 * PREPARE_EPOCH_FENCE &lt;- ONGOING                                      (a new producer or a timeout fences the old)
 * DEAD                &lt;- EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT       (expired: the id is forgotten)
 * </pre>
 */
public enum TxnState {
    EMPTY("Empty"),
    ONGOING("Ongoing"),
    PREPARE_COMMIT("PrepareCommit"),
    PREPARE_ABORT("PrepareAbort"),
    COMPLETE_COMMIT("CompleteCommit"),
    COMPLETE_ABORT("CompleteAbort"),
    DEAD("Dead"),
    PREPARE_EPOCH_FENCE("PrepareEpochFence");

    private final String kafkaName;

    TxnState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name Kafka's admin APIs use. */
    public String kafkaName() {
        return kafkaName;
    }

    /** The state named {@code name} as Kafka spells it (case-insensitive), or null. */
    public static TxnState ofKafkaName(String name) {
        for (TxnState s : values()) {
            if (s.kafkaName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }

    /** Whether a transaction is between its first partition and its last marker. */
    public boolean inTransaction() {
        return this == ONGOING || this == PREPARE_COMMIT || this == PREPARE_ABORT || this == PREPARE_EPOCH_FENCE;
    }

    /** Whether no transaction is open (a new one may begin, the producer may be re-initialized). */
    public boolean idle() {
        return this == EMPTY || this == COMPLETE_COMMIT || this == COMPLETE_ABORT;
    }

    /** The states this one may be entered from. */
    Set<TxnState> validPrevious() {
        return switch (this) {
            case EMPTY -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case ONGOING -> EnumSet.of(ONGOING, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case PREPARE_COMMIT -> EnumSet.of(ONGOING);
            case PREPARE_ABORT -> EnumSet.of(ONGOING, PREPARE_EPOCH_FENCE, EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
            case COMPLETE_COMMIT -> EnumSet.of(PREPARE_COMMIT);
            case COMPLETE_ABORT -> EnumSet.of(PREPARE_ABORT);
            case PREPARE_EPOCH_FENCE -> EnumSet.of(ONGOING);
            case DEAD -> EnumSet.of(EMPTY, COMPLETE_COMMIT, COMPLETE_ABORT);
        };
    }
}
