package io.elasticstream.standalone;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.broker.Broker;
import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.common.Scheduler;
import io.elasticstream.observe.MetricsHttpServer;
import io.elasticstream.observe.ProcessMetrics;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.placement.server.RpcRangeCopier;
import io.elasticstream.rangestore.server.main.RangeServerLoads;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import io.elasticstream.rangestore.server.metrics.StoreMetrics;
import io.elasticstream.rangestore.server.metrics.WalMetrics;
import io.elasticstream.rangestore.server.net.RangeServer;
import io.elasticstream.rangestore.server.store.CheckpointPolicy;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.store.ReadCache;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalEngine;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs standalone mode in the foreground until SIGTERM / Ctrl-C, then shuts down in reverse start
 * order. Prints {@code bootstrap.servers=HOST:PORT} on stdout once Kafka clients can connect.
 */
public final class StandaloneMain {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneMain.class);
    private static final int RANGE_SERVER_ID = 1;
    static final int DEFAULT_METRICS_PORT = 9464;
    static final long DEFAULT_READ_CACHE_BYTES = 64L << 20;

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private Broker broker;
    private MetricsHttpServer metricsServer;
    private String metricsHost;
    /** What {@link #startAnotherBroker} needs; set by {@link #start}. */
    private LaunchOptions options;
    private String clusterId;
    private PlacementDriver placement;
    private long heartbeatIntervalMs;

    public static void main(String[] args) {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
            return;
        }
        StandaloneMain main = new StandaloneMain();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            LOG.info("Shutting down");
            main.close();
            stopped.countDown();
        }));
        try {
            main.start(options);
        } catch (Exception e) {
            LOG.error("Start-up failed", e);
            System.err.println("error: start-up failed: " + e);
            System.exit(1);
        }
        if (main.metricsServer != null) {
            System.out.println("metrics.url=http://" + main.metricsHost + ":" + main.metricsServer.port() + "/metrics");
            System.out.println("status.url=http://" + main.metricsHost + ":" + main.metricsServer.port() + "/status");
        }
        System.out.println("bootstrap.servers=" + main.kafkaAddress().getHostString() + ":"
                + main.kafkaAddress().getPort());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void start(LaunchOptions options) throws Exception {
        start(options, Clock.SYSTEM);
    }

    /** Starts with {@code brokerClock} as the broker's clock (tests move time by hand). */
    void start(LaunchOptions options, Clock brokerClock) throws Exception {
        long startNs = System.nanoTime();
        Path dataDir = options.dataDir().toAbsolutePath();
        Files.createDirectories(dataDir);
        String clusterId = MetaProperties.loadOrCreateClusterId(dataDir);
        LOG.info("Starting Elastic Stream standalone: data under {}, cluster id {}", dataDir, clusterId);

        ProcessMetrics processMetrics = ProcessMetrics.start();
        started.push(processMetrics);
        MetricRegistry registry = processMetrics.registry();

        MetadataStore metadata = EmbeddedMetadataStore.open(dataDir.resolve("metadata"), Clock.SYSTEM);
        started.push(metadata);
        // Brokers and range servers are live while they heartbeat; they do so every third of the TTL.
        long sessionTtlMs = options.longProperty("member.session.ttl.ms", PlacementConfig.DEFAULT_MEMBER_SESSION_TTL_MS);
        long heartbeatIntervalMs = Math.max(1, sessionTtlMs / 3);
        // The copier lets PD check the sealed ranges it then compacts (there is no other server to copy to).
        RpcRangeCopier rangeCopier = new RpcRangeCopier(RpcRangeCopier.DEFAULT_COPY_TIMEOUT_MS);
        started.push(rangeCopier);
        PlacementDriver placement = new PlacementDriver(metadata,
                PlacementConfig.standalone().withMemberSessionTtlMs(sessionTtlMs)
                        .withRangeRepairIntervalMs(options.longProperty("range.repair.interval.ms",
                                PlacementConfig.DEFAULT_RANGE_REPAIR_INTERVAL_MS)),
                List.of(), new PlacementMetrics(registry, Clock.SYSTEM), rangeCopier);
        started.push(placement);

        WalConfig walConfig = WalConfig.defaults()
                .withSegmentSizeBytes(options.longProperty("wal.segment.bytes", WalConfig.defaults().segmentSizeBytes()));
        WalEngine walEngine = WalEngine.parse(options.properties().getProperty("wal.engine", "auto"));
        Wal wal = Wals.open(dataDir.resolve("wal"), walConfig, walEngine,
                new WalMetrics(registry, dataDir.resolve("wal")));
        started.push(wal);
        ReadCache readCache = ReadCache.ofMaxBytes(options.longProperty("range.server.read.cache.bytes",
                DEFAULT_READ_CACHE_BYTES));
        StoreMetrics.registerReadCache(registry, readCache);
        // Checkpoints bound recovery and let trimmed (DeleteRecords, retention) WAL segments be released.
        RangeStore store = RangeStore.open(wal, dataDir.resolve("range-store.checkpoint"), readCache);
        StoreMetrics.registerStore(registry, store);
        ScheduledExecutorService checkpointThread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("range-store-checkpoint").daemon(true).factory());
        started.push(checkpointThread::shutdownNow);
        started.push(CheckpointPolicy.start(store, Scheduler.of(checkpointThread),
                options.longProperty("checkpoint.interval.ms", 10_000),
                options.longProperty("checkpoint.min.wal.bytes", walConfig.segmentSizeBytes())));
        String rangeHost = options.properties().getProperty("range.server.host", "127.0.0.1");
        RangeServer rangeServer = RangeServer.start(store, rangeHost, options.intProperty("range.server.port", 0),
                options.intProperty("range.server.io.threads", 1), options.intProperty("range.server.read.threads", 2));
        started.push(rangeServer);
        Path walDir = dataDir.resolve("wal");
        RangeServerInfo rangeServerInfo = new RangeServerInfo(RANGE_SERVER_ID, rangeHost,
                rangeServer.localAddress().getPort());
        MemberSession rangeServerSession = MemberSession.forRangeServer(placement, rangeServerInfo,
                RangeServerLoads.of(store, walDir, registry, Clock.SYSTEM), heartbeatIntervalMs);
        started.push(rangeServerSession);
        rangeServerSession.start().join();

        broker = BrokerWiring.startBroker(options, clusterId, placement, brokerClock, heartbeatIntervalMs, registry,
                started);
        startMetricsServer(options, new StatusReport(clusterId, placement, List.of(rangeServerInfo), registry,
                Clock.SYSTEM), registry);
        this.options = options;
        this.clusterId = clusterId;
        this.placement = placement;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        LOG.info("Elastic Stream standalone started in {} ms", (System.nanoTime() - startNs) / 1_000_000);
    }

    /**
     * Serves /metrics and the status page on {@code metrics.host:metrics.port} (0: a free port; -1: off). A
     * port already in use is logged and skipped: Kafka clients are served either way.
     */
    private void startMetricsServer(LaunchOptions options, StatusReport status, MetricRegistry registry) {
        metricsHost = options.properties().getProperty("metrics.host", "127.0.0.1").trim();
        metricsServer = MetricsHttpServer.startIfEnabled(metricsHost,
                options.intProperty("metrics.port", DEFAULT_METRICS_PORT), registry, status).orElse(null);
        if (metricsServer != null) {
            started.push(metricsServer);
        }
    }

    /** The port of /metrics and the status page, or -1 when they are not served. */
    int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    /** The standalone's own broker (null before start). */
    synchronized Broker broker() {
        return broker;
    }

    /**
     * Starts one more broker in this JVM on the same placement driver and range server (for tests of
     * several brokers): this standalone's options with {@code overrides} on top (at least a distinct
     * {@code node.id} and a {@code listeners} port, 0 for any). Closed with everything else.
     */
    synchronized Broker startAnotherBroker(Map<String, String> overrides) throws Exception {
        Checks.state(placement != null, "standalone is not started");
        Properties props = new Properties();
        props.putAll(options.properties());
        props.putAll(overrides);
        return BrokerWiring.startBroker(new LaunchOptions(props), clusterId, placement, Clock.SYSTEM,
                heartbeatIntervalMs, new MetricRegistry(), started); // its own registry: broker.* names are per broker
    }

    java.net.InetSocketAddress kafkaAddress() {
        return broker.kafkaAddress();
    }

    synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("Error closing {}", c.getClass().getSimpleName(), e);
            }
        }
    }
}
