package io.elasticstream.broker.group;

import io.elasticstream.common.Checks;

/**
 * Group coordinator settings, named and defaulted as in Apache Kafka.
 *
 * @param offsetsTopicPartitions      {@code offsets.topic.num.partitions}
 * @param minSessionTimeoutMs         {@code group.min.session.timeout.ms}
 * @param maxSessionTimeoutMs         {@code group.max.session.timeout.ms}
 * @param initialRebalanceDelayMs     {@code group.initial.rebalance.delay.ms}
 * @param maxGroupSize                {@code group.max.size}
 * @param offsetMetadataMaxBytes      {@code offset.metadata.max.bytes}
 * @param newMemberJoinTimeoutMs      how long a member told MEMBER_ID_REQUIRED may take to rejoin (Kafka: 5 min)
 */
public record GroupConfig(int offsetsTopicPartitions, int minSessionTimeoutMs, int maxSessionTimeoutMs,
                          int initialRebalanceDelayMs, int maxGroupSize, int offsetMetadataMaxBytes,
                          int newMemberJoinTimeoutMs) {
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    public GroupConfig {
        Checks.argument(offsetsTopicPartitions >= 1, "offsets.topic.num.partitions must be >= 1");
        Checks.argument(minSessionTimeoutMs <= maxSessionTimeoutMs, "group session timeout bounds reversed");
    }

    /** Kafka's defaults. */
    public static GroupConfig defaults() {
        return new GroupConfig(50, 6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 4096, 300_000);
    }

    /** Kafka's defaults, overridden by the Kafka-named settings present in {@code props}. */
    public static GroupConfig from(java.util.Map<String, String> props) {
        GroupConfig d = defaults();
        return new GroupConfig(
                intProp(props, "offsets.topic.num.partitions", d.offsetsTopicPartitions),
                intProp(props, "group.min.session.timeout.ms", d.minSessionTimeoutMs),
                intProp(props, "group.max.session.timeout.ms", d.maxSessionTimeoutMs),
                intProp(props, "group.initial.rebalance.delay.ms", d.initialRebalanceDelayMs),
                intProp(props, "group.max.size", d.maxGroupSize),
                intProp(props, "offset.metadata.max.bytes", d.offsetMetadataMaxBytes),
                d.newMemberJoinTimeoutMs);
    }

    /** An integer setting of {@code props}, or {@code defaultValue} when absent or blank. */
    static int intProp(java.util.Map<String, String> props, String key, int defaultValue) {
        String v = props.get(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }

    /** The {@code __consumer_offsets} partition that holds a group (Kafka's choice, so tools agree). */
    public int partitionFor(String groupId) {
        int h = groupId.hashCode();
        return (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % offsetsTopicPartitions; // Kafka's Utils.abs
    }
}
