package io.elasticstream.standalone;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.observe.MetricsHttpServer;
import io.elasticstream.observe.ProcessLifecycle;
import io.elasticstream.observe.ProcessMetrics;
import io.elasticstream.broker.Broker;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.rpc.RemotePlacementConfig;
import io.elasticstream.placement.rpc.RemotePlacementService;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.StorePartitionWatcher;
import io.elasticstream.placement.server.cluster.ClusterId;
import io.elasticstream.placement.server.rpc.ClusterMembers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A broker process of cluster mode ({@code bin/broker}): Kafka on {@code listeners}, placement through
 * {@link RemotePlacementService} ({@code pd.endpoints}), partition assignments read from etcd
 * ({@code etcd.endpoints}, {@code cluster.prefix}) through a store watch, the cluster id from etcd.
 * Prints {@code bootstrap.servers=HOST:PORT} once Kafka clients can connect. Same command line as
 * {@code bin/quickstart}.
 */
public final class ClusterBrokerMain {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBrokerMain.class);
    static final int DEFAULT_METRICS_PORT = 9467;

    private ClusterBrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProcessLifecycle lifecycle = ProcessLifecycle.onShutdown("broker");
        Deque<AutoCloseable> started = lifecycle.started();
        Broker broker;
        try {
            broker = start(options, started);
        } catch (Exception e) {
            LOG.error("broker start-up failed", e);
            System.err.println("error: start-up failed: " + e);
            System.exit(1);
            return;
        }
        System.out.println("bootstrap.servers=" + broker.kafkaAddress().getHostString() + ":"
                + broker.kafkaAddress().getPort());
        System.out.flush();
        lifecycle.awaitShutdown();
    }

    private static Broker start(LaunchOptions options, Deque<AutoCloseable> started) throws Exception {
        String prefix = options.properties().getProperty("cluster.prefix", PlacementConfig.DEFAULT_CLUSTER_PREFIX).trim();
        List<URI> etcd = Arrays.stream(options.properties().getProperty("etcd.endpoints", "http://127.0.0.1:2379")
                .split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(URI::create).toList();
        ProcessMetrics metrics = ProcessMetrics.start();
        started.push(metrics);
        MetricRegistry registry = metrics.registry();
        MetadataStore store = EtcdMetadataStore.connect(etcd, EtcdMetadataStore.Config.DEFAULT);
        started.push(store);
        String clusterId = ClusterId.ensure(store, prefix).get();
        RemotePlacementService placement = new RemotePlacementService(
                RemotePlacementConfig.of(RemotePlacementConfig.parseAddresses(
                                options.properties().getProperty("pd.endpoints", "127.0.0.1:9400")))
                        .withCallTimeoutMs(options.longProperty("pd.call.timeout.ms", 30_000)),
                new StorePartitionWatcher(store, prefix), Clock.SYSTEM);
        started.push(placement);
        Broker broker = BrokerWiring.startBroker(options, clusterId, placement, Clock.SYSTEM,
                options.longProperty("member.heartbeat.interval.ms", MemberSession.DEFAULT_HEARTBEAT_INTERVAL_MS),
                registry, started);
        startMetricsServer(options, StatusReport.cluster(clusterId, placement, () -> ClusterMembers.read(store, prefix),
                registry, Clock.SYSTEM), registry, started);
        LOG.info("broker up: Kafka on {}, cluster id {}, etcd {}, prefix {}", broker.kafkaAddress(), clusterId, etcd,
                prefix);
        return broker;
    }

    /**
     * Serves /metrics and the status page on {@code metrics.host:metrics.port} (0: a free port; -1: off); a
     * port in use is logged and skipped: Kafka clients are served either way.
     */
    private static void startMetricsServer(LaunchOptions options, StatusReport status, MetricRegistry registry,
                                           Deque<AutoCloseable> started) {
        String host = options.properties().getProperty("metrics.host", "127.0.0.1").trim();
        MetricsHttpServer.startIfEnabled(host, options.intProperty("metrics.port", DEFAULT_METRICS_PORT), registry, status)
                .ifPresent(server -> {
                    started.push(server);
                    System.out.println("metrics.url=http://" + host + ":" + server.port() + "/metrics");
                    System.out.println("status.url=http://" + host + ":" + server.port() + "/status");
                });
    }
}
