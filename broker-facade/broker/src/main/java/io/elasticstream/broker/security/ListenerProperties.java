package io.elasticstream.broker.security;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings one listener sees, as Kafka resolves them: every broker setting, with
 * {@code listener.name.<name>.<setting>} overriding {@code <setting>} (the name in lower case). The prefixed
 * keys are kept too, since Kafka's JAAS lookup reads {@code listener.name.<name>.<mechanism>.sasl.jaas.config}
 * as it is.
 */
final class ListenerProperties {
    private ListenerProperties() {
    }

    static Map<String, Object> of(Map<String, String> props, String listenerName) {
        String prefix = "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
        Map<String, Object> out = new HashMap<>();
        props.forEach((key, value) -> out.put(key, value.trim()));
        props.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                out.put(key.substring(prefix.length()), value.trim());
            }
        });
        return out;
    }
}
