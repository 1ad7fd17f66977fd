package io.elasticstream.broker.group;

import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.common.Checks;
import java.util.Map;

/**
 * The broker's share-group settings, named and defaulted as in Apache Kafka 4.4.
 *
 * @param heartbeatIntervalMs   {@code group.share.heartbeat.interval.ms}
 * @param sessionTimeoutMs      {@code group.share.session.timeout.ms}: a member silent this long is removed
 * @param recordLockDurationMs  {@code group.share.record.lock.duration.ms}: how long an acquired record is
 *                              locked to its member, within {@code group.share.min.record.lock.duration.ms}
 *                              and {@code group.share.max.record.lock.duration.ms}
 * @param deliveryCountLimit    {@code group.share.delivery.count.limit}: deliveries before a record is archived,
 *                              within {@code group.share.min.delivery.count.limit} and
 *                              {@code group.share.max.delivery.count.limit}
 * @param partitionMaxRecordLocks {@code group.share.partition.max.record.locks}: records in flight per
 *                              share-partition
 * @param maxShareSessions      {@code group.share.max.share.sessions}: share sessions per broker
 */
public record ShareGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, int recordLockDurationMs,
                               int deliveryCountLimit, int partitionMaxRecordLocks, int maxShareSessions) {

    public ShareGroupConfig {
        Checks.argument(heartbeatIntervalMs > 0 && heartbeatIntervalMs < sessionTimeoutMs,
                "group.share.heartbeat.interval.ms must be above 0 and below group.share.session.timeout.ms");
        Checks.argument(maxShareSessions > 0, "group.share.max.share.sessions must be above 0");
    }

    /** Kafka 4.4's defaults. */
    public static ShareGroupConfig defaults() {
        return new ShareGroupConfig(5_000, 45_000, 30_000, 5, 2_000, 2_000);
    }

    /** Kafka's defaults, overridden by the Kafka-named settings present in {@code props}, checked as Kafka checks them. */
    public static ShareGroupConfig from(Map<String, String> props) {
        ShareGroupConfig d = defaults();
        int lock = bounded(props, "group.share.record.lock.duration.ms", d.recordLockDurationMs,
                "group.share.min.record.lock.duration.ms", 15_000, "group.share.max.record.lock.duration.ms", 60_000);
        int deliveries = bounded(props, "group.share.delivery.count.limit", d.deliveryCountLimit,
                "group.share.min.delivery.count.limit", 2, "group.share.max.delivery.count.limit", 10);
        int locks = bounded(props, "group.share.partition.max.record.locks", d.partitionMaxRecordLocks,
                "group.share.min.partition.max.record.locks", 100, "group.share.max.partition.max.record.locks", 4_000);
        return new ShareGroupConfig(
                GroupConfig.intProp(props, "group.share.heartbeat.interval.ms", d.heartbeatIntervalMs),
                GroupConfig.intProp(props, "group.share.session.timeout.ms", d.sessionTimeoutMs),
                lock, deliveries, locks,
                GroupConfig.intProp(props, "group.share.max.share.sessions", d.maxShareSessions));
    }

    private static int bounded(Map<String, String> props, String name, int dflt, String minName, int minDefault,
                               String maxName, int maxDefault) {
        int value = GroupConfig.intProp(props, name, dflt);
        int min = GroupConfig.intProp(props, minName, minDefault);
        int max = GroupConfig.intProp(props, maxName, maxDefault);
        Checks.argument(min <= max, minName + " must not be above " + maxName);
        Checks.argument(value >= min && value <= max, name + " must be between " + minName + " (" + min + ") and "
                + maxName + " (" + max + "), but it is " + value);
        return value;
    }

    /** What every share-partition is limited by. */
    public SharePartition.Limits limits() {
        return new SharePartition.Limits(deliveryCountLimit, recordLockDurationMs, partitionMaxRecordLocks);
    }
}
