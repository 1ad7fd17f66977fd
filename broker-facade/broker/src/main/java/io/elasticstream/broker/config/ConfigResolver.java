package io.elasticstream.broker.config;

import io.elasticstream.broker.config.ResolvedConfig.Synonym;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Resolves topic configs as Kafka does: a topic override (TOPIC_CONFIG) wins over a broker synonym
 * given in the broker's properties file (converted from hours or minutes where the synonym is in those
 * units), which wins over Kafka's default. The source is STATIC_BROKER_CONFIG only when the primary
 * broker synonym is given (Kafka 4.4's quirk, see {@code topicConfig}). Also describes the broker's own
 * settings, and group configs: a group override (GROUP_CONFIG) wins over the broker synonym given in the
 * properties file, which wins over Kafka's default ({@link #group}).
 */
public final class ConfigResolver {
    private static final long MS_PER_HOUR = 3_600_000L;
    private static final long MS_PER_MINUTE = 60_000L;

    private final Map<String, String> brokerProperties;
    private final List<BrokerSetting> brokerSettings;
    private final GroupConfigRules groupRules;

    /**
     * @param brokerProperties the broker settings given in its properties file
     * @param brokerSettings   the broker's own settings with their effective values
     */
    public ConfigResolver(Map<String, String> brokerProperties, List<BrokerSetting> brokerSettings) {
        this.brokerProperties = Map.copyOf(brokerProperties);
        this.brokerSettings = List.copyOf(brokerSettings);
        this.groupRules = new GroupConfigRules(brokerProperties);
    }

    /**
     * A broker setting: name, type, effective value (null if unset), Kafka's default (null if Kafka has none),
     * documentation.
     */
    public record BrokerSetting(String name, ConfigDef.Type type, String value, String defaultValue,
                                String documentation) {
    }

    /** Every topic config of a topic with {@code overrides}, in Kafka's order. */
    public List<ResolvedConfig> topic(Map<String, String> overrides) {
        List<ResolvedConfig> out = new ArrayList<>();
        for (ConfigDefinition def : TopicConfigs.all()) {
            out.add(topicConfig(def, overrides));
        }
        return out;
    }

    /** The effective value of topic config {@code name} for a topic with {@code overrides}. */
    public String topicValue(String name, Map<String, String> overrides) {
        ConfigDefinition def = TopicConfigs.find(name)
                .orElseThrow(() -> new IllegalArgumentException("not a topic config: " + name));
        return topicConfig(def, overrides).value();
    }

    private ResolvedConfig topicConfig(ConfigDefinition def, Map<String, String> overrides) {
        List<Synonym> synonyms = new ArrayList<>();
        String override = overrides.get(def.name());
        if (override != null) {
            synonyms.add(new Synonym(def.name(), override, ConfigSource.TOPIC_CONFIG));
        }
        // The value comes from the most specific broker synonym given (log.retention.ms, else .minutes, else
        // .hours). But Kafka 4.4 reports only the primary synonym (the first) as a synonym and as the source:
        // a static log.retention.hours sets retention.ms's value, yet retention.ms stays DEFAULT_CONFIG with no
        // synonym; and the primary synonym of a config whose broker default sits on an hours/minutes variant
        // has no default of its own, so such configs list no DEFAULT_CONFIG synonym (DifferentialTest).
        String staticValue = null;
        for (String synonym : def.brokerSynonyms()) {
            String given = brokerProperties.get(synonym);
            if (given != null && staticValue == null) {
                staticValue = toMillisIfNeeded(synonym, given.trim());
            }
        }
        boolean primaryGiven = false;
        if (!def.brokerSynonyms().isEmpty()) {
            String primary = def.brokerSynonyms().getFirst();
            String given = brokerProperties.get(primary);
            if (given != null) {
                primaryGiven = true;
                synonyms.add(new Synonym(primary, given.trim(), ConfigSource.STATIC_BROKER_CONFIG));
            }
            if (def.brokerSynonyms().size() == 1) {
                synonyms.add(new Synonym(primary, def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            }
        }
        String value;
        ConfigSource source;
        if (override != null) {
            value = override;
            source = ConfigSource.TOPIC_CONFIG;
        } else if (staticValue != null) {
            value = staticValue;
            source = primaryGiven ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
        } else {
            value = def.defaultValue();
            source = ConfigSource.DEFAULT_CONFIG;
        }
        return new ResolvedConfig(def.name(), value, source, false, false, configType(def.type()),
                def.documentation(), synonyms);
    }

    /**
     * Every group config of a group with {@code overrides}, in Kafka's order: the internal ones only when
     * overridden. As Kafka 4.4 reports them: the synonyms are the override (GROUP_CONFIG), then the broker
     * synonym given in the properties file (STATIC_BROKER_CONFIG) and its Kafka default (DEFAULT_CONFIG) under
     * the broker synonym's name, or for a config without one its default under its own name; values are shown
     * parsed ({@code "a, b"} as {@code a,b}); none is read-only.
     */
    public List<ResolvedConfig> group(Map<String, String> overrides) {
        List<ResolvedConfig> out = new ArrayList<>();
        for (ConfigDefinition def : GroupConfigDefinitions.all()) {
            String override = overrides.get(def.name());
            if (override == null && GroupConfigDefinitions.isInternal(def.name())) {
                continue;
            }
            List<Synonym> synonyms = new ArrayList<>();
            if (override != null) {
                synonyms.add(new Synonym(def.name(), GroupConfigRules.display(def, override), ConfigSource.GROUP_CONFIG));
            }
            String staticValue = groupRules.staticSynonymValue(def);
            if (def.brokerSynonyms().isEmpty()) {
                synonyms.add(new Synonym(def.name(), def.defaultValue(), ConfigSource.DEFAULT_CONFIG));
            } else {
                String synonym = def.brokerSynonyms().getFirst();
                if (staticValue != null) {
                    synonyms.add(new Synonym(synonym, staticValue, ConfigSource.STATIC_BROKER_CONFIG));
                }
                synonyms.add(new Synonym(synonym, GroupConfigRules.kafkaDefault(def), ConfigSource.DEFAULT_CONFIG));
            }
            String value = override != null ? GroupConfigRules.display(def, override) : groupRules.brokerValue(def);
            out.add(new ResolvedConfig(def.name(), value, synonyms.getFirst().source(), false, false,
                    configType(def.type()), def.documentation(), synonyms));
        }
        return out;
    }

    /**
     * The broker's settings: those it implements, then the broker-level synonyms of topic configs.
     * Read-only: this broker has no dynamic broker configs.
     */
    public List<ResolvedConfig> broker() {
        Map<String, ResolvedConfig> out = new LinkedHashMap<>();
        for (BrokerSetting s : brokerSettings) {
            out.put(s.name(), brokerConfig(s.name(), s.type(), s.value(), s.defaultValue(), s.documentation()));
        }
        for (ConfigDefinition def : TopicConfigs.all()) {
            List<String> synonyms = def.brokerSynonyms();
            for (int i = 0; i < synonyms.size(); i++) {
                String name = synonyms.get(i);
                boolean last = i == synonyms.size() - 1;
                String defaultValue = last ? fromMillisIfNeeded(name, def.defaultValue()) : null;
                ConfigDef.Type type = name.endsWith(".hours") || name.endsWith(".minutes") ? ConfigDef.Type.INT
                        : def.type();
                String effective = brokerProperties.containsKey(name) ? brokerProperties.get(name).trim()
                        : defaultValue;
                out.putIfAbsent(name, brokerConfig(name, type, effective, defaultValue, "The default " + def.name()
                        + " of topics (topic-level config '" + def.name() + "'). " + def.documentation()));
            }
        }
        return List.copyOf(out.values());
    }

    /** As Kafka: synonyms are the static value (if given) and then Kafka's default (if it has one). */
    private ResolvedConfig brokerConfig(String name, ConfigDef.Type type, String effective, String defaultValue,
                                        String doc) {
        String given = brokerProperties.get(name);
        List<Synonym> synonyms = new ArrayList<>();
        if (given != null) {
            synonyms.add(new Synonym(name, given.trim(), ConfigSource.STATIC_BROKER_CONFIG));
        }
        if (defaultValue != null) {
            synonyms.add(new Synonym(name, defaultValue, ConfigSource.DEFAULT_CONFIG));
        }
        ConfigSource source = given != null ? ConfigSource.STATIC_BROKER_CONFIG : ConfigSource.DEFAULT_CONFIG;
        String value = given != null ? given.trim() : effective;
        return new ResolvedConfig(name, value, source, true, false, configType(type), doc, synonyms);
    }

    private static String toMillisIfNeeded(String name, String value) {
        try {
            if (name.endsWith(".hours")) {
                return Long.toString(Long.parseLong(value) * MS_PER_HOUR);
            }
            if (name.endsWith(".minutes")) {
                return Long.toString(Long.parseLong(value) * MS_PER_MINUTE);
            }
        } catch (NumberFormatException e) {
            return value;
        }
        return value;
    }

    private static String fromMillisIfNeeded(String name, String ms) {
        long unit = name.endsWith(".hours") ? MS_PER_HOUR : name.endsWith(".minutes") ? MS_PER_MINUTE : 1;
        if (unit == 1) {
            return ms;
        }
        long v = Long.parseLong(ms);
        return v < 0 ? ms : Long.toString(v / unit);
    }

    static ConfigType configType(ConfigDef.Type type) {
        return switch (type) {
            case BOOLEAN -> ConfigType.BOOLEAN;
            case STRING -> ConfigType.STRING;
            case INT -> ConfigType.INT;
            case SHORT -> ConfigType.SHORT;
            case LONG -> ConfigType.LONG;
            case DOUBLE -> ConfigType.DOUBLE;
            case LIST -> ConfigType.LIST;
            case CLASS -> ConfigType.CLASS;
            case PASSWORD -> ConfigType.PASSWORD;
        };
    }
}
