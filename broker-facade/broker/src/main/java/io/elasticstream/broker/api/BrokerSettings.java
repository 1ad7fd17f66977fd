package io.elasticstream.broker.api;

import io.elasticstream.broker.security.Listener;
import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.config.ConfigResolver.BrokerSetting;
import io.elasticstream.broker.group.GroupConfig;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The broker's own settings as DescribeConfigs reports them, with their effective values. */
final class BrokerSettings {
    private BrokerSettings() {
    }

    static ConfigResolver resolver(BrokerConfig c) {
        String listener = String.join(",", c.listeners().stream().map(Listener::uri).toList());
        String advertised = String.join(",", c.listeners().stream().map(Listener::advertisedUri).toList());
        GroupConfig groups = GroupConfig.from(c.givenProperties());
        GroupConfig kafkaGroups = GroupConfig.defaults();
        List<BrokerSetting> settings = List.of(
                new BrokerSetting("node.id", Type.INT, Integer.toString(c.nodeId()), null, "The node ID of this broker."),
                new BrokerSetting("listeners", Type.STRING, listener, "PLAINTEXT://:9092", "Listener List - "
                        + "Comma-separated list of URIs we will listen on and the listener names."),
                new BrokerSetting("advertised.listeners", Type.STRING, advertised, null, "Listeners to publish to "
                        + "clients to use, if different than the listeners config property."),
                new BrokerSetting("num.partitions", Type.INT, Integer.toString(c.numPartitions()), "1",
                        "The default number of log partitions per topic."),
                new BrokerSetting("auto.create.topics.enable", Type.BOOLEAN, Boolean.toString(c.autoCreateTopics()),
                        "true", "Enable auto creation of topic on the server."),
                new BrokerSetting("socket.request.max.bytes", Type.INT, Integer.toString(c.socketRequestMaxBytes()),
                        "104857600", "The maximum number of bytes in a socket request."),
                new BrokerSetting("num.network.threads", Type.INT, Integer.toString(c.networkThreads()), "3",
                        "The number of threads that the server uses for receiving requests from the network and "
                                + "sending responses to the network."),
                new BrokerSetting("message.max.bytes", Type.INT, Integer.toString(c.messageMaxBytes()), "1048588",
                        "The largest record batch size allowed by Kafka (after compression if compression is "
                                + "enabled). This can be set per topic with the topic level max.message.bytes "
                                + "config."),
                group("offsets.topic.num.partitions", groups.offsetsTopicPartitions(),
                        kafkaGroups.offsetsTopicPartitions(), "The number of partitions for the offset commit "
                                + "topic (should not change after deployment)."),
                group("group.min.session.timeout.ms", groups.minSessionTimeoutMs(), kafkaGroups.minSessionTimeoutMs(),
                        "The minimum allowed session timeout for registered consumers."),
                group("group.max.session.timeout.ms", groups.maxSessionTimeoutMs(), kafkaGroups.maxSessionTimeoutMs(),
                        "The maximum allowed session timeout for registered consumers."),
                group("group.initial.rebalance.delay.ms", groups.initialRebalanceDelayMs(),
                        kafkaGroups.initialRebalanceDelayMs(), "The amount of time the group coordinator will wait "
                                + "for more consumers to join a new group before performing the first rebalance."),
                group("group.max.size", groups.maxGroupSize(), kafkaGroups.maxGroupSize(),
                        "The maximum number of consumers that a single consumer group can accommodate."),
                group("offset.metadata.max.bytes", groups.offsetMetadataMaxBytes(),
                        kafkaGroups.offsetMetadataMaxBytes(), "The maximum size for a metadata entry associated "
                                + "with an offset commit."),
                // Kafka's, at their defaults: clients and tools read them (the replication factor of -1 is 1 here too).
                new BrokerSetting("default.replication.factor", Type.INT, "1", "1", "The replication factor for "
                        + "automatically created topics, and for topics created with -1 as the replication factor"),
                new BrokerSetting("delete.topic.enable", Type.BOOLEAN, "true", "true", "Enables delete topic. "
                        + "Delete topic through the admin tool will have no effect if this config is turned off"),
                new BrokerSetting("offsets.retention.minutes", Type.INT, "10080", "10080", "For subscribed "
                        + "consumers, committed offset of a specific partition will be expired and discarded after "
                        + "this period of time once the consumer group has lost all its consumers."),
                new BrokerSetting("transactional.id.expiration.ms", Type.INT, "604800000", "604800000", "The time in "
                        + "ms that the transaction coordinator will wait without receiving any transaction status "
                        + "updates for the current transaction before expiring its transactional id."));
        return new ConfigResolver(c.givenProperties(), settings);
    }

    private static BrokerSetting group(String name, int value, int kafkaDefault, String documentation) {
        return new BrokerSetting(name, Type.INT, Integer.toString(value), Integer.toString(kafkaDefault),
                documentation);
    }
}
