package io.elasticstream.broker.topic;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.TopicConfig;

/** The topic-level config names Kafka knows ({@link TopicConfig}'s {@code *_CONFIG} constants). */
public final class TopicConfigNames {
    private static final Set<String> NAMES = load();

    private TopicConfigNames() {
    }

    public static boolean isKnown(String name) {
        return NAMES.contains(name);
    }

    private static Set<String> load() {
        Set<String> names = new TreeSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return Set.copyOf(names);
    }
}
