package io.elasticstream.broker;

import io.elasticstream.common.Checks;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Broker settings, named as in Apache Kafka where Kafka has the setting, with Kafka's defaults.
 *
 * @param nodeId               {@code node.id}
 * @param listenHost           host of {@code listeners} ({@code PLAINTEXT://host:port})
 * @param listenPort           port of {@code listeners}
 * @param advertisedHost       host of {@code advertised.listeners} (defaults to the listener's)
 * @param advertisedPort       port of {@code advertised.listeners}
 * @param clusterId            the cluster id reported in Metadata
 * @param numPartitions        {@code num.partitions}: partitions of auto-created and default-created topics
 * @param autoCreateTopics     {@code auto.create.topics.enable}
 * @param messageMaxBytes      {@code message.max.bytes}: largest record batch accepted
 * @param socketRequestMaxBytes {@code socket.request.max.bytes}: largest request frame
 * @param networkThreads       {@code num.network.threads}
 * @param givenProperties      the settings as given (the properties file), for DescribeConfigs' sources
 */
public record BrokerConfig(int nodeId, String listenHost, int listenPort, String advertisedHost, int advertisedPort,
                           String clusterId, int numPartitions, boolean autoCreateTopics, int messageMaxBytes,
                           int socketRequestMaxBytes, int networkThreads, Map<String, String> givenProperties) {

    public BrokerConfig {
        givenProperties = Map.copyOf(givenProperties);
    }

    public static final String DEFAULT_LISTENER = "PLAINTEXT://127.0.0.1:9092";

    public static BrokerConfig from(Properties props, String clusterId) {
        URI listener = listener(props.getProperty("listeners", DEFAULT_LISTENER));
        URI advertised = listener(props.getProperty("advertised.listeners", listener.toString()));
        BrokerConfig config = new BrokerConfig(
                intProp(props, "node.id", 1),
                listener.getHost(), listener.getPort(),
                advertised.getHost(), advertised.getPort(),
                clusterId,
                intProp(props, "num.partitions", 1),
                Boolean.parseBoolean(props.getProperty("auto.create.topics.enable", "true").trim()),
                intProp(props, "message.max.bytes", 1_048_588),
                intProp(props, "socket.request.max.bytes", 104_857_600),
                intProp(props, "num.network.threads", 2),
                given(props));
        Checks.argument(config.numPartitions >= 1, "num.partitions must be >= 1, got %d", config.numPartitions);
        Checks.argument(config.messageMaxBytes > 0, "message.max.bytes must be > 0");
        return config;
    }

    /** The same config advertising {@code port} (used when the listener was bound to port 0). */
    public BrokerConfig withAdvertisedPort(int port) {
        return new BrokerConfig(nodeId, listenHost, listenPort, advertisedHost, port, clusterId, numPartitions,
                autoCreateTopics, messageMaxBytes, socketRequestMaxBytes, networkThreads, givenProperties);
    }

    private static Map<String, String> given(Properties props) {
        Map<String, String> given = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            given.put(name, props.getProperty(name));
        }
        return given;
    }

    private static URI listener(String value) {
        String first = value.split(",")[0].trim();
        URI uri = URI.create(first);
        Checks.argument(uri.getHost() != null && uri.getPort() >= 0, "invalid listener '%s' (expected PLAINTEXT://host:port)",
                first);
        Checks.argument("PLAINTEXT".equalsIgnoreCase(uri.getScheme()), "only PLAINTEXT listeners are supported, got '%s'",
                first);
        return uri;
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
