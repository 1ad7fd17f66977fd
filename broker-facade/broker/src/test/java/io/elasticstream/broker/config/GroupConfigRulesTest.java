package io.elasticstream.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.config.ResolvedConfig.Synonym;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.Test;

/** Group configs (KIP-848, KIP-932) validated, resolved and described as Apache Kafka 4.4 does, measured on 4.4. */
class GroupConfigRulesTest {
    private final GroupConfigRules rules = new GroupConfigRules(Map.of());
    private final ConfigResolver resolver = new ConfigResolver(Map.of(), List.of());

    @Test
    void everyKafka44GroupConfigIsDefinedAndTheInternalOnesAreMarked() {
        List<String> names = GroupConfigDefinitions.all().stream().map(ConfigDefinition::name).toList();
        // kafka-group-coordinator 4.4.0 GroupConfig.CONFIG_DEF, in its order
        assertEquals(List.of("consumer.session.timeout.ms", "consumer.heartbeat.interval.ms",
                "consumer.assignment.interval.ms", "consumer.assignor.offload.enable", "share.session.timeout.ms",
                "share.heartbeat.interval.ms", "share.record.lock.duration.ms", "share.delivery.count.limit",
                "share.partition.max.record.locks", "share.auto.offset.reset", "share.isolation.level",
                "share.renew.acknowledge.enable", "share.assignment.interval.ms", "share.assignor.offload.enable",
                "streams.session.timeout.ms", "streams.heartbeat.interval.ms", "streams.num.standby.replicas",
                "streams.initial.rebalance.delay.ms", "streams.assignment.interval.ms",
                "streams.assignor.offload.enable", "streams.task.offset.interval.ms", "streams.num.warmup.replicas",
                "streams.rack.aware.assignment.tags", "streams.acceptable.recovery.lag", "streams.assignor.name",
                "errors.deadletterqueue.topic.name", "errors.deadletterqueue.copy.record.enable"), names);
        assertEquals(List.of("consumer.assignor.offload.enable", "share.assignor.offload.enable",
                "streams.assignor.offload.enable", "streams.task.offset.interval.ms", "streams.num.warmup.replicas",
                "streams.acceptable.recovery.lag"), names.stream().filter(GroupConfigDefinitions::isInternal).toList());
    }

    @Test
    void validOverridesPass() {
        rules.validate(Map.of("share.auto.offset.reset", "by_duration:PT1H", "consumer.session.timeout.ms", "50000",
                "consumer.heartbeat.interval.ms", "15000", "share.isolation.level", "read_committed",
                "streams.assignor.name", "sticky", "errors.deadletterqueue.topic.name", "mydlq",
                "consumer.assignor.offload.enable", "false", "streams.rack.aware.assignment.tags", "a, b",
                "share.record.lock.duration.ms", "60000", "streams.initial.rebalance.delay.ms", "999999999"));
        rules.validate(Map.of("share.auto.offset.reset", " earliest ", "consumer.session.timeout.ms", " 50000 "));
    }

    @Test
    void invalidOverridesAreRefusedWithKafkasMessages() {
        assertEquals("Unknown group config name: no.such.config", invalid(Map.of("no.such.config", "1")));
        assertEquals("Invalid value sometimes for configuration share.auto.offset.reset: Invalid value `sometimes` "
                + "for configuration share.auto.offset.reset. The value must be either 'earliest', 'latest' or of "
                + "the format 'by_duration:<PnDTnHnMn.nS>'.", invalid(Map.of("share.auto.offset.reset", "sometimes")));
        for (String refused : List.of("none", "EARLIEST", "by_duration:-PT1H", "by_duration:soon", "by_duration:",
                "BY_DURATION:PT1S", "")) {
            assertTrue(invalid(Map.of("share.auto.offset.reset", refused)).startsWith("Invalid value " + refused
                    + " for configuration share.auto.offset.reset: Invalid value `" + refused + "`"), refused);
        }
        assertEquals("Invalid value abc for configuration consumer.session.timeout.ms: Not a number of type INT",
                invalid(Map.of("consumer.session.timeout.ms", "abc")));
        assertEquals("Invalid value 0 for configuration consumer.session.timeout.ms: Value must be at least 1",
                invalid(Map.of("consumer.session.timeout.ms", "0")));
        assertEquals("Invalid value 10 for configuration share.record.lock.duration.ms: Value must be at least 1000",
                invalid(Map.of("share.record.lock.duration.ms", "10")));
        assertEquals("Invalid value READ_COMMITTED for configuration share.isolation.level: String must be one of: "
                + "read_committed, read_uncommitted", invalid(Map.of("share.isolation.level", "READ_COMMITTED")));
        assertEquals("Invalid value maybe for configuration share.renew.acknowledge.enable: Expected value to be "
                + "either true or false", invalid(Map.of("share.renew.acknowledge.enable", "maybe")));
        assertEquals("Configuration 'streams.rack.aware.assignment.tags' values must not be empty.",
                invalid(Map.of("streams.rack.aware.assignment.tags", "a,,b")));
        assertEquals("streams.rack.aware.assignment.tags must not contain duplicate tag keys.",
                invalid(Map.of("streams.rack.aware.assignment.tags", "x,x")));
        assertEquals("Null value not supported for group configs: share.isolation.level",
                invalid(nullValue("share.isolation.level")));
    }

