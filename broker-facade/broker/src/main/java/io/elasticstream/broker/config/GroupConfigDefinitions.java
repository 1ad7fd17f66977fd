package io.elasticstream.broker.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * Every group config of Apache Kafka 4.4 (the dynamic configs of a GROUP config resource, KIP-848 and
 * KIP-932), in the order of Kafka's {@code GroupConfig.CONFIG_DEF}, with its types, defaults, validators,
 * documentation and broker synonyms (checked against kafka-group-coordinator 4.4.0's {@code GroupConfig}).
 * A config's default is its broker synonym's Kafka default; {@code streams.assignor.name} has none of its own
 * (it is the first of the broker's {@code group.streams.assignors}).
 *
 * <p>Internal configs ({@code consumer.assignor.offload.enable} and the like) can be set, but DescribeConfigs
 * lists them only when a group overrides them, as Kafka does. How the broker's settings default and bound these
 * configs is {@link GroupConfigRules}'.
 */
public final class GroupConfigDefinitions {
    private static final boolean PUBLIC = false;
    private static final boolean INTERNAL = true;
    private static final Set<String> INTERNAL_NAMES = new HashSet<>();
    private static final Map<String, ConfigDefinition> ALL = define();

    private GroupConfigDefinitions() {
    }

    /** Every group config, internal ones included, in Kafka's order. */
    public static List<ConfigDefinition> all() {
        return List.copyOf(ALL.values());
    }

    /** The group config {@code name}, if Kafka has one of that name. */
    public static Optional<ConfigDefinition> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    /** Whether Kafka defines {@code name} as internal: described only when overridden. */
    public static boolean isInternal(String name) {
        return INTERNAL_NAMES.contains(name);
    }

    private static Map<String, ConfigDefinition> define() {
        Map<String, ConfigDefinition> m = new LinkedHashMap<>();
        add(m, "consumer.session.timeout.ms", Type.INT, "45000", Range.atLeast(1),
                "group.consumer.session.timeout.ms", PUBLIC, "The timeout to detect client failures when using the "
                + "consumer group protocol.");
        add(m, "consumer.heartbeat.interval.ms", Type.INT, "5000", Range.atLeast(1),
                "group.consumer.heartbeat.interval.ms", PUBLIC, "The heartbeat interval given to the members of a "
                + "consumer group.");
        add(m, "consumer.assignment.interval.ms", Type.INT, "1000", Range.atLeast(0),
                "group.consumer.assignment.interval.ms", PUBLIC, "The interval between assignment updates for a "
                + "consumer group.");
        add(m, "consumer.assignor.offload.enable", Type.BOOLEAN, "true", null,
                "group.consumer.assignor.offload.enable", INTERNAL, "Whether to offload consumer group assignment "
                + "to a group coordinator background thread.");
        add(m, "share.session.timeout.ms", Type.INT, "45000", Range.atLeast(1),
                "group.share.session.timeout.ms", PUBLIC, "The timeout to detect client failures when using the "
                + "share group protocol.");
        add(m, "share.heartbeat.interval.ms", Type.INT, "5000", Range.atLeast(1),
                "group.share.heartbeat.interval.ms", PUBLIC, "The heartbeat interval given to the members of a "
                + "share group.");
        add(m, "share.record.lock.duration.ms", Type.INT, "30000", Range.atLeast(1000),
                "group.share.record.lock.duration.ms", PUBLIC, "The record acquisition lock duration in "
                + "milliseconds for share groups.");
        add(m, "share.delivery.count.limit", Type.INT, "5", Range.atLeast(2),
                "group.share.delivery.count.limit", PUBLIC, "The maximum number of delivery attempts for a record "
                + "delivered to a share group.");
        add(m, "share.partition.max.record.locks", Type.INT, "2000", Range.atLeast(100),
                "group.share.partition.max.record.locks", PUBLIC, "Share-group record lock limit per "
                + "share-partition.");
        add(m, "share.auto.offset.reset", Type.STRING, "latest", ShareAutoOffsetReset.VALIDATOR,
                null, PUBLIC, "The strategy to initialize the share-partition start offset. <ul><li>earliest: "
                + "automatically reset the offset to the earliest offset</li><li>latest: automatically reset the "
                + "offset to the latest offset</li><li>by_duration:&lt;duration&gt;: automatically reset the offset "
                + "to a configured duration from the current timestamp. &lt;duration&gt; must be specified in "
                + "ISO8601 format (PnDTnHnMn.nS). Negative duration is not allowed.</li><li>anything else: throw "
                + "exception to the share consumer.</li></ul>");
        add(m, "share.isolation.level", Type.STRING, "read_uncommitted",
                ValidString.in("read_committed", "read_uncommitted"),
                null, PUBLIC, "Controls how to read records written transactionally. If set to \"read_committed\", "
                + "the share group will only deliver transactional records which have been committed. If set to "
                + "\"read_uncommitted\", the share group will return all messages, even transactional messages "
                + "which have been aborted. Non-transactional records will be returned unconditionally in either "
                + "mode.");
        add(m, "share.renew.acknowledge.enable", Type.BOOLEAN, "true", null,
                null, PUBLIC, "Whether the renew acknowledge type is enabled for the share group.");
        add(m, "share.assignment.interval.ms", Type.INT, "1000", Range.atLeast(0),
                "group.share.assignment.interval.ms", PUBLIC, "The interval between assignment updates for a share "
                + "group.");
        add(m, "share.assignor.offload.enable", Type.BOOLEAN, "true", null,
                "group.share.assignor.offload.enable", INTERNAL, "Whether to offload share group assignment to a "
                + "group coordinator background thread.");
        add(m, "streams.session.timeout.ms", Type.INT, "45000", Range.atLeast(1),
                "group.streams.session.timeout.ms", PUBLIC, "The timeout to detect client failures when using the "
                + "streams group protocol.");
        add(m, "streams.heartbeat.interval.ms", Type.INT, "5000", Range.atLeast(1),
                "group.streams.heartbeat.interval.ms", PUBLIC, "The heartbeat interval given to the members.");
        add(m, "streams.num.standby.replicas", Type.INT, "0", Range.atLeast(0),
                "group.streams.num.standby.replicas", PUBLIC, "The number of standby replicas for each task.");
        add(m, "streams.initial.rebalance.delay.ms", Type.INT, "3000", Range.atLeast(0),
                "group.streams.initial.rebalance.delay.ms", PUBLIC, "The amount of time the group coordinator will "
                + "wait for more streams clients to join a new group before performing the first rebalance. A "
                + "longer delay means potentially fewer rebalances.");
        add(m, "streams.assignment.interval.ms", Type.INT, "1000", Range.atLeast(0),
                "group.streams.assignment.interval.ms", PUBLIC, "The interval between assignment updates for a "
                + "streams group.");
        add(m, "streams.assignor.offload.enable", Type.BOOLEAN, "true", null,
                "group.streams.assignor.offload.enable", INTERNAL, "Whether to offload streams group assignment to "
                + "a group coordinator background thread.");
        add(m, "streams.task.offset.interval.ms", Type.INT, "60000", Range.atLeast(1),
                "group.streams.task.offset.interval.ms", INTERNAL, "The interval in which the warmup task changelog "
                + "offsets on a client are updated on the broker. The offsets are sent with the next heartbeat "
                + "after this time has passed.");
        add(m, "streams.num.warmup.replicas", Type.INT, "2", Range.atLeast(0),
                "group.streams.num.warmup.replicas", INTERNAL, "The maximum number of warmup task replicas.");
        add(m, "streams.rack.aware.assignment.tags", Type.LIST, "", ValidList.anyNonDuplicateValues(true, false),
                "group.streams.rack.aware.assignment.tags", PUBLIC, "List of client tag keys used to distribute "
                + "standby replicas across Kafka Streams instances. When configured, and the used broker-side "
                + "assignor supports it, it will make a best-effort to distribute standby tasks over each client "
                + "tag dimension.");
        add(m, "streams.acceptable.recovery.lag", Type.LONG, "10000", Range.atLeast(0),
                "group.streams.acceptable.recovery.lag", INTERNAL, "The maximum acceptable lag (number of offsets "
                + "to catch up) for a client to be considered caught-up enough to receive an active task "
                + "assignment.");
        add(m, "streams.assignor.name", Type.STRING, null, null,
                "group.streams.assignors", PUBLIC, "The task assignor to use for this streams group, selected by "
                + "short name from the assignors registered via the broker configuration group.streams.assignors. "
                + "When unset, the group defaults to the first assignor configured in the broker's "
                + "group.streams.assignors setting. Changing the assignor does not trigger a rebalance for the "
                + "group; the new assignor takes effect on the next rebalance.");
        add(m, "errors.deadletterqueue.topic.name", Type.STRING, "", null,
                null, PUBLIC, "The name of the topic to be used as the dead-letter queue (DLQ) topic for this share "
                + "group. If blank (the default), the group does not have a DLQ topic.");
        add(m, "errors.deadletterqueue.copy.record.enable", Type.BOOLEAN, "false", null,
                null, PUBLIC, "When writing onto the dead-letter queue topic, whether to copy the original record "
                + "onto the DLQ topic, or just write a record containing the context information headers.");
        return m;
    }

    private static void add(Map<String, ConfigDefinition> m, String name, Type type, String defaultValue,
                            ConfigDef.Validator validator, String brokerSynonym, boolean internal, String doc) {
        m.put(name, new ConfigDefinition(name, type, defaultValue, validator,
                brokerSynonym == null ? List.of() : List.of(brokerSynonym), doc));
        if (internal) {
            INTERNAL_NAMES.add(name);
        }
    }
}
