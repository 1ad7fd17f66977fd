package io.elasticstream.broker;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.broker.api.KafkaApis;
import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.metrics.BrokerLoadReport;
import io.elasticstream.broker.metrics.BrokerMetrics;
import io.elasticstream.broker.metrics.InstrumentedHandler;
import io.elasticstream.broker.net.KafkaListeners;
import io.elasticstream.broker.security.Listener;
import io.elasticstream.broker.security.ListenerSecurity;
import io.elasticstream.broker.security.ScramCredentialLookup;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.partition.RetentionAgent;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.streamclient.api.StreamClient;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A Kafka broker on streams: registers with PD and keeps its session alive ({@link MemberSession}),
 * opens the partitions PD assigns to it, and serves the Kafka protocol. Start with {@link #start}, stop
 * with {@link #close}.
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Longest a shutdown waits for PD to end this broker's session before leaving it to expire. */
    static final long LEAVE_TIMEOUT_MS = 5_000;
    static final String RETENTION_CHECK_INTERVAL = "log.retention.check.interval.ms";
    static final String PRODUCER_SNAPSHOT_INTERVAL = "producer.snapshot.interval.batches";

    private final MemberSession session;
    private final PartitionManager partitions;
    private final ScheduledExecutorService timer;
    private final KafkaListeners server;

    private final KafkaApis apis;
    private final RetentionAgent retention;

    private Broker(MemberSession session, PartitionManager partitions, ScheduledExecutorService timer,
                   KafkaListeners server, KafkaApis apis, RetentionAgent retention) {
        this.session = session;
        this.apis = apis;
        this.retention = retention;
        this.partitions = partitions;
        this.timer = timer;
        this.server = server;
    }

    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock)
            throws InterruptedException {
        return start(config, placement, streams, clock, MemberSession.DEFAULT_HEARTBEAT_INTERVAL_MS, new MetricRegistry());
    }

    /** Starts a broker that heartbeats PD every {@code heartbeatIntervalMs} (a third of PD's session TTL). */
    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock,
                               long heartbeatIntervalMs) throws InterruptedException {
        return start(config, placement, streams, clock, heartbeatIntervalMs, new MetricRegistry());
    }

    /** As the 4-argument start, with the broker's metrics ({@code broker.*}, see {@link BrokerMetrics}) on {@code registry}. */
    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock,
                               MetricRegistry registry) throws InterruptedException {
        return start(config, placement, streams, clock, MemberSession.DEFAULT_HEARTBEAT_INTERVAL_MS, registry);
    }

    /**
     * Starts a broker that heartbeats PD every {@code heartbeatIntervalMs} (a third of PD's session TTL) and
     * keeps its metrics ({@code broker.*}, see {@link BrokerMetrics}) on {@code registry}.
     */
    public static Broker start(BrokerConfig config, PlacementService placement, StreamClient streams, Clock clock,
                               long heartbeatIntervalMs, MetricRegistry registry) throws InterruptedException {
        BrokerMetrics metrics = new BrokerMetrics(registry, clock);
        // Bind first, so that "port 0" can be resolved before the broker advertises itself.
        AtomicReference<RequestHandler> apis = new AtomicReference<>();
        RequestHandler started = new RequestHandler() {
            @Override
            public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
                RequestHandler h = apis.get();
                if (h == null) {
                    throw new BrokerNotAvailableException("broker " + config.nodeId() + " is still starting");
                }
                return h.handle(context, request);
            }

            @Override
            public void connectionClosed(String connectionId) {
                RequestHandler h = apis.get();
                if (h != null) {
                    h.connectionClosed(connectionId);
                }
            }
        };
        ScramCredentialLookup credentials = new ScramCredentialLookup(placement);
        List<ListenerSecurity> securities = new ArrayList<>();
        for (Listener listener : config.listeners()) {
            securities.add(ListenerSecurity.of(listener, config.givenProperties(), credentials));
        }
        KafkaListeners server = KafkaListeners.start(securities, config.networkThreads(),
                config.socketRequestMaxBytes(), started, metrics);
        BrokerConfig effective = config.withBoundListeners(server.bound());
        PartitionManager partitions = new PartitionManager(effective.nodeId(), placement, streams, clock,
                producerSnapshotIntervalBatches(effective));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("broker-timer").daemon(true).factory());
        MemberSession session = MemberSession.forBroker(placement,
                new BrokerInfo(effective.nodeId(), effective.advertisedHost(), effective.advertisedPort(),
                        effective.advertisedEndpoints()),
                new BrokerLoadReport(registry, clock, partitions::ownedCount), heartbeatIntervalMs);
        try {
            session.start().join();
            partitions.start();
            TopicService topics = new TopicService(placement, effective.numPartitions(), effective.messageMaxBytes());
            KafkaApis kafkaApis = new KafkaApis(effective, placement, topics, partitions, timer, clock);
            metrics.registerTopicCache(topics::idNamesCacheStats);
            apis.set(new InstrumentedHandler(kafkaApis, metrics, topics));
            RetentionAgent retention = new RetentionAgent(partitions, retentionLimits(effective, topics), clock, timer,
                    retentionCheckIntervalMs(effective));
            retention.start();
            LOG.info("Broker {} serving Kafka on {}", effective.nodeId(), effective.listeners().stream()
                    .map(l -> l.protocol() + " " + l.advertisedUri()).toList());
            return new Broker(session, partitions, timer, server, kafkaApis, retention);
        } catch (RuntimeException e) {
            session.close();
            server.close();
            partitions.close();
            timer.shutdownNow();
            throw e;
        }
    }

    /** {@code producer.snapshot.interval.batches}: confirmed batches of a partition between producer snapshots. */
    static int producerSnapshotIntervalBatches(BrokerConfig config) {
        String value = config.givenProperties().get(PRODUCER_SNAPSHOT_INTERVAL);
        return value == null || value.isBlank() ? PartitionManager.DEFAULT_SNAPSHOT_INTERVAL_BATCHES
                : Integer.parseInt(value.trim());
    }

    /** {@code log.retention.check.interval.ms}, Kafka's default 5 minutes. */
    static long retentionCheckIntervalMs(BrokerConfig config) {
        String value = config.givenProperties().get(RETENTION_CHECK_INTERVAL);
        return value == null || value.isBlank() ? 300_000L : Long.parseLong(value.trim());
    }

    /** Every topic's effective retention limits; none for topics whose cleanup.policy lacks "delete". */
    private static Supplier<CompletableFuture<Map<String, RetentionAgent.Limits>>> retentionLimits(BrokerConfig config,
                                                                                                  TopicService topics) {
        ConfigResolver resolver = new ConfigResolver(config.givenProperties(), List.of());
        return () -> topics.all().thenApply(all -> {
            Map<String, RetentionAgent.Limits> limits = new HashMap<>();
            for (TopicInfo t : all) {
                boolean delete = List.of(resolver.topicValue(TopicConfig.CLEANUP_POLICY_CONFIG, t.configs())
                        .split(",")).stream().anyMatch(p -> p.trim().equals(TopicConfig.CLEANUP_POLICY_DELETE));
                limits.put(t.name(), delete ? new RetentionAgent.Limits(
                        Long.parseLong(resolver.topicValue(TopicConfig.RETENTION_MS_CONFIG, t.configs()).trim()),
                        Long.parseLong(resolver.topicValue(TopicConfig.RETENTION_BYTES_CONFIG, t.configs()).trim()))
                        : RetentionAgent.Limits.NONE);
            }
            return limits;
        });
    }

    /** The partitions this broker serves (for tests and tools). */
    public PartitionManager partitions() {
        return partitions;
    }

    /** Where the first listener accepts connections. */
    public InetSocketAddress kafkaAddress() {
        return server.firstAddress();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // End the PD session now, so PD moves this broker's partitions at once rather than after the TTL.
        try {
            session.leave().get(LEAVE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Could not end this broker's session at PD ({}); its partitions move once it expires",
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        retention.close();
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
