package io.elasticstream.broker.txn;

import io.elasticstream.common.Checks;
import java.util.Map;

/**
 * Transaction coordinator settings, named and defaulted as in Apache Kafka.
 *
 * @param stateTopicPartitions        {@code transaction.state.log.num.partitions}
 * @param maxTimeoutMs                {@code transaction.max.timeout.ms}: the longest transaction timeout a
 *                                    producer may ask for
 * @param idExpirationMs              {@code transactional.id.expiration.ms}: an idle transactional id is
 *                                    forgotten after this long
 * @param abortCheckIntervalMs        {@code transaction.abort.timed.out.transaction.cleanup.interval.ms}
 * @param expirationCheckIntervalMs   {@code transaction.remove.expired.transaction.cleanup.interval.ms}
 * @param version                     {@code transaction.version}, the finalized feature level: 2 is
 *                                    transactions v2 (KIP-890: epoch bump per transaction, partitions added
 *                                    by the partition owners), 0 or 1 the earlier protocol
 */
public record TxnConfig(int stateTopicPartitions, int maxTimeoutMs, long idExpirationMs, long abortCheckIntervalMs,
                        long expirationCheckIntervalMs, short version) {
    public static final String STATE_TOPIC = "__transaction_state";

    public TxnConfig {
        Checks.argument(stateTopicPartitions >= 1, "transaction.state.log.num.partitions must be >= 1");
        Checks.argument(maxTimeoutMs >= 1, "transaction.max.timeout.ms must be >= 1");
        Checks.argument(version >= 0 && version <= 2, "transaction.version must be 0, 1 or 2, got %d", version);
    }

    /** Kafka 4.4's defaults (a new cluster finalizes {@code transaction.version} 2). */
    public static TxnConfig defaults() {
        return new TxnConfig(50, 900_000, 604_800_000L, 10_000, 3_600_000, (short) 2);
    }

    /** Kafka's defaults, overridden by the Kafka-named settings present in {@code props}. */
    public static TxnConfig from(Map<String, String> props) {
        TxnConfig d = defaults();
        return new TxnConfig(
                (int) longProp(props, "transaction.state.log.num.partitions", d.stateTopicPartitions),
                (int) longProp(props, "transaction.max.timeout.ms", d.maxTimeoutMs),
                longProp(props, "transactional.id.expiration.ms", d.idExpirationMs),
                longProp(props, "transaction.abort.timed.out.transaction.cleanup.interval.ms", d.abortCheckIntervalMs),
                longProp(props, "transaction.remove.expired.transaction.cleanup.interval.ms",
                        d.expirationCheckIntervalMs),
                (short) longProp(props, "transaction.version", d.version));
    }

    private static long longProp(Map<String, String> props, String key, long defaultValue) {
        String v = props.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }

    /** The {@code __transaction_state} partition of a transactional id (Kafka's choice, so tools agree). */
    public int partitionFor(String transactionalId) {
        int h = transactionalId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % stateTopicPartitions; // Kafka's Utils.abs
    }

    /** Whether transactions v2 is finalized. */
    public boolean v2() {
        return version >= 2;
    }
}