    @Test
    void overridesMustLieWithinTheBrokersBoundsCheckedInKafkasOrder() {
        assertEquals("consumer.session.timeout.ms must be in the range 45000 to 60000 inclusive.",
                invalid(Map.of("consumer.session.timeout.ms", "1000")));
        assertEquals("consumer.heartbeat.interval.ms must be in the range 5000 to 15000 inclusive.",
                invalid(Map.of("consumer.heartbeat.interval.ms", "4000")));
        assertEquals("share.record.lock.duration.ms must be in the range 15000 to 60000 inclusive.",
                invalid(Map.of("share.record.lock.duration.ms", "70000")));
        assertEquals("share.delivery.count.limit must be in the range 2 to 10 inclusive.",
                invalid(Map.of("share.delivery.count.limit", "11")));
        assertEquals("share.partition.max.record.locks must be in the range 100 to 4000 inclusive.",
                invalid(Map.of("share.partition.max.record.locks", "5000")));
        assertEquals("consumer.assignment.interval.ms must be in the range 0 to 15000 inclusive.",
                invalid(Map.of("consumer.assignment.interval.ms", "20000")));
        assertEquals("streams.num.standby.replicas must be less than or equal to 2",
                invalid(Map.of("streams.num.standby.replicas", "3")));
        assertEquals("streams.num.warmup.replicas must be less than or equal to 20",
                invalid(Map.of("streams.num.warmup.replicas", "21")));
        assertEquals("streams.task.offset.interval.ms must be greater than or equal to 15000",
                invalid(Map.of("streams.task.offset.interval.ms", "1000")));
        assertEquals("streams.assignor.name 'nope' is not a registered task assignor. Registered assignors are: "
                + "[sticky].", invalid(Map.of("streams.assignor.name", "nope")));
        assertEquals("errors.deadletterqueue.topic.name: DLQ topic name must not start with '__'",
                invalid(Map.of("errors.deadletterqueue.topic.name", "__dlq")));
        // Parsing first (definition order), then the bounds (Kafka's order): consumer.* before share.*.
        assertEquals("Invalid value abc for configuration consumer.session.timeout.ms: Not a number of type INT",
                invalid(Map.of("share.record.lock.duration.ms", "abc", "consumer.session.timeout.ms", "abc")));
        assertEquals("consumer.session.timeout.ms must be in the range 45000 to 60000 inclusive.",
                invalid(Map.of("share.record.lock.duration.ms", "70000", "consumer.session.timeout.ms", "1")));
        assertEquals("Unknown group config name: zzz.unknown",
                invalid(Map.of("zzz.unknown", "1", "consumer.session.timeout.ms", "abc")));
    }

    @Test
    void theBrokersSettingsMoveTheBoundsAndASessionMustOutlastItsHeartbeat() {
        GroupConfigRules wide = new GroupConfigRules(Map.of("group.consumer.max.session.timeout.ms", "70000",
                "group.share.min.session.timeout.ms", "1000", "group.share.max.heartbeat.interval.ms", "50000",
                "group.streams.assignors", "sticky, mine"));
        wide.validate(Map.of("consumer.session.timeout.ms", "65000", "streams.assignor.name", "mine"));
        assertEquals("consumer.session.timeout.ms must be in the range 45000 to 70000 inclusive.",
                invalid(wide, Map.of("consumer.session.timeout.ms", "20000")));
        assertEquals("share.session.timeout.ms must be greater than share.heartbeat.interval.ms",
                invalid(wide, Map.of("share.session.timeout.ms", "5000")));
        assertEquals("share.session.timeout.ms must be greater than share.heartbeat.interval.ms",
                invalid(wide, Map.of("share.heartbeat.interval.ms", "45000")));
        wide.validate(Map.of("share.heartbeat.interval.ms", "40000"));
    }

