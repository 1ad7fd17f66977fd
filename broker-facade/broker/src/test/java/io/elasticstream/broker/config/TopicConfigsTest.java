package io.elasticstream.broker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.config.ResolvedConfig.Synonym;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {

    @Test
    void everyKafka44TopicConfigIsDefinedWithKafkasDefaultsAndNoOther() {
        List<String> names = TopicConfigs.all().stream().map(ConfigDefinition::name).sorted().toList();
        // kafka-storage 4.4.0 LogConfig.nonInternalConfigNames()
        assertEquals(List.of("cleanup.policy", "compression.gzip.level", "compression.lz4.level", "compression.type",
                "compression.zstd.level", "delete.retention.ms", "errors.deadletterqueue.group.enable",
                "file.delete.delay.ms", "flush.messages", "flush.ms", "follower.replication.throttled.replicas",
                "index.interval.bytes", "leader.replication.throttled.replicas", "local.retention.bytes",
                "local.retention.ms", "max.compaction.lag.ms", "max.decompressed.message.bytes", "max.message.bytes",
                "message.timestamp.after.max.ms", "message.timestamp.before.max.ms", "message.timestamp.type",
                "min.cleanable.dirty.ratio", "min.compaction.lag.ms", "min.insync.replicas", "preallocate",
                "remote.copy.lag.bytes", "remote.copy.lag.ms", "remote.log.copy.disable",
                "remote.log.delete.on.disable", "remote.storage.enable", "retention.bytes", "retention.ms",
                "segment.bytes", "segment.index.bytes", "segment.jitter.ms", "segment.ms",
                "unclean.leader.election.enable"), names);
        assertEquals("604800000", def("retention.ms").defaultValue());
        assertEquals("1048588", def("max.message.bytes").defaultValue());
        assertEquals("delete", def("cleanup.policy").defaultValue());
        assertEquals("producer", def("compression.type").defaultValue());
        assertEquals("1073741824", def("segment.bytes").defaultValue());
        assertTrue(def("retention.ms").documentation().contains("retain a log"), def("retention.ms").documentation());
    }

    @Test
    void validationRejectsUnknownNamesAndInvalidValuesWithKafkasMessages() {
        TopicConfigs.validate(Map.of("retention.ms", "-1", "cleanup.policy", "compact,delete",
                "compression.gzip.level", "-1", "leader.replication.throttled.replicas", "0:1,1:1"));
        assertEquals("Unknown topic config name: message.downconversion.enable", invalid(
                Map.of("message.downconversion.enable", "true")));
        assertEquals("Invalid value abc for configuration retention.ms: Not a number of type LONG",
                invalid(Map.of("retention.ms", "abc")));
        assertEquals("Invalid value -5 for configuration retention.ms: Value must be at least -1",
                invalid(Map.of("retention.ms", "-5")));
        assertEquals("Invalid value foo for configuration cleanup.policy: String must be one of: compact, delete",
                invalid(Map.of("cleanup.policy", "foo")));
        assertEquals("Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or "
                + "equal to -1", invalid(Map.of("compression.gzip.level", "0")));
        assertEquals("Invalid value [x] for configuration leader.replication.throttled.replicas: "
                + "leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the "
                + "following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...",
                invalid(Map.of("leader.replication.throttled.replicas", "x")));
    }

    @Test
    void topicOverrideBeatsStaticBrokerSynonymWhichBeatsKafkasDefault() {
        ConfigResolver resolver = new ConfigResolver(Map.of("log.retention.hours", "24", "log.segment.bytes",
                "2097152"), List.of());

        // As Kafka 4.4: a static hours variant sets the value, but only the primary synonym (log.retention.ms)
        // would be reported as a synonym or a STATIC_BROKER_CONFIG source.
        ResolvedConfig byHours = find(resolver.topic(Map.of()), "retention.ms");
        assertEquals("86400000", byHours.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, byHours.source());
        assertEquals(ConfigType.LONG, byHours.type());
        assertEquals(List.of(), byHours.synonyms());

        ResolvedConfig byBroker = find(resolver.topic(Map.of()), "segment.bytes");
        assertEquals("2097152", byBroker.value());
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, byBroker.source());
        assertEquals(List.of(new Synonym("log.segment.bytes", "2097152", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("log.segment.bytes", "1073741824", ConfigSource.DEFAULT_CONFIG)), byBroker.synonyms());

        ResolvedConfig overridden = find(resolver.topic(Map.of("retention.ms", "1000")), "retention.ms");
        assertEquals("1000", overridden.value());
        assertEquals(ConfigSource.TOPIC_CONFIG, overridden.source());
        assertEquals(new Synonym("retention.ms", "1000", ConfigSource.TOPIC_CONFIG), overridden.synonyms().getFirst());

        ResolvedConfig byDefault = find(resolver.topic(Map.of()), "index.interval.bytes");
        assertEquals("4096", byDefault.value());
        assertEquals(ConfigSource.DEFAULT_CONFIG, byDefault.source());
        assertEquals(List.of(new Synonym("log.index.interval.bytes", "4096", ConfigSource.DEFAULT_CONFIG)),
                byDefault.synonyms());
        assertEquals(List.of(), find(resolver.topic(Map.of()), "segment.ms").synonyms(),
                "no default synonym where Kafka's broker default is on log.roll.hours");
        ResolvedConfig noSynonym = find(resolver.topic(Map.of()), "remote.storage.enable");
        assertEquals(List.of(), noSynonym.synonyms());
        assertEquals(37, resolver.topic(Map.of()).size());
    }

    @Test
    void brokerSettingsGivenInThePropertiesFileAreStaticTheOthersDefault() {
        ConfigResolver resolver = new ConfigResolver(Map.of("num.partitions", "3"), List.of(
                new ConfigResolver.BrokerSetting("num.partitions", org.apache.kafka.common.config.ConfigDef.Type.INT,
                        "3", "1", "doc"),
                new ConfigResolver.BrokerSetting("message.max.bytes", org.apache.kafka.common.config.ConfigDef.Type.INT,
                        "1048588", "1048588", "doc")));
        List<ResolvedConfig> broker = resolver.broker();
        assertEquals(ConfigSource.STATIC_BROKER_CONFIG, find(broker, "num.partitions").source());
        assertEquals(List.of(new Synonym("num.partitions", "3", ConfigSource.STATIC_BROKER_CONFIG),
                new Synonym("num.partitions", "1", ConfigSource.DEFAULT_CONFIG)), find(broker, "num.partitions")
                .synonyms(), "as Kafka: the static value, then Kafka's default");
        assertEquals(ConfigSource.DEFAULT_CONFIG, find(broker, "message.max.bytes").source());
        assertEquals("168", find(broker, "log.retention.hours").value());
        assertTrue(broker.stream().allMatch(ResolvedConfig::readOnly));
    }

    @Test
    void incrementalChangesSetDeleteAndAppendOrSubtractListsFromTheDefault() {
        Map<String, String> result = ConfigChange.apply(Map.of("retention.ms", "1000", "segment.ms", "5"), List.of(
                new ConfigChange("retention.ms", ConfigChange.Op.DELETE, null),
                new ConfigChange("max.message.bytes", ConfigChange.Op.SET, "2000"),
                new ConfigChange("cleanup.policy", ConfigChange.Op.APPEND, "compact")));
        assertEquals(Map.of("segment.ms", "5", "max.message.bytes", "2000", "cleanup.policy", "delete,compact"), result);
        assertEquals(Map.of("cleanup.policy", "compact"), ConfigChange.apply(Map.of("cleanup.policy", "delete,compact"),
                List.of(new ConfigChange("cleanup.policy", ConfigChange.Op.SUBTRACT, "delete"))));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> ConfigChange.apply(
                Map.of(), List.of(new ConfigChange("retention.ms", ConfigChange.Op.APPEND, "1"))));
        assertEquals("Config value append is not allowed for config key: retention.ms", e.getMessage());
    }

    private static String invalid(Map<String, String> overrides) {
        return assertThrows(InvalidConfigurationException.class, () -> TopicConfigs.validate(overrides)).getMessage();
    }

    private static ConfigDefinition def(String name) {
        return TopicConfigs.find(name).orElseThrow();
    }

    private static ResolvedConfig find(List<ResolvedConfig> configs, String name) {
        return configs.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
