package io.elasticstream.broker.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * How this broker's settings default and bound the group configs ({@link GroupConfigDefinitions}), as
 * Kafka 4.4's {@code GroupConfig.validate} and {@code GroupConfig.evaluate} use the group coordinator's and
 * share group's settings:
 * <ul>
 *   <li>the broker-level value of a group config is its broker synonym given in the properties file
 *       ({@code group.share.record.lock.duration.ms} for {@code share.record.lock.duration.ms}), else Kafka's
 *       default;
 *   <li>a group override must lie within the broker's bounds ({@code group.share.min.record.lock.duration.ms}
 *       to {@code group.share.max.record.lock.duration.ms}, Kafka's defaults unless given), and each session
 *       timeout must stay above its heartbeat interval;
 *   <li>an override that the bounds have since moved away from is used clamped to them (Kafka logs a warning).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class GroupConfigRules {
    static final String STREAMS_ASSIGNORS = "group.streams.assignors";
    private static final String KAFKA_STREAMS_ASSIGNORS = "sticky";
    private static final String RACK_TAGS = "streams.rack.aware.assignment.tags";
    private static final String DLQ_TOPIC = "errors.deadletterqueue.topic.name";

    /** Kafka's broker bounds, in the order {@code GroupConfig.validateValues} checks them. */
    private static final List<Bound> BOUNDS = List.of(
            Bound.range("consumer.heartbeat.interval.ms", 5_000, 15_000),
            Bound.range("consumer.session.timeout.ms", 45_000, 60_000),
            Bound.range("consumer.assignment.interval.ms", 0, 15_000),
            Bound.range("share.heartbeat.interval.ms", 5_000, 15_000),
            Bound.range("share.session.timeout.ms", 45_000, 60_000),
            Bound.range("share.record.lock.duration.ms", 15_000, 60_000),
            Bound.range("share.delivery.count.limit", 2, 10),
            Bound.range("share.partition.max.record.locks", 100, 4_000),
            Bound.range("share.assignment.interval.ms", 0, 15_000),
            Bound.range("streams.heartbeat.interval.ms", 5_000, 15_000),
            Bound.range("streams.session.timeout.ms", 45_000, 60_000),
            new Bound("streams.num.standby.replicas", null, 0, "group.streams.max.standby.replicas", 2),
            Bound.range("streams.assignment.interval.ms", 0, 15_000),
            new Bound("streams.task.offset.interval.ms", "group.streams.min.task.offset.interval.ms", 15_000, null, 0),
            new Bound("streams.num.warmup.replicas", null, 0, "group.streams.max.warmup.replicas", 20));
    /** Session timeouts and the heartbeat intervals they must exceed. */
    private static final List<String[]> SESSION_HEARTBEAT = List.of(
            new String[] {"consumer.session.timeout.ms", "consumer.heartbeat.interval.ms"},
            new String[] {"share.session.timeout.ms", "share.heartbeat.interval.ms"},
            new String[] {"streams.session.timeout.ms", "streams.heartbeat.interval.ms"});

    private final Map<String, String> brokerProperties;
    /** Per bounded config: {min, max} as this broker has them (Integer.MIN/MAX_VALUE where unbounded). */
    private final Map<String, int[]> bounds = new HashMap<>();
    private final List<String> streamsAssignors;

    /** Rules from the broker settings given in its properties file; throws for a malformed bound. */
    public GroupConfigRules(Map<String, String> brokerProperties) {
        this.brokerProperties = Map.copyOf(brokerProperties);
        for (Bound b : BOUNDS) {
            bounds.put(b.config(), new int[] {
                    b.minKey() == null ? Integer.MIN_VALUE : intSetting(b.minKey(), b.minDefault()),
                    b.maxKey() == null ? Integer.MAX_VALUE : intSetting(b.maxKey(), b.maxDefault())});
        }
        streamsAssignors = Arrays.stream(brokerProperties.getOrDefault(STREAMS_ASSIGNORS, KAFKA_STREAMS_ASSIGNORS)
                .split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
        for (ConfigDefinition def : GroupConfigDefinitions.all()) {
            String given = staticSynonymValue(def);
            if (given != null && !def.name().equals("streams.assignor.name")) {
                try {
                    parse(def, given);
                } catch (ConfigException e) {
                    throw new IllegalArgumentException(def.brokerSynonyms().getFirst() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /** The broker synonym of {@code def} given in the properties file, trimmed; null if not given. */
    String staticSynonymValue(ConfigDefinition def) {
        if (def.brokerSynonyms().isEmpty()) {
            return null;
        }
        String given = brokerProperties.get(def.brokerSynonyms().getFirst());
        return given == null ? null : given.trim();
    }

    /** Kafka's default of {@code def}'s broker synonym, or of the config itself when it has none. */
    static String kafkaDefault(ConfigDefinition def) {
        return def.name().equals("streams.assignor.name") ? KAFKA_STREAMS_ASSIGNORS : def.defaultValue();
    }

    /** The broker-level value of {@code def}, as DescribeConfigs shows it: the static synonym, else the default. */
    String brokerValue(ConfigDefinition def) {
        String given = staticSynonymValue(def);
        if (def.name().equals("streams.assignor.name")) {
            return streamsAssignors.isEmpty() ? null : streamsAssignors.getFirst();
        }
        return given != null ? display(def, given) : def.defaultValue();
    }

    /**
     * Validates a group's overrides (the whole set after a change) as Kafka 4.4 does, throwing
     * {@link InvalidConfigurationException} with Kafka's message for the first problem, found in Kafka's
     * order: null values, unknown names, duplicate rack tags, values that do not parse or fail their
     * validator (in definition order), then the broker's bounds, the registered streams assignors, session
     * timeouts above heartbeat intervals and the dead-letter topic's name.
     */
    public void validate(Map<String, String> overrides) {
        List<String> nulls = new TreeSet<>(overrides.keySet()).stream().filter(k -> overrides.get(k) == null).toList();
        if (!nulls.isEmpty()) {
            throw new InvalidConfigurationException("Null value not supported for group configs: "
                    + String.join(",", nulls));
        }
        for (String name : new TreeSet<>(overrides.keySet())) {
            if (GroupConfigDefinitions.find(name).isEmpty()) {
                throw new InvalidConfigurationException("Unknown group config name: " + name);
            }
        }
        String tags = overrides.get(RACK_TAGS);
        if (tags != null) {
            String trimmed = tags.trim();
            List<String> keys = trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s*,\\s*", -1));
            if (new HashSet<>(keys).size() != keys.size()) {
                throw new InvalidConfigurationException(RACK_TAGS + " must not contain duplicate tag keys.");
            }
        }
        Map<String, Object> parsed = new HashMap<>();
        for (ConfigDefinition def : GroupConfigDefinitions.all()) {
            if (overrides.containsKey(def.name())) {
                try {
                    parsed.put(def.name(), parse(def, overrides.get(def.name())));
                } catch (ConfigException e) {
                    throw new InvalidConfigurationException(e.getMessage());
                }
            }
        }
        for (Bound b : BOUNDS) {
            if (parsed.containsKey(b.config())) {
                b.check((Integer) parsed.get(b.config()), bounds.get(b.config()));
            }
        }
        String assignor = (String) parsed.get("streams.assignor.name");
        if (overrides.containsKey("streams.assignor.name") && !streamsAssignors.contains(assignor)) {
            throw new InvalidConfigurationException("streams.assignor.name '" + assignor + "' is not a registered "
                    + "task assignor. Registered assignors are: " + streamsAssignors + ".");
        }
        for (String[] pair : SESSION_HEARTBEAT) {
            if (parsed.containsKey(pair[0]) || parsed.containsKey(pair[1])) {
                int session = parsed.containsKey(pair[0]) ? (Integer) parsed.get(pair[0]) : brokerInt(pair[0]);
                int heartbeat = parsed.containsKey(pair[1]) ? (Integer) parsed.get(pair[1]) : brokerInt(pair[1]);
                if (session <= heartbeat) {
                    throw new InvalidConfigurationException(pair[0] + " must be greater than " + pair[1]);
                }
            }
        }
        String dlq = overrides.get(DLQ_TOPIC);
        if (dlq != null && !dlq.isEmpty() && dlq.startsWith("__")) {
            throw new InvalidConfigurationException(DLQ_TOPIC + ": DLQ topic name must not start with '__'");
        }
    }

    /**
     * The effective value of group config {@code name} for a group with {@code overrides}, parsed to its type
     * (Integer, Long, Boolean, String or List): the override, clamped to the broker's bounds, else the
     * broker-level value. An override that does not parse (written by another version) is ignored.
     */
    public Object value(String name, Map<String, String> overrides) {
        ConfigDefinition def = GroupConfigDefinitions.find(name)
                .orElseThrow(() -> new IllegalArgumentException("not a group config: " + name));
        String override = overrides.get(name);
        if (override != null) {
            try {
                Object v = parse(def, override);
                int[] bound = bounds.get(name);
                return bound == null ? v : Math.clamp((long) (Integer) v, bound[0], bound[1]);
            } catch (ConfigException e) {
                // fall through to the broker's value
            }
        }
        String broker = brokerValue(def);
        return broker == null ? null : parse(def, broker);
    }

    /** {@link #value} of an INT config. */
    public int intValue(String name, Map<String, String> overrides) {
        return (Integer) value(name, overrides);
    }

    /** How DescribeConfigs shows a stored value: parsed and written back ({@code " a, b"} as {@code a,b}). */
    static String display(ConfigDefinition def, String raw) {
        try {
            return ConfigDef.convertToString(parse(def, raw), def.type());
        } catch (ConfigException e) {
            return raw;
        }
    }

    private static Object parse(ConfigDefinition def, String value) {
        Object parsed = ConfigDef.parseType(def.name(), value, def.type());
        if (def.validator() != null) {
            def.validator().ensureValid(def.name(), parsed);
        }
        return parsed;
    }

    private int brokerInt(String name) {
        ConfigDefinition def = GroupConfigDefinitions.find(name).orElseThrow();
        return (Integer) parse(def, brokerValue(def));
    }

    private int intSetting(String key, int kafkaDefault) {
        String given = brokerProperties.get(key);
        try {
            return given == null ? kafkaDefault : (Integer) ConfigDef.parseType(key, given, ConfigDef.Type.INT);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A broker bound of one group config; a null key is no bound on that side. */
    private record Bound(String config, String minKey, int minDefault, String maxKey, int maxDefault) {
        /** {@code group.<kind>.min.<rest>} and {@code group.<kind>.max.<rest>} of config {@code <kind>.<rest>}. */
        static Bound range(String config, int minDefault, int maxDefault) {
            int dot = config.indexOf('.');
            String kind = config.substring(0, dot);
            String rest = config.substring(dot + 1);
            return new Bound(config, "group." + kind + ".min." + rest, minDefault, "group." + kind + ".max." + rest,
                    maxDefault);
        }

        void check(int value, int[] bound) {
            if (minKey != null && maxKey != null) {
                if (value < bound[0] || value > bound[1]) {
                    throw new InvalidConfigurationException(config + " must be in the range " + bound[0] + " to "
                            + bound[1] + " inclusive.");
                }
            } else if (maxKey != null && value > bound[1]) {
                throw new InvalidConfigurationException(config + " must be less than or equal to " + bound[1]);
            } else if (minKey != null && value < bound[0]) {
                throw new InvalidConfigurationException(config + " must be greater than or equal to " + bound[0]);
            }
        }
    }
}