    @Test
    void aMalformedBrokerSettingStopsTheBrokerAtStart() {
        assertThrows(IllegalArgumentException.class,
                () -> new GroupConfigRules(Map.of("group.share.max.record.lock.duration.ms", "long")));
        assertThrows(IllegalArgumentException.class,
                () -> new GroupConfigRules(Map.of("group.share.record.lock.duration.ms", "10")));
    }

    @Test
    void aValueComesFromTheOverrideClampedToTheBoundsElseTheBrokerSettingElseKafkasDefault() {
        GroupConfigRules broker = new GroupConfigRules(Map.of("group.share.record.lock.duration.ms", "20000",
                "group.share.max.record.lock.duration.ms", "40000"));
        assertEquals(20000, broker.intValue("share.record.lock.duration.ms", Map.of()));
        assertEquals(35000, broker.intValue("share.record.lock.duration.ms",
                Map.of("share.record.lock.duration.ms", "35000")));
        assertEquals(40000, broker.intValue("share.record.lock.duration.ms",
                Map.of("share.record.lock.duration.ms", "60000")), "an override beyond today's bound is clamped");
        assertEquals(20000, broker.intValue("share.record.lock.duration.ms",
                Map.of("share.record.lock.duration.ms", "soon")), "an unreadable override is ignored");
        assertEquals(45000, broker.intValue("consumer.session.timeout.ms", Map.of()));
        assertEquals("latest", broker.value("share.auto.offset.reset", Map.of()));
        assertEquals("earliest", broker.value("share.auto.offset.reset", Map.of("share.auto.offset.reset",
                " earliest ")));
        assertEquals("sticky", broker.value("streams.assignor.name", Map.of()));
    }

    @Test
    void aGroupWithoutOverridesIsDescribedAsKafkaDoesWithEveryPublicConfigAtItsDefault() {
        List<ResolvedConfig> described = resolver.group(Map.of());

        assertEquals(21, described.size());
        ResolvedConfig session = find(described, "consumer.session.timeout.ms");
        assertEquals("45000", session.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, session.source());
        assertEquals(ConfigType.INT, session.type());
        assertEquals(false, session.readOnly());
        assertEquals(List.of(new Synonym("group.consumer.session.timeout.ms", "45000", ConfigSource.DEFAULT_CONFIG)),
                session.synonyms());
        assertEquals(List.of(new Synonym("share.auto.offset.reset", "latest", ConfigSource.DEFAULT_CONFIG)),
                find(described, "share.auto.offset.reset").synonyms());
        assertEquals("sticky", find(described, "streams.assignor.name").value());
        assertEquals(List.of(new Synonym("group.streams.assignors", "sticky", ConfigSource.DEFAULT_CONFIG)),
                find(described, "streams.assignor.name").synonyms());
        assertEquals("", find(described, "streams.rack.aware.assignment.tags").value());
        assertEquals(ConfigType.LIST, find(described, "streams.rack.aware.assignment.tags").type());
        assertTrue(find(described, "share.auto.offset.reset").documentation().startsWith("The strategy to "
                + "initialize the share-partition start offset."));
        assertTrue(described.stream().noneMatch(c -> GroupConfigDefinitions.isInternal(c.name())));
    }

