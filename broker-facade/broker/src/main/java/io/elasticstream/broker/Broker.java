package io.elasticstream.broker;

import io.elasticstream.broker.api.KafkaApis;
import io.elasticstream.broker.net.KafkaServer;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.streamclient.api.StreamClient;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    private Broker(PartitionManager partitions, ScheduledExecutorService timer, KafkaServer server) {
        this.partitions = partitions;
        this.timer = timer;
        this.server = server;
    }

    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams)
            throws InterruptedException {
        placement.registerBroker(new BrokerInfo(config.nodeId(), config.advertisedHost(), config.advertisedPort())).join();
        PartitionManager partitions = new PartitionManager(config.nodeId(), placement, streams);
        partitions.start();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("broker-timer").daemon(true).factory());
        TopicService topics = new TopicService(placement, config.numPartitions());
        KafkaApis apis = new KafkaApis(config, placement, topics, partitions, timer);
        try {
            KafkaServer server = KafkaServer.start(config.listenHost(), config.listenPort(), config.networkThreads(),
                    config.socketRequestMaxBytes(), apis);
            LOG.info("Broker {} serving Kafka on {}", config.nodeId(), server.localAddress());
            return new Broker(partitions, timer, server);
        } catch (InterruptedException | RuntimeException e) {
            partitions.close();
            timer.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress kafkaAddress() {
        return server.localAddress();
    }

    public PartitionManager partitions() {
        return partitions;
    }

    @Override
    public void close() {
        server.close();
        partitions.close();
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
