package io.elasticstream.broker.txn;

import io.elasticstream.common.Checks;
import java.util.Set;
import java.util.TreeSet;
import java.util.Comparator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * What the coordinator knows of one transactional id, as stored in {@code __transaction_state}
 * ({@link TxnRecords}); immutable: a change is a new value, persisted before it replaces the old.
 *
 * @param producerId       the producer id in use
 * @param prevProducerId   v2: the producer id before the last one, when an epoch overflow replaced it (-1 none)
 * @param nextProducerId   v2: the producer id the transaction being completed hands over to (-1 none)
 * @param epoch            the producer epoch in use (-1 before the first InitProducerId completes)
 * @param lastEpoch        the epoch before the last bump (-1 none), to recognize a retried request
 * @param timeoutMs        the producer's {@code transaction.timeout.ms}
 * @param state            see {@link TxnState}
 * @param partitions       the partitions of the open transaction (empty unless {@link TxnState#inTransaction})
 * @param txnStartMs       when the open transaction added its first partition (-1 none)
 * @param lastUpdateMs     when this value last changed
 * @param v2               whether the transaction uses transactions v2 (the client's EndTxn version)
 */
public record TxnMetadata(String transactionalId, long producerId, long prevProducerId, long nextProducerId,
                          short epoch, short lastEpoch, int timeoutMs, TxnState state, Set<TopicPartition> partitions,
                          long txnStartMs, long lastUpdateMs, boolean v2) {
    static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    public TxnMetadata {
        TreeSet<TopicPartition> sorted = new TreeSet<>(ORDER);
        sorted.addAll(partitions);
        partitions = java.util.Collections.unmodifiableSet(sorted);
    }

    /** A new transactional id with a fresh producer id, before its first epoch. */
    static TxnMetadata fresh(String transactionalId, long producerId, int timeoutMs, long nowMs) {
        return new TxnMetadata(transactionalId, producerId, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_ID,
                RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_PRODUCER_EPOCH, timeoutMs, TxnState.EMPTY, Set.of(), -1,
                nowMs, false);
    }

    /** This value in {@code next}, checking that the transition is allowed. */
    TxnMetadata to(TxnState next, long nowMs) {
        Checks.state(next.validPrevious().contains(state), "transactional id %s: %s -> %s is not a valid transition",
                transactionalId, state, next);
        return new TxnMetadata(transactionalId, producerId, prevProducerId, nextProducerId, epoch, lastEpoch, timeoutMs,
                next, next.inTransaction() ? partitions : Set.of(), next.inTransaction() ? txnStartMs : -1, nowMs, v2);
    }

    TxnMetadata withProducer(long newProducerId, short newEpoch, short newLastEpoch) {
        return new TxnMetadata(transactionalId, newProducerId, prevProducerId, nextProducerId, newEpoch, newLastEpoch,
                timeoutMs, state, partitions, txnStartMs, lastUpdateMs, v2);
    }

    TxnMetadata withProducerIds(long newPrevProducerId, long newNextProducerId) {
        return new TxnMetadata(transactionalId, producerId, newPrevProducerId, newNextProducerId, epoch, lastEpoch,
                timeoutMs, state, partitions, txnStartMs, lastUpdateMs, v2);
    }

    TxnMetadata withTimeout(int newTimeoutMs) {
        return new TxnMetadata(transactionalId, producerId, prevProducerId, nextProducerId, epoch, lastEpoch,
                newTimeoutMs, state, partitions, txnStartMs, lastUpdateMs, v2);
    }

    TxnMetadata withV2(boolean newV2) {
        return new TxnMetadata(transactionalId, producerId, prevProducerId, nextProducerId, epoch, lastEpoch, timeoutMs,
                state, partitions, txnStartMs, lastUpdateMs, newV2);
    }

    /** Ongoing, with {@code added} joining the transaction's partitions (its start time set if it begins now). */
    TxnMetadata withPartitions(Set<TopicPartition> added, long nowMs) {
        TreeSet<TopicPartition> all = new TreeSet<>(ORDER);
        all.addAll(partitions);
        all.addAll(added);
        TxnMetadata ongoing = state == TxnState.ONGOING ? this : to(TxnState.ONGOING, nowMs);
        return new TxnMetadata(transactionalId, producerId, prevProducerId, nextProducerId, epoch, lastEpoch, timeoutMs,
                TxnState.ONGOING, all, state == TxnState.ONGOING ? txnStartMs : nowMs, nowMs, ongoing.v2);
    }

    /** Whether the epoch cannot be bumped again (Kafka: a new producer id takes over). */
    boolean epochExhausted() {
        return epoch >= Short.MAX_VALUE - 1;
    }
}