    @Test
    void overridesAndStaticBrokerSynonymsShowAsTheirSourcesWithTheDefaultsBehind() {
        ConfigResolver withStatic = new ConfigResolver(Map.of("group.share.record.lock.duration.ms", "20000",
                "group.consumer.session.timeout.ms", "50000"), List.of());
        List<ResolvedConfig> described = withStatic.group(Map.of("consumer.session.timeout.ms", "55000",
                "share.auto.offset.reset", "earliest", "consumer.assignor.offload.enable", "false",
                "streams.rack.aware.assignment.tags", "a, b"));

        assertEquals(22, described.size(), "an overridden internal config is described");
        ResolvedConfig lock = find(described, "share.record.lock.duration.ms");
        assertEquals("20000", lock.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, lock.source());
        assertEquals(List.of(new Synonym("group.share.record.lock.duration.ms", "20000",
                        ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("group.share.record.lock.duration.ms", "30000", ConfigSource.DEFAULT_CONFIG)),
                lock.synonyms());
        ResolvedConfig session = find(described, "consumer.session.timeout.ms");
        assertEquals("55000", session.value());
        assertEquals(ConfigSource.GROUP_CONFIG, session.source());
        assertEquals(List.of(new Synonym("consumer.session.timeout.ms", "55000", ConfigSource.GROUP_CONFIG),
                new Synonym("group.consumer.session.timeout.ms", "50000", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("group.consumer.session.timeout.ms", "45000", ConfigSource.DEFAULT_CONFIG)),
                session.synonyms());
        assertEquals(List.of(new Synonym("share.auto.offset.reset", "earliest", ConfigSource.GROUP_CONFIG),
                new Synonym("share.auto.offset.reset", "latest", ConfigSource.DEFAULT_CONFIG)),
                find(described, "share.auto.offset.reset").synonyms());
        assertEquals("false", find(described, "consumer.assignor.offload.enable").value());
        assertEquals("a,b", find(described, "streams.rack.aware.assignment.tags").value());
    }

    @Test
    void incrementalChangesOfAGroupSetAndDeleteButNeverAppendOrSubtract() {
        Map<String, String> current = Map.of("share.auto.offset.reset", "earliest", "share.isolation.level",
                "read_committed");
        assertEquals(Map.of("share.auto.offset.reset", "latest", "consumer.session.timeout.ms", "50000"),
                ConfigChange.applyToGroup(current, List.of(
                        new ConfigChange("share.auto.offset.reset", ConfigChange.Op.SET, "latest"),
                        new ConfigChange("consumer.session.timeout.ms", ConfigChange.Op.SET, "50000"),
                        new ConfigChange("share.isolation.level", ConfigChange.Op.DELETE, null),
                        new ConfigChange("no.such.config", ConfigChange.Op.DELETE, null))));
        assertEquals("Can't APPEND to key streams.rack.aware.assignment.tags because its type is not LIST.",
                assertThrows(InvalidConfigurationException.class, () -> ConfigChange.applyToGroup(current, List.of(
                        new ConfigChange("streams.rack.aware.assignment.tags", ConfigChange.Op.APPEND, "a"))))
                        .getMessage());
        assertEquals("Can't SUBTRACT to key no.such.config because its type is not LIST.",
                assertThrows(InvalidConfigurationException.class, () -> ConfigChange.applyToGroup(current, List.of(
                        new ConfigChange("no.such.config", ConfigChange.Op.SUBTRACT, "a")))).getMessage());
        assertEquals("Null value not supported for : share.auto.offset.reset",
                assertThrows(InvalidRequestException.class, () -> ConfigChange.applyToGroup(current, List.of(
                        new ConfigChange("share.auto.offset.reset", ConfigChange.Op.SET, null)))).getMessage());
    }

    @Test
    void shareAutoOffsetResetParsesAsKafkaDoes() {
        assertEquals(ShareAutoOffsetReset.EARLIEST, ShareAutoOffsetReset.parse("earliest"));
        assertEquals(ShareAutoOffsetReset.LATEST, ShareAutoOffsetReset.parse("latest"));
        ShareAutoOffsetReset hour = ShareAutoOffsetReset.parse("by_duration:pt1h");
        assertEquals(new ShareAutoOffsetReset(ShareAutoOffsetReset.Strategy.BY_DURATION, Duration.ofHours(1)), hour);
        assertEquals(1_000_000 - 3_600_000, hour.timestampMs(1_000_000));
        assertEquals("by_duration:PT1H", hour.toString());
        assertEquals(Duration.ofHours(23), ShareAutoOffsetReset.parse("by_duration:P1DT-1H").duration());
        assertEquals(Duration.ZERO, ShareAutoOffsetReset.parse("by_duration:-PT0S").duration());
        for (String refused : List.of("none", "Latest", " latest", "by_duration:PT-1H", "by_duration:soon")) {
            assertThrows(IllegalArgumentException.class, () -> ShareAutoOffsetReset.parse(refused), refused);
        }
    }

    private String invalid(Map<String, String> overrides) {
        return invalid(rules, overrides);
    }

    private static String invalid(GroupConfigRules rules, Map<String, String> overrides) {
        return assertThrows(InvalidConfigurationException.class, () -> rules.validate(overrides)).getMessage();
    }

    private static Map<String, String> nullValue(String name) {
        Map<String, String> m = new HashMap<>();
        m.put(name, null);
        return m;
    }

    private static ResolvedConfig find(List<ResolvedConfig> configs, String name) {
        return configs.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(
                "not described: " + name));
    }
}
