package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.describeEntry;
import static io.elasticstream.compat.ScenarioSupport.get;
import static io.elasticstream.compat.ScenarioSupport.node;
import static io.elasticstream.compat.ScenarioSupport.partitionInfo;
import static io.elasticstream.compat.ScenarioSupport.settled;
import static io.elasticstream.compat.ScenarioSupport.synonyms;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;

/** Differential scenarios of the topic and cluster admin APIs (kafka-clients' {@link Admin}). */
final class AdminScenarios {
    private AdminScenarios() {
    }

    /** CreateTopics: a valid topic (and what the response says about it), then every error a client can cause. */
    static Observation createTopics(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-create";
        try (Admin admin = admin(bootstrap)) {
            CreateTopicsResult created = admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1)
                    .configs(Map.of("retention.ms", "3600000"))));
            o.outcome("valid", () -> get(created.all()));
            ScenarioSupport.awaitDescribable(admin, topic, true);
            o.put("valid.numPartitions", get(created.numPartitions(topic)));
            o.put("valid.replicationFactor", get(created.replicationFactor(topic)));
            o.put("valid.topicIdAssigned", !Uuid.ZERO_UUID.equals(get(created.topicId(topic))));
            Config config = get(created.config(topic));
            config.entries().stream().sorted(java.util.Comparator.comparing(ConfigEntry::name))
                    .forEach(e -> o.put("valid.config." + e.name(), describeEntry(e)));
            TopicDescription description = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic));
            o.put("describe.internal", description.isInternal());
            o.put("describe.topicIdMatches", description.topicId().equals(get(created.topicId(topic))));
            description.partitions().forEach(p -> o.put("describe.partition." + p.partition(), partitionInfo(p)));

            o.outcome("existing", () -> create(admin, new NewTopic(topic, 3, (short) 1)));
            o.outcome("existingDifferentPartitions", () -> create(admin, new NewTopic(topic, 1, (short) 1)));
            o.outcome("invalidNameSlash", () -> create(admin, new NewTopic("diff/bad", 1, (short) 1)));
            o.outcome("invalidNameDotDot", () -> create(admin, new NewTopic("..", 1, (short) 1)));
            o.outcome("invalidNameEmpty", () -> create(admin, new NewTopic("", 1, (short) 1)));
            o.outcome("invalidNameTooLong", () -> create(admin, new NewTopic("t".repeat(250), 1, (short) 1)));
            o.outcome("collidingName.first", () -> create(admin, new NewTopic("diff.collide", 1, (short) 1)));
            o.outcome("collidingName.second", () -> create(admin, new NewTopic("diff_collide", 1, (short) 1)));
            o.outcome("zeroPartitions", () -> create(admin, new NewTopic("diff-p0", 0, (short) 1)));
            o.outcome("negativePartitions", () -> create(admin, new NewTopic("diff-pneg", -5, (short) 1)));
            o.outcome("zeroReplicationFactor", () -> create(admin, new NewTopic("diff-rf0", 1, (short) 0)));
            o.outcome("replicationFactorAboveBrokers", () -> create(admin, new NewTopic("diff-rf3", 1, (short) 3)));
            o.outcome("invalidConfigValue", () -> create(admin, new NewTopic("diff-badcfg", 1, (short) 1)
                    .configs(Map.of("retention.ms", "not-a-number"))));
            o.outcome("configValueOutOfRange", () -> create(admin, new NewTopic("diff-rangecfg", 1, (short) 1)
                    .configs(Map.of("min.insync.replicas", "0"))));
            o.outcome("unknownConfig", () -> create(admin, new NewTopic("diff-unknowncfg", 1, (short) 1)
                    .configs(Map.of("no.such.config", "1"))));
            o.outcome("brokerOnlyConfig", () -> create(admin, new NewTopic("diff-brokercfg", 1, (short) 1)
                    .configs(Map.of("log.retention.hours", "1"))));

            CreateTopicsResult defaults = admin.createTopics(List.of(new NewTopic("diff-defaults", Optional.empty(),
                    Optional.empty())));
            o.outcome("brokerDefaults", () -> get(defaults.all()));
            o.put("brokerDefaults.numPartitions", get(defaults.numPartitions("diff-defaults")));
            o.put("brokerDefaults.replicationFactor", get(defaults.replicationFactor("diff-defaults")));

            o.outcome("validateOnly", () -> get(admin.createTopics(List.of(new NewTopic("diff-validate-only", 2,
                    (short) 1)), new CreateTopicsOptions().validateOnly(true)).all()));
            o.outcome("validateOnlyInvalid", () -> get(admin.createTopics(List.of(new NewTopic("diff-vo-bad", 0,
                    (short) 1)), new CreateTopicsOptions().validateOnly(true)).all()));
            CreateTopicsResult mixed = admin.createTopics(List.of(new NewTopic("diff-mixed-ok", 1, (short) 1),
                    new NewTopic("diff-mixed-bad", 1, (short) 1).configs(Map.of("cleanup.policy", "sideways"))));
            o.outcome("mixedBatch.valid", () -> get(mixed.values().get("diff-mixed-ok")));
            o.outcome("mixedBatch.invalid", () -> get(mixed.values().get("diff-mixed-bad")));
            for (String name : List.of("diff-defaults", "diff-mixed-ok", "diff.collide")) {
                ScenarioSupport.awaitDescribable(admin, name, true);
            }
            o.put("listTopics", get(admin.listTopics().names()).stream().filter(n -> n.startsWith("diff"))
                    .sorted().toList());
        }
        return o;
    }

    private static Void create(Admin admin, NewTopic topic) throws Exception {
        return get(admin.createTopics(List.of(topic)).all());
    }

    /** DescribeConfigs of a topic with two overrides: every config Kafka reports, with sources and synonyms. */
    static Observation describeTopicConfigs(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-configs";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of("retention.ms", "3600000", "cleanup.policy", "compact,delete"));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions()
                    .includeSynonyms(true).includeDocumentation(true)).values().get(resource));
            Collection<ConfigEntry> entries = config.entries();
            o.put("names", entries.stream().map(ConfigEntry::name).sorted().toList());
            for (ConfigEntry e : entries) {
                o.put(e.name(), describeEntry(e));
                o.put(e.name() + ".synonyms", synonyms(e));
                o.put(e.name() + ".documentation", e.documentation());
            }
            Config plain = get(admin.describeConfigs(List.of(resource)).values().get(resource));
            o.put("withoutSynonyms.retention.ms", synonyms(plain.get("retention.ms")));
            o.put("withoutDocumentation.retention.ms", plain.get("retention.ms").documentation());
            ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "diff-no-such-topic");
            o.outcome("unknownTopic", () -> get(admin.describeConfigs(List.of(missing)).values().get(missing)) != null);
        }
        return o;
    }

    /** Broker configs that tools and clients commonly read, as DescribeConfigs on the broker reports them. */
    static Observation describeBrokerConfigs(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        try (Admin admin = admin(bootstrap)) {
            Config config = get(admin.describeConfigs(List.of(broker), new DescribeConfigsOptions()
                    .includeSynonyms(true)).values().get(broker));
            for (String name : List.of("message.max.bytes", "log.retention.hours", "log.retention.ms",
                    "log.segment.bytes", "log.cleanup.policy", "compression.type", "min.insync.replicas",
                    "unclean.leader.election.enable", "auto.create.topics.enable", "num.partitions",
                    "socket.request.max.bytes", "offsets.topic.num.partitions", "group.initial.rebalance.delay.ms",
                    "group.min.session.timeout.ms", "group.max.session.timeout.ms", "group.max.size",
                    "offset.metadata.max.bytes", "default.replication.factor", "delete.topic.enable",
                    "offsets.retention.minutes", "transactional.id.expiration.ms")) {
                ConfigEntry e = config.get(name);
                o.put(name, e == null ? "(not described)" : "value=" + e.value() + " source=" + e.source()
                        + " default=" + e.isDefault() + " sensitive=" + e.isSensitive() + " type=" + e.type()
                        + " synonyms=" + synonyms(e));
                o.put(name + ".readOnly", e == null ? "(not described)" : e.isReadOnly());
            }
        }
        return o;
    }

    /** IncrementalAlterConfigs on a topic: SET, APPEND, SUBTRACT, DELETE, validate-only and invalid changes. */
    static Observation alterConfigs(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-alter";
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            o.outcome("set", () -> alter(admin, resource, false, op("retention.ms", "1000", AlterConfigOp.OpType.SET)));
            o.put("set.result", settled(() -> describe(admin, resource, "retention.ms"), v -> v.startsWith("value=1000 ")));
            o.outcome("append", () -> alter(admin, resource, false,
                    op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND)));
            o.put("append.result", settled(() -> describe(admin, resource, "cleanup.policy"), v -> v.contains("compact")));
            o.outcome("subtract", () -> alter(admin, resource, false,
                    op("cleanup.policy", "delete", AlterConfigOp.OpType.SUBTRACT)));
            o.put("subtract.result", settled(() -> describe(admin, resource, "cleanup.policy"),
                    v -> v.startsWith("value=compact ")));
            o.outcome("delete", () -> alter(admin, resource, false,
                    op("retention.ms", null, AlterConfigOp.OpType.DELETE)));
            o.put("delete.result", settled(() -> describe(admin, resource, "retention.ms"),
                    v -> !v.startsWith("value=1000 ")));
            o.outcome("deleteNotSet", () -> alter(admin, resource, false,
                    op("segment.ms", null, AlterConfigOp.OpType.DELETE)));
            o.outcome("validateOnly", () -> alter(admin, resource, true,
                    op("retention.ms", "2000", AlterConfigOp.OpType.SET)));
            o.put("validateOnly.result", describe(admin, resource, "retention.ms"));
            o.outcome("invalidValue", () -> alter(admin, resource, false,
                    op("retention.ms", "soon", AlterConfigOp.OpType.SET)));
            o.outcome("outOfRange", () -> alter(admin, resource, false,
                    op("min.insync.replicas", "0", AlterConfigOp.OpType.SET)));
            o.outcome("invalidListItem", () -> alter(admin, resource, false,
                    op("cleanup.policy", "sideways", AlterConfigOp.OpType.APPEND)));
            o.outcome("unknownName", () -> alter(admin, resource, false,
                    op("no.such.config", "1", AlterConfigOp.OpType.SET)));
            o.outcome("appendToNonList", () -> alter(admin, resource, false,
                    op("retention.ms", "5", AlterConfigOp.OpType.APPEND)));
            o.outcome("twoChangesOneInvalid", () -> alter(admin, resource, false,
                    op("retention.ms", "3000", AlterConfigOp.OpType.SET),
                    op("segment.bytes", "1", AlterConfigOp.OpType.SET)));
            o.put("twoChangesOneInvalid.result", describe(admin, resource, "retention.ms"));
            ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "diff-no-such-topic");
            o.outcome("unknownTopic", () -> alter(admin, missing, false,
                    op("retention.ms", "1000", AlterConfigOp.OpType.SET)));
        }
        return o;
    }

    static AlterConfigOp op(String name, String value, AlterConfigOp.OpType type) {
        return new AlterConfigOp(new ConfigEntry(name, value), type);
    }

    /** IncrementalAlterConfigs of {@code ops} on {@code resource}, waited for. */
    static Void alter(Admin admin, ConfigResource resource, boolean validateOnly, AlterConfigOp... ops)
            throws Exception {
        return get(admin.incrementalAlterConfigs(Map.of(resource, List.of(ops)),
                new AlterConfigsOptions().validateOnly(validateOnly)).all());
    }

    private static String describe(Admin admin, ConfigResource resource, String name) throws Exception {
        return describeEntry(get(admin.describeConfigs(List.of(resource)).values().get(resource)).get(name));
    }

    /** CreatePartitions: growing a topic (then producing to a new partition), and shrinking or not growing it. */
    static Observation createPartitions(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-partitions";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            o.outcome("increaseTo3", () -> grow(admin, topic, 3, false));
            o.put("increaseTo3.partitions", settled(() -> partitionCount(admin, topic), n -> n == 3));
            o.outcome("decreaseTo2", () -> grow(admin, topic, 2, false));
            o.outcome("sameCount", () -> grow(admin, topic, 3, false));
            o.outcome("validateOnlyTo5", () -> grow(admin, topic, 5, true));
            o.put("validateOnlyTo5.partitions", partitionCount(admin, topic));
            o.outcome("validateOnlyDecrease", () -> grow(admin, topic, 1, true));
            o.outcome("unknownTopic", () -> grow(admin, "diff-no-such-topic", 4, false));
            o.outcome("zeroIncrease", () -> grow(admin, topic, 0, false));
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                o.outcome("produceToNewPartition", () -> producer.send(new ProducerRecord<>(topic, 2, null,
                        "v".getBytes())).get().offset());
            }
        }
        return o;
    }

    private static Void grow(Admin admin, String topic, int count, boolean validateOnly) throws Exception {
        return get(admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(count)),
                new CreatePartitionsOptions().validateOnly(validateOnly)).all());
    }

    private static int partitionCount(Admin admin, String topic) throws Exception {
        return get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic)).partitions().size();
    }

    /** DeleteTopics, then every way a client notices the topic is gone. */
    static Observation deleteTopic(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-delete";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 2, Map.of());
            Uuid id = get(admin.describeTopics(List.of(topic)).topicNameValues().get(topic)).topicId();
            o.outcome("delete", () -> get(admin.deleteTopics(List.of(topic)).all()));
            ScenarioSupport.awaitDescribable(admin, topic, false);
            o.outcome("describeAfterDelete", () -> partitionCount(admin, topic));
            o.outcome("describeByIdAfterDelete", () -> get(admin.describeTopics(TopicCollection.ofTopicIds(
                    List.of(id))).allTopicIds()).size());
            o.put("listedAfterDelete", get(admin.listTopics().names()).contains(topic));
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            o.outcome("describeConfigsAfterDelete", () -> get(admin.describeConfigs(List.of(resource)).all()).size());
            o.outcome("deleteAgain", () -> get(admin.deleteTopics(List.of(topic)).all()));
            o.outcome("deleteUnknownId", () -> get(admin.deleteTopics(TopicCollection.ofTopicIds(
                    List.of(Uuid.randomUuid()))).all()));
            o.outcome("deleteInvalidName", () -> get(admin.deleteTopics(List.of("diff/bad")).all()));
        }
        return o;
    }

    /** DescribeCluster, normalised (the port is replaced; the cluster id only checked for its form). */
    static Observation describeCluster(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        try (Admin admin = admin(bootstrap)) {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions()
                    .includeAuthorizedOperations(true));
            o.put("nodes", get(cluster.nodes()).stream().map(ScenarioSupport::node).toList());
            o.put("controller", node(get(cluster.controller())));
            String clusterId = get(cluster.clusterId());
            o.put("clusterId.form", clusterId != null && clusterId.matches("[A-Za-z0-9_-]{22}")
                    ? "22-character base64 uuid" : clusterId);
            o.put("authorizedOperations", String.valueOf(get(cluster.authorizedOperations())));
            DescribeClusterResult fenced = admin.describeCluster(new DescribeClusterOptions()
                    .includeFencedBrokers(true));
            o.put("includeFencedBrokers.nodes", get(fenced.nodes()).stream().map(n -> n.id() + (n.isFenced()
                    ? " fenced" : " active")).toList());
        }
        return o;
    }

    /** DescribeTopicPartitions (Admin.describeTopics): partitions, leaders, ISR and ELR, across pages. */
    static Observation describeTopicPartitions(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, "diff-dtp-a", 5, Map.of());
            createTopic(admin, "diff-dtp-b", 2, Map.of());
            Map<String, TopicDescription> paged = get(admin.describeTopics(List.of("diff-dtp-a", "diff-dtp-b"),
                    new DescribeTopicsOptions().partitionSizeLimitPerResponse(2)).allTopicNames());
            paged.values().stream().sorted(java.util.Comparator.comparing(TopicDescription::name)).forEach(t -> {
                o.put(t.name() + ".internal", t.isInternal());
                o.put(t.name() + ".authorizedOperations", String.valueOf(t.authorizedOperations()));
                t.partitions().forEach(p -> o.put(t.name() + "." + p.partition(), partitionInfo(p)));
            });
            TopicDescription withOps = get(admin.describeTopics(List.of("diff-dtp-b"), new DescribeTopicsOptions()
                    .includeAuthorizedOperations(true)).topicNameValues().get("diff-dtp-b"));
            o.put("includeAuthorizedOperations", String.valueOf(withOps.authorizedOperations()));
            Uuid id = paged.get("diff-dtp-a").topicId();
            o.outcome("byTopicId", () -> get(admin.describeTopics(TopicCollection.ofTopicIds(List.of(id)))
                    .allTopicIds()).get(id).name());
            o.outcome("unknownTopic", () -> partitionCount(admin, "diff-no-such-topic"));
            o.outcome("unknownAmongKnown", () -> get(admin.describeTopics(List.of("diff-dtp-b",
                    "diff-no-such-topic")).allTopicNames()).size());
            o.outcome("invalidName", () -> partitionCount(admin, "diff/bad"));
        }
        return o;
    }
}
