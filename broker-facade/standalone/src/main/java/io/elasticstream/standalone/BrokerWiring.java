package io.elasticstream.standalone;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.broker.Broker;
import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.internal.DefaultStreamClient;
import io.elasticstream.streamclient.metrics.ReplicationMetrics;

import java.util.Deque;

/**
 * What standalone and cluster brokers share: a stream client over {@code placement}, then the Kafka
 * broker on it (metrics on the given registry, heartbeating its PD session every {@code heartbeatIntervalMs}), both pushed onto {@code started} for closing in reverse order.
 */
final class BrokerWiring {
    private BrokerWiring() {
    }

    static Broker startBroker(LaunchOptions options, String clusterId, PlacementService placement,
                              Clock clock, long heartbeatIntervalMs, MetricRegistry registry,
                              Deque<AutoCloseable> started) throws Exception {
        StreamClientConfig streamConfig = new StreamClientConfig(
                options.longProperty("stream.append.timeout.ms", StreamClientConfig.defaults().appendTimeoutMs()),
                options.longProperty("stream.max.inflight.bytes", StreamClientConfig.defaults().maxInflightBytes()),
                StreamClientConfig.defaults().rollRetryBackoffMs(), StreamClientConfig.defaults().maxRollAttempts());
        DefaultStreamClient streams = DefaultStreamClient.create(placement,
                options.intProperty("stream.client.io.threads", 1),
                options.longProperty("stream.client.request.timeout.ms", 30_000), streamConfig,
                new ReplicationMetrics(registry, Clock.SYSTEM));
        started.push(streams);

        BrokerConfig brokerConfig = BrokerConfig.from(options.properties(), clusterId);
        ScramBootstrap.addMissing(options.addScram(), placement);
        Broker broker = Broker.start(brokerConfig, placement, streams, clock, heartbeatIntervalMs, registry);
        started.push(broker);
        return broker;
    }
}
