package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.config.ConfigResolver.BrokerSetting;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The broker's own settings as DescribeConfigs reports them, with their effective values. */
final class BrokerSettings {
    private BrokerSettings() {
    }

    static ConfigResolver resolver(BrokerConfig c) {
        String listener = "PLAINTEXT://" + c.listenHost() + ":" + c.listenPort();
        String advertised = "PLAINTEXT://" + c.advertisedHost() + ":" + c.advertisedPort();
        List<BrokerSetting> settings = List.of(
                new BrokerSetting("node.id", Type.INT, Integer.toString(c.nodeId()), "The node ID of this broker."),
                new BrokerSetting("listeners", Type.STRING, listener, "Listener List - Comma-separated list of URIs "
                        + "we will listen on and the listener names."),
                new BrokerSetting("advertised.listeners", Type.STRING, advertised, "Listeners to publish to "
                        + "clients to use, if different than the listeners config property."),
                new BrokerSetting("num.partitions", Type.INT, Integer.toString(c.numPartitions()),
                        "The default number of log partitions per topic."),
                new BrokerSetting("auto.create.topics.enable", Type.BOOLEAN, Boolean.toString(c.autoCreateTopics()),
                        "Enable auto creation of topic on the server."),
                new BrokerSetting("socket.request.max.bytes", Type.INT, Integer.toString(c.socketRequestMaxBytes()),
                        "The maximum number of bytes in a socket request."),
                new BrokerSetting("num.network.threads", Type.INT, Integer.toString(c.networkThreads()),
                        "The number of threads that the server uses for receiving requests from the network and "
                                + "sending responses to the network."),
                new BrokerSetting("message.max.bytes", Type.INT, Integer.toString(c.messageMaxBytes()),
                        "The largest record batch size allowed by Kafka (after compression if compression is "
                                + "enabled). This can be set per topic with the topic level max.message.bytes "
                                + "config."));
        return new ConfigResolver(c.givenProperties(), settings);
    }
}
