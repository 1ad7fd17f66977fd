package io.elasticstream.broker.security;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The settings one listener sees, as Kafka resolves them: every broker setting, with
 * {@code listener.name.<name>.<setting>} overriding {@code <setting>} (the name in lower case). The prefixed
 * keys are kept too, since Kafka's JAAS lookup reads {@code listener.name.<name>.<mechanism>.sasl.jaas.config}
 * as it is.
 */
final class ListenerProperties {
    private ListenerProperties() {
    }

    static Map<String, Object> of(Properties props, String listenerName) {
        String prefix = "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
        Map<String, Object> out = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            out.put(key, props.getProperty(key).trim());
        }
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), props.getProperty(key).trim());
            }
        }
        return out;
    }
}
