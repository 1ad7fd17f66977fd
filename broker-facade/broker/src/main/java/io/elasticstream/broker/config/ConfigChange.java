package io.elasticstream.broker.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * One change of IncrementalAlterConfigs on a topic's or a group's overrides, applied as Kafka applies it
 * (KIP-339): SET and DELETE any config; on topics, APPEND and SUBTRACT only list configs, starting from the
 * override or else Kafka's default; on groups, Kafka 4.4 refuses APPEND and SUBTRACT even on its one list
 * config ({@link #applyToGroup}).
 */
public record ConfigChange(String name, Op op, String value) {

    /** The operations, with their wire ids. */
    public enum Op {
        SET, DELETE, APPEND, SUBTRACT;

        public static Op forId(byte id) {
            return switch (id) {
                case 0 -> SET;
                case 1 -> DELETE;
                case 2 -> APPEND;
                case 3 -> SUBTRACT;
                default -> throw new InvalidConfigurationException("Unknown config operation " + id);
            };
        }
    }

    /**
     * The overrides after {@code changes}, not yet validated (see {@link TopicConfigs#validate}). Throws
     * {@link InvalidConfigurationException} for APPEND/SUBTRACT on a config that is not a list.
     */
    public static Map<String, String> apply(Map<String, String> overrides, List<ConfigChange> changes) {
        Map<String, String> result = new HashMap<>(overrides);
        for (ConfigChange c : changes) {
            switch (c.op()) {
                case SET -> result.put(c.name(), c.value());
                case DELETE -> result.remove(c.name());
                case APPEND, SUBTRACT -> {
                    ConfigDefinition def = TopicConfigs.find(c.name()).orElseThrow(
                            () -> new InvalidConfigurationException("Unknown topic config name: " + c.name()));
                    if (def.type() != ConfigDef.Type.LIST) {
                        throw new InvalidConfigurationException("Config value " + c.op().name().toLowerCase()
                                + " is not allowed for config key: " + c.name());
                    }
                    String base = result.getOrDefault(c.name(), def.defaultValue());
                    Set<String> items = new LinkedHashSet<>(split(base));
                    if (c.op() == Op.APPEND) {
                        items.addAll(split(c.value()));
                    } else {
                        split(c.value()).forEach(items::remove);
                    }
                    result.put(c.name(), String.join(",", items));
                }
            }
        }
        return result;
    }

    /**
     * A group's overrides after {@code changes}, not yet validated (see {@link GroupConfigRules#validate}), as
     * Kafka 4.4 applies them: a SET without a value is an invalid request, and APPEND or SUBTRACT of any name
     * an invalid config, since Kafka's config schema has no list configs for groups.
     */
    public static Map<String, String> applyToGroup(Map<String, String> overrides, List<ConfigChange> changes) {
        Map<String, String> result = new HashMap<>(overrides);
        for (ConfigChange c : changes) {
            switch (c.op()) {
                case SET -> {
                    if (c.value() == null) {
                        throw new InvalidRequestException("Null value not supported for : " + c.name());
                    }
                    result.put(c.name(), c.value());
                }
                case DELETE -> result.remove(c.name());
                case APPEND, SUBTRACT -> throw new InvalidConfigurationException("Can't " + c.op() + " to key "
                        + c.name() + " because its type is not LIST.");
            }
        }
        return result;
    }

    private static List<String> split(String list) {
        List<String> items = new ArrayList<>();
        if (list == null) {
            return items;
        }
        for (String item : list.split(",")) {
            if (!item.trim().isEmpty()) {
                items.add(item.trim());
            }
        }
        return items;
    }
}
