package io.elasticstream.broker;

import io.elasticstream.broker.security.Listener;
import io.elasticstream.broker.security.Listeners;
import io.elasticstream.common.Checks;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Broker settings, named as in Apache Kafka where Kafka has the setting, with Kafka's defaults.
 *
 * @param nodeId               {@code node.id}
 * @param listenHost           host of the first of {@code listeners}, the one other brokers reach this one on
 * @param listenPort           port of that listener
 * @param advertisedHost       its host in {@code advertised.listeners} (defaults to the listener's)
 * @param advertisedPort       its port in {@code advertised.listeners}
 * @param clusterId            the cluster id reported in Metadata
 * @param numPartitions        {@code num.partitions}: partitions of auto-created and default-created topics
 * @param autoCreateTopics     {@code auto.create.topics.enable}
 * @param messageMaxBytes      {@code message.max.bytes}: largest record batch accepted
 * @param socketRequestMaxBytes {@code socket.request.max.bytes}: largest request frame
 * @param networkThreads       {@code num.network.threads}
 * @param givenProperties      the settings as given (the properties file), for DescribeConfigs' sources
 * @param listeners            every listener ({@code listeners}, {@code advertised.listeners},
 *                             {@code listener.security.protocol.map}), the first one first
 */
public record BrokerConfig(int nodeId, String listenHost, int listenPort, String advertisedHost, int advertisedPort,
                           String clusterId, int numPartitions, boolean autoCreateTopics, int messageMaxBytes,
                           int socketRequestMaxBytes, int networkThreads, Map<String, String> givenProperties,
                           List<Listener> listeners) {

    public BrokerConfig {
        givenProperties = Map.copyOf(givenProperties);
        listeners = List.copyOf(listeners);
    }

    public static BrokerConfig from(Properties props, String clusterId) {
        List<Listener> listeners = Listeners.parse(props);
        Listener first = listeners.getFirst();
        // Brokers reach each other (transaction markers, share-group state) without TLS or SASL for now.
        Checks.argument(first.protocol() == SecurityProtocol.PLAINTEXT, "the first of listeners is the one brokers "
                + "reach each other on and must be PLAINTEXT (e.g. an internal address); put %s after it", first.uri());
        BrokerConfig config = new BrokerConfig(
                intProp(props, "node.id", 1),
                first.host(), first.port(),
                first.advertisedHost(), first.advertisedPort(),
                clusterId,
                intProp(props, "num.partitions", 1),
                Boolean.parseBoolean(props.getProperty("auto.create.topics.enable", "true").trim()),
                intProp(props, "message.max.bytes", 1_048_588),
                intProp(props, "socket.request.max.bytes", 104_857_600),
                intProp(props, "num.network.threads", 2),
                given(props), listeners);
        Checks.argument(config.numPartitions >= 1, "num.partitions must be >= 1, got %d", config.numPartitions);
        Checks.argument(config.messageMaxBytes > 0, "message.max.bytes must be > 0");
        return config;
    }

    /** The same config with the listeners as bound ({@code bound}: the ports of those given as 0 filled in). */
    public BrokerConfig withBoundListeners(List<Listener> bound) {
        Listener first = bound.getFirst();
        return new BrokerConfig(nodeId, listenHost, listenPort, advertisedHost, first.advertisedPort(), clusterId,
                numPartitions, autoCreateTopics, messageMaxBytes, socketRequestMaxBytes, networkThreads,
                givenProperties, bound);
    }

    /** The listener named {@code name} (as in a request's context), or the first one if there is none. */
    public Listener listener(String name) {
        return listeners.stream().filter(l -> l.name().equals(name)).findFirst().orElse(listeners.getFirst());
    }

    /** {@code listener name -> advertised host:port} of every listener, as registered with PD. */
    public Map<String, String> advertisedEndpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        listeners.forEach(l -> endpoints.put(l.name(), l.advertisedHost() + ":" + l.advertisedPort()));
        return endpoints;
    }

    private static Map<String, String> given(Properties props) {
        Map<String, String> given = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            given.put(name, props.getProperty(name));
        }
        return given;
    }

    private static int intProp(Properties props, String key, int defaultValue) {
        String v = props.getProperty(key);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
        }
    }
}
