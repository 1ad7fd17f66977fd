package io.elasticstream.broker.group;

import io.elasticstream.common.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * KIP-848 consumer group settings, named and defaulted as in Apache Kafka 4.4.
 *
 * @param sessionTimeoutMs    {@code group.consumer.session.timeout.ms}: a member not heard from for this long
 *                            is removed
 * @param heartbeatIntervalMs {@code group.consumer.heartbeat.interval.ms}: how often members heartbeat
 * @param maxSize             {@code group.consumer.max.size}
 * @param assignors           {@code group.consumer.assignors}: the server-side assignors by name
 *                            ({@code uniform}, {@code range}, or Kafka's class names for them); the first is
 *                            the default
 * @param migrationPolicy     {@code group.consumer.migration.policy}: whether running groups may move between
 *                            the classic and the consumer protocol
 */
public record ConsumerGroupConfig(int sessionTimeoutMs, int heartbeatIntervalMs, int maxSize, List<String> assignors,
                                  ConsumerGroupMigrationPolicy migrationPolicy) {
    private static final String KAFKA_ASSIGNOR_PACKAGE = "org.apache.kafka.coordinator.group.assignor.";

    public ConsumerGroupConfig {
        Checks.argument(heartbeatIntervalMs > 0 && heartbeatIntervalMs < sessionTimeoutMs,
                "group.consumer.heartbeat.interval.ms must be above 0 and below group.consumer.session.timeout.ms");
        Checks.argument(!assignors.isEmpty(), "group.consumer.assignors must name at least one assignor");
        for (String a : assignors) {
            Checks.argument(a.equals(UniformAssignor.NAME) || a.equals(RangeAssignor.NAME),
                    "group.consumer.assignors: unknown assignor " + a + " (supported: uniform, range)");
        }
        assignors = List.copyOf(assignors);
        Checks.argument(migrationPolicy != null, "group.consumer.migration.policy must be set");
    }

    /** Kafka's defaults. */
    public static ConsumerGroupConfig defaults() {
        return new ConsumerGroupConfig(45_000, 5_000, Integer.MAX_VALUE, List.of(UniformAssignor.NAME, RangeAssignor.NAME),
                ConsumerGroupMigrationPolicy.BIDIRECTIONAL);
    }

    /** Kafka's defaults, overridden by the Kafka-named settings present in {@code props}. */
    public static ConsumerGroupConfig from(Map<String, String> props) {
        ConsumerGroupConfig d = defaults();
        String assignors = props.get("group.consumer.assignors");
        String policy = props.get("group.consumer.migration.policy");
        return new ConsumerGroupConfig(
                GroupConfig.intProp(props, "group.consumer.session.timeout.ms", d.sessionTimeoutMs),
                GroupConfig.intProp(props, "group.consumer.heartbeat.interval.ms", d.heartbeatIntervalMs),
                GroupConfig.intProp(props, "group.consumer.max.size", d.maxSize),
                assignors == null || assignors.isBlank() ? d.assignors : assignorNames(assignors),
                policy == null || policy.isBlank() ? d.migrationPolicy : ConsumerGroupMigrationPolicy.parse(policy));
    }

    private static List<String> assignorNames(String list) {
        List<String> names = new ArrayList<>();
        for (String a : list.split(",")) {
            String name = a.trim();
            if (name.startsWith(KAFKA_ASSIGNOR_PACKAGE)) {
                name = name.substring(KAFKA_ASSIGNOR_PACKAGE.length()).replace("Assignor", "").toLowerCase(Locale.ROOT);
            }
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return names;
    }

    public String defaultAssignor() {
        return assignors.getFirst();
    }

    /** The same settings with another migration policy. */
    public ConsumerGroupConfig withMigrationPolicy(ConsumerGroupMigrationPolicy policy) {
        return new ConsumerGroupConfig(sessionTimeoutMs, heartbeatIntervalMs, maxSize, assignors, policy);
    }
}
