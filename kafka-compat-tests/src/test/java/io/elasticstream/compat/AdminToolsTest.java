package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admin side of Kafka's tools against the server: {@code kafka-topics --describe} and
 * {@code --alter --partitions}, {@code kafka-configs} on topics and groups, and the Java admin client's
 * DescribeConfigs, IncrementalAlterConfigs and CreatePartitions, with their error cases.
 * The server is started with {@code log.retention.hours=24} in its properties: it sets retention.ms's
 * value, shown (as Apache Kafka 4.4 shows it) with source DEFAULT_CONFIG and no broker synonym.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AdminToolsTest {
    private static final long WAIT_S = Clients.ADMIN_TIMEOUT_SECONDS;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("admin-tools",
            Map.of("log.retention.hours", "24"));

    @Test
    void kafkaTopicsDescribeShowsPartitionsAndTopicOverrides() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-describe";
        ToolResult create = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--create", "--topic", topic,
                "--partitions", "2", "--config", "max.message.bytes=65536");
        assertEquals(0, create.exitCode(), create.describe());

        ToolResult describe = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--describe", "--topic", topic);

        assertEquals(0, describe.exitCode(), describe.describe());
        String out = describe.stdout();
        assertTrue(out.contains("Topic: " + topic) && out.contains("PartitionCount: 2")
                && out.contains("ReplicationFactor: 1"), describe.describe());
        // Like Kafka 4.4, every config whose source is not DEFAULT_CONFIG: the override. (The static
        // log.retention.hours=24 sets retention.ms, but Kafka reports it as DEFAULT_CONFIG; see DifferentialTest.)
        assertTrue(out.contains("Configs: max.message.bytes=65536"), describe.describe());
        assertTrue(out.contains("Partition: 0") && out.contains("Partition: 1"), describe.describe());
    }

    @Test
    void kafkaTopicsAlterRaisesPartitionsThatThenAcceptRecordsAndRefusesDecreases() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-partitions";
        Clients.createTopic(bootstrap, topic, 1);

        ToolResult alter = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--alter", "--topic", topic,
                "--partitions", "3");
        assertEquals(0, alter.exitCode(), alter.describe());
        assertEquals(3, Clients.describeTopic(bootstrap, topic).partitions().size());
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            RecordMetadata written = producer.send(new ProducerRecord<>(topic, 2, null, "on a new partition".getBytes()))
                    .get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(2, written.partition());
            assertEquals(0, written.offset());
        }

        ToolResult decrease = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--alter", "--topic", topic,
                "--partitions", "2");
        assertNotEquals(0, decrease.exitCode(), decrease.describe());
        assertTrue((decrease.stdout() + decrease.stderr()).contains("currently has 3 partition(s); 2 would not be "
                + "an increase"), decrease.describe());
        try (Admin admin = Clients.admin(bootstrap)) {
            ExecutionException same = assertThrows(ExecutionException.class, () -> admin.createPartitions(
                    Map.of(topic, NewPartitions.increaseTo(3))).all().get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(InvalidPartitionsException.class, same.getCause());
            ExecutionException unknown = assertThrows(ExecutionException.class, () -> admin.createPartitions(
                    Map.of("admin-no-such-topic", NewPartitions.increaseTo(3))).all().get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause());
        }
        assertEquals(3, Clients.describeTopic(bootstrap, topic).partitions().size());
    }

    @Test
    void kafkaConfigsAltersAndDescribesTopicConfigsAndRejectsInvalidOnes() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-configs";
        Clients.createTopic(bootstrap, topic, 1);
        String[] entity = {"--bootstrap-server", bootstrap, "--entity-type", "topics", "--entity-name", topic};

        ToolResult alter = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config",
                "retention.ms=5000,cleanup.policy=[delete,compact]"));
        assertEquals(0, alter.exitCode(), alter.describe());
        ToolResult describe = KafkaConfigCommand.run(concat(entity, "--describe"));
        assertEquals(0, describe.exitCode(), describe.describe());
        // As Apache Kafka 4.4 reports it (DifferentialTest): a static log.retention.hours is not a synonym.
        assertTrue(describe.stdout().contains("retention.ms=5000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:"
                + "retention.ms=5000}"), describe.describe());
        assertTrue(describe.stdout().contains("cleanup.policy=delete,compact"), describe.describe());

        ToolResult delete = KafkaConfigCommand.run(concat(entity, "--alter", "--delete-config", "retention.ms"));
        assertEquals(0, delete.exitCode(), delete.describe());
        ToolResult all = KafkaConfigCommand.run(concat(entity, "--describe", "--all"));
        assertEquals(0, all.exitCode(), all.describe());
        assertTrue(all.stdout().contains("retention.ms=86400000 sensitive=false synonyms={}"), all.describe());
        assertTrue(all.stdout().contains("segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:"
                + "log.segment.bytes=1073741824}"), all.describe());

        ToolResult invalid = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config", "retention.ms=abc"));
        assertNotEquals(0, invalid.exitCode(), invalid.describe());
        assertTrue((invalid.stdout() + invalid.stderr()).contains(
                "Invalid value abc for configuration retention.ms: Not a number of type LONG"), invalid.describe());
        ToolResult unknown = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config", "no.such.config=1"));
        assertNotEquals(0, unknown.exitCode(), unknown.describe());
        assertTrue((unknown.stdout() + unknown.stderr()).contains("Unknown topic config name: no.such.config"),
                unknown.describe());
    }

    @Test
    void kafkaConfigsAltersAndDescribesGroupConfigsAndRejectsInvalidOnes() {
        String bootstrap = SERVER.bootstrapServers();
        String group = "admin-group-configs"; // a group need not exist to have configs, as in Kafka
        String[] entity = {"--bootstrap-server", bootstrap, "--entity-type", "groups", "--entity-name", group};

        ToolResult alter = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config",
                "share.auto.offset.reset=earliest,share.record.lock.duration.ms=20000"));
        assertEquals(0, alter.exitCode(), alter.describe());
        assertTrue(alter.stdout().contains("Completed updating config for group " + group + "."), alter.describe());
        ToolResult describe = KafkaConfigCommand.run(concat(entity, "--describe"));
        assertEquals(0, describe.exitCode(), describe.describe());
        // As Apache Kafka 4.4 prints them (DifferentialTest's groupConfigs compares the answers behind this).
        assertTrue(describe.stdout().contains("Dynamic configs for group " + group + " are:"), describe.describe());
        assertTrue(describe.stdout().contains("share.auto.offset.reset=earliest sensitive=false synonyms="
                + "{DYNAMIC_GROUP_CONFIG:share.auto.offset.reset=earliest, DEFAULT_CONFIG:share.auto.offset.reset="
                + "latest}"), describe.describe());
        assertTrue(describe.stdout().contains("share.record.lock.duration.ms=20000 sensitive=false synonyms="
                + "{DYNAMIC_GROUP_CONFIG:share.record.lock.duration.ms=20000, DEFAULT_CONFIG:group.share.record.lock"
                + ".duration.ms=30000}"), describe.describe());

        ToolResult delete = KafkaConfigCommand.run(concat(entity, "--alter", "--delete-config",
                "share.auto.offset.reset"));
        assertEquals(0, delete.exitCode(), delete.describe());
        ToolResult all = KafkaConfigCommand.run(concat(entity, "--describe", "--all"));
        assertEquals(0, all.exitCode(), all.describe());
        assertTrue(all.stdout().contains("All configs for group " + group + " are:"), all.describe());
        assertTrue(all.stdout().contains("share.auto.offset.reset=latest sensitive=false synonyms={DEFAULT_CONFIG:"
                + "share.auto.offset.reset=latest}"), all.describe());
        assertTrue(all.stdout().contains("share.record.lock.duration.ms=20000 sensitive=false"), all.describe());
        assertTrue(all.stdout().contains("consumer.session.timeout.ms=45000 sensitive=false synonyms={DEFAULT_CONFIG:"
                + "group.consumer.session.timeout.ms=45000}"), all.describe());

        ToolResult invalid = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config",
                "share.auto.offset.reset=sometimes"));
        assertNotEquals(0, invalid.exitCode(), invalid.describe());
        assertTrue((invalid.stdout() + invalid.stderr()).contains("Invalid value `sometimes` for configuration "
                + "share.auto.offset.reset. The value must be either 'earliest', 'latest' or of the format "
                + "'by_duration:<PnDTnHnMn.nS>'."), invalid.describe());
        ToolResult outOfBounds = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config",
                "consumer.session.timeout.ms=1000"));
        assertNotEquals(0, outOfBounds.exitCode(), outOfBounds.describe());
        assertTrue((outOfBounds.stdout() + outOfBounds.stderr()).contains("consumer.session.timeout.ms must be in "
                + "the range 45000 to 60000 inclusive."), outOfBounds.describe());
        ToolResult unknown = KafkaConfigCommand.run(concat(entity, "--alter", "--add-config", "no.such.config=1"));
        assertNotEquals(0, unknown.exitCode(), unknown.describe());
        assertTrue((unknown.stdout() + unknown.stderr()).contains("Unknown group config name: no.such.config"),
                unknown.describe());
    }

    @Test
    void adminClientDescribesEveryTopicConfigWithSourcesTypesAndDocumentation() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-describe-configs";
        Clients.createTopic(bootstrap, topic, 1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("min.insync.replicas", "1"), AlterConfigOp.OpType.SET))))
                    .all().get(WAIT_S, TimeUnit.SECONDS);
            Config config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions()
                    .includeSynonyms(true).includeDocumentation(true)).all().get(WAIT_S, TimeUnit.SECONDS).get(resource);

            assertEquals(37, config.entries().size());
            ConfigEntry minIsr = config.get("min.insync.replicas");
            assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, minIsr.source());
            assertEquals(ConfigEntry.ConfigType.INT, minIsr.type());
            ConfigEntry compression = config.get("compression.type");
            assertEquals("producer", compression.value());
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, compression.source());
            assertTrue(compression.documentation() != null && !compression.documentation().isEmpty());
            // Kafka 4.4 reports DEFAULT_CONFIG here: log.retention.hours is not retention.ms's primary synonym.
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, config.get("retention.ms").source());
            assertEquals("86400000", config.get("retention.ms").value());

            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
            Config brokerConfig = admin.describeConfigs(List.of(broker)).all().get(WAIT_S, TimeUnit.SECONDS).get(broker);
            assertEquals("24", brokerConfig.get("log.retention.hours").value());
            assertEquals(ConfigEntry.ConfigSource.STATIC_BROKER_CONFIG, brokerConfig.get("log.retention.hours").source());
            assertEquals("1048588", brokerConfig.get("message.max.bytes").value());

            ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "admin-no-such-topic");
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.describeConfigs(List.of(missing)).all().get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(UnknownTopicOrPartitionException.class, e.getCause());
        }
    }

    @Test
    void topicMaxMessageBytesSetByAlterIsEnforcedOnProduceAndValidateOnlyChangesNothing() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-max-message";
        Clients.createTopic(bootstrap, topic, 1);
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Clients.admin(bootstrap);
             KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                     Map.of(ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRIES_CONFIG, 0))) {
            byte[] value = new byte[8_000];
            producer.send(new ProducerRecord<>(topic, value)).get(WAIT_S, TimeUnit.SECONDS);

            ExecutionException invalid = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(
                    Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "-3"),
                            AlterConfigOp.OpType.SET)))).all().get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(InvalidConfigurationException.class, invalid.getCause());
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", "1000"), AlterConfigOp.OpType.SET))),
                    new org.apache.kafka.clients.admin.AlterConfigsOptions().validateOnly(true))
                    .all().get(WAIT_S, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, value)).get(WAIT_S, TimeUnit.SECONDS);

            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", "1000"), AlterConfigOp.OpType.SET))))
                    .all().get(WAIT_S, TimeUnit.SECONDS);
            ExecutionException tooLarge = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, value)).get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(RecordTooLargeException.class, tooLarge.getCause());

            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", null), AlterConfigOp.OpType.DELETE), new AlterConfigOp(
                    new ConfigEntry("retention.ms", "100000"), AlterConfigOp.OpType.SET))))
                    .all().get(WAIT_S, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(topic, value)).get(WAIT_S, TimeUnit.SECONDS);
            Config after = admin.describeConfigs(List.of(resource)).all().get(WAIT_S, TimeUnit.SECONDS).get(resource);
            assertEquals("1048588", after.get("max.message.bytes").value());
            assertEquals("100000", after.get("retention.ms").value());
        }
    }

    @Test
    void describeClusterListsThisBrokerAndTheClusterIdAndAllClusterOperations() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        try (Admin admin = Clients.admin(bootstrap)) {
            var cluster = admin.describeCluster(new org.apache.kafka.clients.admin.DescribeClusterOptions()
                    .includeAuthorizedOperations(true));
            var nodes = cluster.nodes().get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(1, nodes.size());
            var node = nodes.iterator().next();
            assertEquals(1, node.id());
            assertEquals(bootstrap, node.host() + ":" + node.port());
            assertEquals(1, cluster.controller().get(WAIT_S, TimeUnit.SECONDS).id());
            String clusterId = cluster.clusterId().get(WAIT_S, TimeUnit.SECONDS);
            assertTrue(clusterId != null && !clusterId.isEmpty(), "cluster id: " + clusterId);
            assertTrue(cluster.authorizedOperations().get(WAIT_S, TimeUnit.SECONDS)
                    .contains(org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS));
        }
    }

    @Test
    void describeTopicsPagesThroughPartitionsWithTheCursorAndReportsUnknownTopics() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        Clients.createTopic(bootstrap, "admin-pages-a", 5);
        Clients.createTopic(bootstrap, "admin-pages-b", 3);
        try (Admin admin = Clients.admin(bootstrap)) {
            var described = admin.describeTopics(List.of("admin-pages-b", "admin-pages-a"),
                    new org.apache.kafka.clients.admin.DescribeTopicsOptions().partitionSizeLimitPerResponse(2))
                    .allTopicNames().get(WAIT_S, TimeUnit.SECONDS);
            assertEquals(List.of(0, 1, 2, 3, 4), described.get("admin-pages-a").partitions().stream()
                    .map(org.apache.kafka.common.TopicPartitionInfo::partition).toList());
            assertEquals(List.of(0, 1, 2), described.get("admin-pages-b").partitions().stream()
                    .map(org.apache.kafka.common.TopicPartitionInfo::partition).toList());
            assertEquals(1, described.get("admin-pages-a").partitions().get(4).leader().id());
            ExecutionException unknown = assertThrows(ExecutionException.class, () -> admin.describeTopics(
                    List.of("admin-no-such-topic")).allTopicNames().get(WAIT_S, TimeUnit.SECONDS));
            assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause());
        }
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = new String[first.length + rest.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }
}
