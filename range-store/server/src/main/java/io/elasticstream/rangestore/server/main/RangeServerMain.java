package io.elasticstream.rangestore.server.main;

import io.elasticstream.common.Clock;
import io.elasticstream.common.ProcessProperties;
import io.elasticstream.common.JsonWriter;
import io.elasticstream.common.Scheduler;
import io.elasticstream.observe.MetricsHttpServer;
import io.elasticstream.observe.ProcessLifecycle;
import io.elasticstream.observe.ProcessMetrics;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.placement.rpc.RemotePlacementConfig;
import io.elasticstream.placement.rpc.RemotePlacementService;
import io.elasticstream.rangestore.server.metrics.StoreMetrics;
import io.elasticstream.rangestore.server.metrics.WalMetrics;
import io.elasticstream.rangestore.server.net.RangeServer;
import io.elasticstream.rangestore.server.store.CheckpointPolicy;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalEngine;
import io.elasticstream.rangestore.server.wal.Wals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A range server process ({@code bin/range-server}): WAL under {@code data.dir}, stream RPC on
 * {@code range.server.host:range.server.port}, registered with PD ({@code pd.endpoints}) as
 * {@code range.server.id} at {@code range.server.advertised.host} (default: the listen host). Prints
 * {@code range.server.address=HOST:PORT} on stdout once registered. SIGTERM closes in reverse order.
 */
public final class RangeServerMain {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServerMain.class);
    static final String USAGE = "usage: range-server [--config FILE] [--override key=value]...";
    static final int DEFAULT_METRICS_PORT = 9466;

    private RangeServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ProcessProperties props;
        try {
            props = ProcessProperties.parse(args, USAGE);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProcessLifecycle lifecycle = ProcessLifecycle.onShutdown("range server");
        Deque<AutoCloseable> started = lifecycle.started();
        try {
            int id = Integer.parseInt(props.required("range.server.id"));
            Path dataDir = Path.of(props.string("data.dir", "data/range-server-" + id)).toAbsolutePath();
            Files.createDirectories(dataDir);
            ProcessMetrics metrics = ProcessMetrics.start();
            started.push(metrics);
            MetricRegistry registry = metrics.registry();
            WalConfig walConfig = WalConfig.defaults()
                    .withSegmentSizeBytes(props.longValue("wal.segment.bytes", WalConfig.defaults().segmentSizeBytes()));
            Wal wal = Wals.open(dataDir.resolve("wal"), walConfig, WalEngine.parse(props.string("wal.engine", "auto")),
                    new WalMetrics(registry, dataDir.resolve("wal")));
            started.push(wal);
            String host = props.string("range.server.host", "127.0.0.1");
            RangeStore store = RangeStore.open(wal, dataDir.resolve("range-store.checkpoint"));
            StoreMetrics.registerStore(registry, store);
            ScheduledExecutorService checkpointThread = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("range-store-checkpoint").daemon(true).factory());
            started.push(() -> checkpointThread.shutdownNow());
            started.push(CheckpointPolicy.start(store, Scheduler.of(checkpointThread),
                    props.longValue("checkpoint.interval.ms", 10_000),
                    props.longValue("checkpoint.min.wal.bytes", walConfig.segmentSizeBytes())));
            RangeServer server = RangeServer.start(store, host, props.intValue("range.server.port", 0),
                    props.intValue("range.server.io.threads", 1), props.intValue("range.server.read.threads", 2));
            started.push(server);
            RemotePlacementService placement = new RemotePlacementService(
                    RemotePlacementConfig.of(RemotePlacementConfig.parseAddresses(props.string("pd.endpoints", "127.0.0.1:9400")))
                            .withCallTimeoutMs(props.longValue("pd.call.timeout.ms", 60_000)),
                    null, Clock.SYSTEM);
            started.push(placement);
            String advertised = props.string("range.server.advertised.host", host);
            RangeServerInfo self = new RangeServerInfo(id, advertised, server.localAddress().getPort());
            MemberSession session = MemberSession.forRangeServer(placement, self,
                    RangeServerLoads.of(store, dataDir, registry, Clock.SYSTEM), props.longValue("member.heartbeat.interval.ms", MemberSession.DEFAULT_HEARTBEAT_INTERVAL_MS));
            started.push(session);
            session.start().join();
            MetricsHttpServer metricsServer = startMetricsServer(props, registry, self);
            if (metricsServer != null) {
                started.push(metricsServer);
                System.out.println("metrics.url=http://" + props.string("metrics.host", "127.0.0.1") + ":"
                        + metricsServer.port() + "/metrics");
            }
            LOG.info("range server {} registered at {}:{} (data under {})", id, advertised, self.port(), dataDir);
            System.out.println("range.server.address=" + advertised + ":" + self.port());
            System.out.flush();
        } catch (Exception e) {
            LOG.error("range server start-up failed", e);
            System.err.println("error: start-up failed: " + e);
            System.exit(1);
        }
        lifecycle.awaitShutdown();
    }

    /**
     * Serves /metrics and a small status document on {@code metrics.host:metrics.port} (0: a free port;
     * -1: off); a port in use is logged and skipped.
     */
    private static MetricsHttpServer startMetricsServer(ProcessProperties props, MetricRegistry registry,
                                                        RangeServerInfo self) {
        return MetricsHttpServer.startIfEnabled(props.string("metrics.host", "127.0.0.1"),
                props.intValue("metrics.port", DEFAULT_METRICS_PORT), registry, () -> new JsonWriter().beginObject()
                        .name("role").value("range-server")
                        .name("id").value(self.id())
                        .name("address").value(self.host() + ":" + self.port())
                        .name("diskUsedBytes").value(gauge(registry, WalMetrics.DISK_USED))
                        .name("diskFreeBytes").value(gauge(registry, WalMetrics.DISK_FREE))
                        .name("walSegments").value(gauge(registry, WalMetrics.SEGMENTS))
                        .endObject().toString()).orElse(null);
    }

    private static long gauge(MetricRegistry registry, String name) {
        Gauge<?> gauge = registry.getGauges().get(name);
        return gauge != null && gauge.getValue() instanceof Number n ? n.longValue() : -1;
    }
}
