package io.elasticstream.broker.security;

import io.elasticstream.common.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * Parses Kafka's listener settings: {@code listeners} ({@code NAME://host:port,...}; an empty host binds every
 * interface and advertises 127.0.0.1), {@code advertised.listeners} (by name; a listener not named there
 * advertises where it binds) and {@code listener.security.protocol.map} ({@code NAME:PROTOCOL,...}, by default
 * each security protocol's own name mapped to it, as in Kafka). Names are case-insensitive and kept upper-case.
 * The first listener is the one other brokers reach this one on (Kafka's inter-broker listener).
 */
public final class Listeners {
    public static final String DEFAULT_LISTENERS = "PLAINTEXT://127.0.0.1:9092";

    private Listeners() {
    }

    public static List<Listener> parse(Properties props) {
        Map<String, SecurityProtocol> protocols = protocolMap(props.getProperty("listener.security.protocol.map"));
        Map<String, String[]> bound = endpoints(props.getProperty("listeners", DEFAULT_LISTENERS), "listeners");
        Checks.argument(!bound.isEmpty(), "listeners must name at least one listener");
        String advertisedValue = props.getProperty("advertised.listeners");
        Map<String, String[]> advertised = advertisedValue == null || advertisedValue.isBlank() ? Map.of()
                : endpoints(advertisedValue, "advertised.listeners");
        for (String name : advertised.keySet()) {
            Checks.argument(bound.containsKey(name), "advertised.listeners names listener %s, which listeners lacks",
                    name);
        }
        List<Listener> listeners = new ArrayList<>();
        bound.forEach((name, hostPort) -> {
            SecurityProtocol protocol = protocols.get(name);
            Checks.argument(protocol != null, "listener %s has no security protocol: add it to "
                    + "listener.security.protocol.map (e.g. %s:SASL_SSL)", name, name);
            String[] shown = advertised.getOrDefault(name, hostPort);
            String advertisedHost = shown[0].isEmpty() ? "127.0.0.1" : shown[0];
            listeners.add(new Listener(name, protocol, hostPort[0], Integer.parseInt(hostPort[1]), advertisedHost,
                    Integer.parseInt(shown[1])));
        });
        return List.copyOf(listeners);
    }

    private static Map<String, SecurityProtocol> protocolMap(String value) {
        Map<String, SecurityProtocol> map = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            for (SecurityProtocol p : List.of(SecurityProtocol.PLAINTEXT, SecurityProtocol.SSL,
                    SecurityProtocol.SASL_PLAINTEXT, SecurityProtocol.SASL_SSL)) {
                map.put(p.name, p);
            }
            return map;
        }
        for (String entry : value.split(",")) {
            String[] parts = entry.trim().split(":");
            Checks.argument(parts.length == 2, "invalid listener.security.protocol.map entry '%s' (expected "
                    + "NAME:PROTOCOL)", entry.trim());
            String protocol = parts[1].trim().toUpperCase(Locale.ROOT);
            Checks.argument(SecurityProtocol.names().contains(protocol) && !protocol.equals("UNKNOWN"),
                    "unknown security protocol '%s' in listener.security.protocol.map", parts[1].trim());
            map.put(parts[0].trim().toUpperCase(Locale.ROOT), SecurityProtocol.forName(protocol));
        }
        return map;
    }

    /** name -> {host, port} of a {@code NAME://host:port,...} list, in order. */
    private static Map<String, String[]> endpoints(String value, String key) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String raw : value.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int scheme = entry.indexOf("://");
            int colon = entry.lastIndexOf(':');
            Checks.argument(scheme > 0 && colon > scheme + 2, "invalid %s entry '%s' (expected NAME://host:port)",
                    key, entry);
            String name = entry.substring(0, scheme).toUpperCase(Locale.ROOT);
            String host = entry.substring(scheme + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            String port = entry.substring(colon + 1);
            int number;
            try {
                number = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port in " + key + " entry '" + entry + "'", e);
            }
            Checks.argument(number >= 0 && number <= 65535, "port out of range in %s entry '%s'", key, entry);
            Checks.argument(out.put(name, new String[] {host, port}) == null, "%s names listener %s twice", key, name);
        }
        return out;
    }
}
