package io.elasticstream.placement.server.cluster;

import io.elasticstream.common.Clock;
import io.elasticstream.common.JsonWriter;
import io.elasticstream.common.ProcessProperties;
import io.elasticstream.observe.MetricsHttpServer;
import io.elasticstream.observe.ProcessMetrics;
import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.election.ElectionConfig;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import io.elasticstream.placement.server.rpc.ClusterViewJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A placement driver process ({@code bin/pd}): connects to etcd, ensures the cluster id, serves the PD
 * HTTP endpoint and joins the election. Prints {@code pd.address=HOST:PORT} on stdout once listening.
 * SIGTERM resigns (a follower takes over at once) and exits.
 *
 * <p>Properties: {@code pd.id}, {@code pd.listener} (host:port, port 0 = any), {@code etcd.endpoints}
 * (comma-separated URLs), {@code cluster.prefix}, {@code stream.replica.count}, {@code stream.ack.count},
 * {@code pd.lease.ttl.ms}, {@code member.session.ttl.ms} (how long a broker or range server stays live
 * after its last heartbeat; a dead broker's partitions move after it), {@code range.repair.interval.ms}
 * (how often the leader copies sealed ranges that lost a replica to another range server; 0 = never).
 */
public final class PlacementMain {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementMain.class);
    static final String USAGE = "usage: pd [--config FILE] [--override key=value]...";
    static final int DEFAULT_METRICS_PORT = 9465;
    static final long STATUS_TIMEOUT_MS = 2_000;

    private PlacementMain() {
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
        Running running = start(props);
        PlacementNode node = running.node();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            LOG.info("placement driver {} shutting down", node.id());
            running.close();
            stopped.countDown();
        }));
        if (running.metricsServer() != null) {
            System.out.println("metrics.url=http://" + props.string("metrics.host", "127.0.0.1") + ":"
                    + running.metricsServer().port() + "/metrics");
        }
        System.out.println("pd.address=" + node.address());
        System.out.flush();
        stopped.await();
    }

    /**
     * A started placement driver, its store client and its metrics (the HTTP server is null when
     * {@code metrics.port} is -1 or taken); closing resigns and disconnects.
     */
    public record Running(MetadataStore store, PlacementNode node, ProcessMetrics metrics,
                          MetricsHttpServer metricsServer) implements AutoCloseable {
        @Override
        public void close() {
            if (metricsServer != null) {
                metricsServer.close();
            }
            node.close();
            store.close();
            metrics.close();
        }
    }

    /** Connects to etcd, ensures the cluster id, starts the node (listening and campaigning). */
    public static Running start(ProcessProperties props) throws Exception {
        String id = props.required("pd.id");
        String listener = props.string("pd.listener", "127.0.0.1:9400");
        int colon = listener.lastIndexOf(':');
        String host = listener.substring(0, colon);
        int port = Integer.parseInt(listener.substring(colon + 1));
        List<URI> etcd = Arrays.stream(props.string("etcd.endpoints", "http://127.0.0.1:2379").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
        PlacementConfig config = new PlacementConfig(props.string("cluster.prefix", PlacementConfig.DEFAULT_CLUSTER_PREFIX),
                props.intValue("stream.replica.count", 3), props.intValue("stream.ack.count", 2),
                props.longValue("member.session.ttl.ms", PlacementConfig.DEFAULT_MEMBER_SESSION_TTL_MS),
                props.longValue("range.repair.interval.ms", PlacementConfig.DEFAULT_RANGE_REPAIR_INTERVAL_MS));
        long leaseTtlMs = props.longValue("pd.lease.ttl.ms", ElectionConfig.DEFAULT_LEASE_TTL_MS);

        ProcessMetrics metrics = ProcessMetrics.start();
        MetadataStore store = EtcdMetadataStore.connect(etcd, EtcdMetadataStore.Config.DEFAULT);
        try {
            String clusterId = ClusterId.ensure(store, config.clusterPrefix()).get();
            PlacementNode node = PlacementNode.start(store, config, id, host, port, leaseTtlMs, Clock.SYSTEM,
                    new PlacementMetrics(metrics.registry(), Clock.SYSTEM));
            LOG.info("placement driver {} up at {} (cluster id {}, etcd {}, prefix {})", id, node.address(), clusterId,
                    etcd, config.clusterPrefix());
            return new Running(store, node, metrics, startMetricsServer(props, metrics, store, config.clusterPrefix()));
        } catch (Exception e) {
            store.close();
            metrics.close();
            throw e;
        }
    }

    /**
     * Serves /metrics, and the cluster status page with the cluster view as its document, on {@code metrics.host:metrics.port}
     * (0: a free port; -1: off); a port in use is logged and skipped.
     */
    private static MetricsHttpServer startMetricsServer(ProcessProperties props, ProcessMetrics metrics,
                                                        MetadataStore store, String prefix) {
        return MetricsHttpServer.startIfEnabled(props.string("metrics.host", "127.0.0.1"),
                props.intValue("metrics.port", DEFAULT_METRICS_PORT), metrics.registry(), () -> {
                    try {
                        return ClusterViewJson.read(store, prefix).get(STATUS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return errorJson("interrupted");
                    } catch (Exception e) {
                        return errorJson("metadata store: " + e);
                    }
                }, MetricsHttpServer.StatusPage.CLUSTER).orElse(null);
    }

    private static String errorJson(String message) {
        return new JsonWriter().beginObject().name("error").value(message).endObject().toString();
    }
}
