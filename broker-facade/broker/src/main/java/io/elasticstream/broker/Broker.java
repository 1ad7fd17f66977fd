package io.elasticstream.broker;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.broker.api.KafkaApis;
import io.elasticstream.broker.metrics.BrokerMetrics;
import io.elasticstream.broker.metrics.InstrumentedHandler;
import io.elasticstream.broker.net.KafkaServer;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.streamclient.api.StreamClient;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import io.elasticstream.broker.net.RequestHandler;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker on streams: registers with PD, opens the partitions PD assigns to it, and serves the
 * Kafka protocol. Start with {@link #start}, stop with {@link #close}.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final PartitionManager partitions;
    private final ScheduledExecutorService timer;
    private final KafkaServer server;

    private final KafkaApis apis;

    private Broker(PartitionManager partitions, ScheduledExecutorService timer, KafkaServer server, KafkaApis apis) {
        this.apis = apis;
        this.partitions = partitions;
        this.timer = timer;
        this.server = server;
    }

    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock)
            throws InterruptedException {
        return start(config, placement, streams, clock, new MetricRegistry());
    }

    /** As above, with the broker's metrics ({@code broker.*}, see {@link BrokerMetrics}) on {@code registry}. */
    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock,
                               MetricRegistry registry) throws InterruptedException {
        BrokerMetrics metrics = new BrokerMetrics(registry, clock);
        // Bind first, so that "port 0" can be resolved before the broker advertises itself.
        AtomicReference<RequestHandler> apis = new AtomicReference<>();
        KafkaServer server = KafkaServer.start(config.listenHost(), config.listenPort(), config.networkThreads(),
                config.socketRequestMaxBytes(), (context, request) -> {
                    RequestHandler h = apis.get();
                    if (h == null) {
                        throw new BrokerNotAvailableException("broker " + config.nodeId() + " is still starting");
                    }
                    return h.handle(context, request);
                }, metrics);
        BrokerConfig effective = config.advertisedPort() == 0
                ? config.withAdvertisedPort(server.localAddress().getPort()) : config;
        PartitionManager partitions = new PartitionManager(effective.nodeId(), placement, streams, clock);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("broker-timer").daemon(true).factory());
        try {
            placement.registerBroker(new BrokerInfo(effective.nodeId(), effective.advertisedHost(),
                    effective.advertisedPort())).join();
            partitions.start();
            TopicService topics = new TopicService(placement, effective.numPartitions(), effective.messageMaxBytes());
            KafkaApis kafkaApis = new KafkaApis(effective, placement, topics, partitions, timer, clock);
            metrics.registerTopicCache(topics::idNamesCacheStats);
            apis.set(new InstrumentedHandler(kafkaApis, metrics, topics));
            LOG.info("Broker {} serving Kafka on {}", effective.nodeId(), server.localAddress());
            return new Broker(partitions, timer, server, kafkaApis);
        } catch (RuntimeException e) {
            server.close();
            partitions.close();
            timer.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress kafkaAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        apis.close();
        partitions.close();
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
