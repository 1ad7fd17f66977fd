package io.elasticstream.broker.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * Every (non-internal) topic config of Apache Kafka 4.4, in the order of Kafka's {@code LogConfig},
 * with Kafka's types, defaults, validators and broker synonyms (checked against kafka-storage 4.4.0's
 * {@code LogConfig.configKeys()} and kafka-server-common's {@code ServerTopicConfigSynonyms}).
 * {@code message.downconversion.enable} is still a {@link TopicConfig} constant but no longer a topic
 * config in Kafka 4.x: Kafka rejects it, and so do we.
 */
public final class TopicConfigs {
    private static final String THROTTLED_REPLICAS_DOC = "A list of replicas for which log replication should "
            + "be throttled on the %s side. The list should describe a set of replicas in the form "
            + "[PartitionId]:[BrokerId],[PartitionId]:[BrokerId]:... or alternatively the wildcard '*' can be used "
            + "to throttle all replicas for this topic.";

    private static final Map<String, ConfigDefinition> ALL = define();

    private TopicConfigs() {
    }

    /** Every topic config, in Kafka's order. */
    public static List<ConfigDefinition> all() {
        return List.copyOf(ALL.values());
    }

    public static Optional<ConfigDefinition> find(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    public static boolean isKnown(String name) {
        return ALL.containsKey(name);
    }

    /**
     * Validates topic overrides as Kafka's {@code LogConfig.validate} does: an unknown name, a null value
     * or a value that does not parse or is out of range throws {@link InvalidConfigurationException}
     * with Kafka's message.
     */
    public static void validate(Map<String, String> overrides) {
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (!isKnown(e.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + e.getKey());
            }
        }
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            ConfigDefinition def = ALL.get(e.getKey());
            if (e.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + e.getKey());
            }
            try {
                Object parsed = ConfigDef.parseType(def.name(), e.getValue(), def.type());
                if (def.validator() != null) {
                    def.validator().ensureValid(def.name(), parsed);
                }
            } catch (ConfigException ce) {
                throw new InvalidConfigurationException(ce.getMessage());
            }
        }
    }

    private static Map<String, ConfigDefinition> define() {
        Map<String, String> docs = docs();
        Map<String, ConfigDefinition> m = new LinkedHashMap<>();
        long max = Long.MAX_VALUE;
        add(m, docs, TopicConfig.SEGMENT_BYTES_CONFIG, Type.INT, "1073741824", Range.atLeast(1048576), "log.segment.bytes");
        add(m, docs, TopicConfig.SEGMENT_MS_CONFIG, Type.LONG, "604800000", Range.atLeast(1), "log.roll.ms",
                "log.roll.hours");
        add(m, docs, TopicConfig.SEGMENT_JITTER_MS_CONFIG, Type.LONG, "0", Range.atLeast(0), "log.roll.jitter.ms",
                "log.roll.jitter.hours");
        add(m, docs, TopicConfig.SEGMENT_INDEX_BYTES_CONFIG, Type.INT, "10485760", Range.atLeast(4),
                "log.index.size.max.bytes");
        add(m, docs, TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG, Type.LONG, Long.toString(max), Range.atLeast(1),
                "log.flush.interval.messages");
        add(m, docs, TopicConfig.FLUSH_MS_CONFIG, Type.LONG, Long.toString(max), Range.atLeast(0),
                "log.flush.interval.ms", "log.flush.scheduler.interval.ms");
        add(m, docs, TopicConfig.RETENTION_BYTES_CONFIG, Type.LONG, "-1", null, "log.retention.bytes");
        add(m, docs, TopicConfig.RETENTION_MS_CONFIG, Type.LONG, "604800000", Range.atLeast(-1), "log.retention.ms",
                "log.retention.minutes", "log.retention.hours");
        add(m, docs, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Type.INT, "1048588", Range.atLeast(0), "message.max.bytes");
        add(m, docs, "max.decompressed.message.bytes", Type.INT, "2147483639", Range.between(1, 2147483639),
                "max.decompressed.message.bytes");
        add(m, docs, TopicConfig.INDEX_INTERVAL_BYTES_CONFIG, Type.INT, "4096", Range.atLeast(0),
                "log.index.interval.bytes");
        add(m, docs, TopicConfig.DELETE_RETENTION_MS_CONFIG, Type.LONG, "86400000", Range.atLeast(0),
                "log.cleaner.delete.retention.ms");
        add(m, docs, TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Type.LONG, "0", Range.atLeast(0),
                "log.cleaner.min.compaction.lag.ms");
        add(m, docs, TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG, Type.LONG, Long.toString(max), Range.atLeast(1),
                "log.cleaner.max.compaction.lag.ms");
        add(m, docs, TopicConfig.FILE_DELETE_DELAY_MS_CONFIG, Type.LONG, "60000", Range.atLeast(0),
                "log.segment.delete.delay.ms");
        add(m, docs, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, Type.DOUBLE, "0.5", Range.between(0, 1),
                "log.cleaner.min.cleanable.ratio");
        add(m, docs, TopicConfig.CLEANUP_POLICY_CONFIG, Type.LIST, TopicConfig.CLEANUP_POLICY_DELETE,
                ValidList.in(true, TopicConfig.CLEANUP_POLICY_COMPACT, TopicConfig.CLEANUP_POLICY_DELETE),
                "log.cleanup.policy");
        add(m, docs, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG, Type.BOOLEAN, "false", null,
                "unclean.leader.election.enable");
        add(m, docs, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Type.INT, "1", Range.atLeast(1), "min.insync.replicas");
        add(m, docs, TopicConfig.COMPRESSION_TYPE_CONFIG, Type.STRING, "producer",
                ValidString.in("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"), "compression.type");
        add(m, docs, TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG, Type.INT, "-1", ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    int level = (Integer) value;
                    if (level != -1 && (level < 1 || level > 9)) {
                        throw new ConfigException(name, value, "Value must be between 1 and 9 or equal to -1");
                    }
                }, () -> "[1,...,9] or -1"), "compression.gzip.level");
        add(m, docs, TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG, Type.INT, "9", Range.between(1, 17),
                "compression.lz4.level");
        add(m, docs, TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG, Type.INT, "3", Range.between(-131072, 22),
                "compression.zstd.level");
        add(m, docs, TopicConfig.PREALLOCATE_CONFIG, Type.BOOLEAN, "false", null, "log.preallocate");
        add(m, docs, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, Type.STRING, "CreateTime",
                ValidString.in("CreateTime", "LogAppendTime"), "log.message.timestamp.type");
        add(m, docs, TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG, Type.LONG, Long.toString(max),
                Range.atLeast(0), "log.message.timestamp.before.max.ms");
        add(m, docs, TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG, Type.LONG, "3600000", Range.atLeast(0),
                "log.message.timestamp.after.max.ms");
        docs.put("leader.replication.throttled.replicas", THROTTLED_REPLICAS_DOC.formatted("leader"));
        docs.put("follower.replication.throttled.replicas", THROTTLED_REPLICAS_DOC.formatted("follower"));
        add(m, docs, "leader.replication.throttled.replicas", Type.LIST, "", new ThrottledReplicasValidator());
        add(m, docs, "follower.replication.throttled.replicas", Type.LIST, "", new ThrottledReplicasValidator());
        add(m, docs, TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG, Type.BOOLEAN, "false", null);
        add(m, docs, TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG, Type.LONG, "-2", Range.atLeast(-2),
                "log.local.retention.ms");
        add(m, docs, TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG, Type.LONG, "-2", Range.atLeast(-2),
                "log.local.retention.bytes");
        add(m, docs, TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG, Type.BOOLEAN, "false", null);
        add(m, docs, "remote.copy.lag.ms", Type.LONG, "0", Range.atLeast(-1), "log.remote.copy.lag.ms");
        add(m, docs, "remote.copy.lag.bytes", Type.LONG, "-1", Range.atLeast(-1), "log.remote.copy.lag.bytes");
        add(m, docs, TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG, Type.BOOLEAN, "false", null);
        add(m, docs, "errors.deadletterqueue.group.enable", Type.BOOLEAN, "false", null);
        return m;
    }

    private static void add(Map<String, ConfigDefinition> m, Map<String, String> docs, String name, Type type,
                            String defaultValue, ConfigDef.Validator validator, String... brokerSynonyms) {
        m.put(name, new ConfigDefinition(name, type, defaultValue, validator, List.of(brokerSynonyms),
                docs.getOrDefault(name, "")));
    }

    /** {@link TopicConfig}'s {@code X_DOC} for each {@code X_CONFIG}, keyed by config name. */
    private static Map<String, String> docs() {
        Map<String, String> docs = new LinkedHashMap<>();
        List<Field> fields = new ArrayList<>(List.of(TopicConfig.class.getFields()));
        for (Field f : fields) {
            if (!Modifier.isStatic(f.getModifiers()) || !f.getName().endsWith("_CONFIG") || f.getType() != String.class) {
                continue;
            }
            String prefix = f.getName().substring(0, f.getName().length() - "_CONFIG".length());
            try {
                Field doc = TopicConfig.class.getField(prefix + "_DOC");
                docs.put((String) f.get(null), (String) doc.get(null));
            } catch (NoSuchFieldException e) {
                // no documentation constant: left empty
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return docs;
    }

    /** Kafka's {@code ThrottledReplicaListValidator}: empty, the literal '*', or partition:broker pairs. */
    private static final class ThrottledReplicasValidator implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            List<?> list = (List<?>) value;
            List<String> items = list.stream().map(o -> o.toString().trim()).toList();
            boolean valid = items.isEmpty() || items.equals(List.of("*"))
                    || items.stream().allMatch(s -> s.matches("([0-9]+:[0-9]+)"));
            if (!valid) {
                throw new ConfigException(name, value, name + " must be the literal '*' or a list of replicas in the "
                        + "following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...");
            }
        }

        @Override
        public String toString() {
            return "[partitionId]:[brokerId],[partitionId]:[brokerId],...";
        }
    }
}
