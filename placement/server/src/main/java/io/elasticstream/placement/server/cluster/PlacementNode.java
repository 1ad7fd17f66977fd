package io.elasticstream.placement.server.cluster;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.placement.server.RpcRangeCopier;
import io.elasticstream.placement.server.election.ElectionConfig;
import io.elasticstream.placement.server.election.ElectionListener;
import io.elasticstream.placement.server.election.LeaderElection;
import io.elasticstream.placement.server.election.Leadership;
import io.elasticstream.placement.server.election.PdLeader;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import io.elasticstream.placement.server.rpc.ClusterViewJson;
import io.elasticstream.placement.server.rpc.LeaderSource;
import io.elasticstream.placement.server.rpc.PlacementRpcHandlers;
import io.elasticstream.placement.server.rpc.PlacementRpcServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One placement driver of a cluster: RPC listener + election candidate + (while leading) a driver whose
 * every write is guarded by the leadership and which re-replicates sealed ranges that lost a replica
 * (through this node's {@link RpcRangeCopier}). The store belongs to the caller.
 */
public final class PlacementNode implements LeaderSource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementNode.class);

    private final MetadataStore store;
    private final PlacementConfig config;
    private final String id;
    private final PlacementMetrics metrics;
    private final RpcRangeCopier rangeCopier = new RpcRangeCopier(RpcRangeCopier.DEFAULT_COPY_TIMEOUT_MS);
    private PlacementRpcServer rpc;
    private LeaderElection election;
    private volatile PlacementDriver driver;

    private PlacementNode(MetadataStore store, PlacementConfig config, String id, PlacementMetrics metrics) {
        this.store = store;
        this.config = config;
        this.id = id;
        this.metrics = Checks.notNull(metrics, "metrics");
    }

    /**
     * Starts listening on {@code host:port} (0 = a free port), then joins the election advertising
     * {@code host:<bound port>}.
     */
    public static PlacementNode start(MetadataStore store, PlacementConfig config, String id, String host, int port,
                                      long leaseTtlMs, Clock clock) throws IOException {
        return start(store, config, id, host, port, leaseTtlMs, clock, PlacementMetrics.unregistered());
    }

    /** As above; the driver of each term this node leads counts its requests in {@code metrics}. */
    public static PlacementNode start(MetadataStore store, PlacementConfig config, String id, String host, int port,
                                      long leaseTtlMs, Clock clock, PlacementMetrics metrics) throws IOException {
        Checks.notNull(store, "store");
        PlacementNode node = new PlacementNode(store, config, id, metrics);
        metrics.reportLeadership(node::isLeader);
        try {
            node.rpc = PlacementRpcServer.start(new InetSocketAddress(host, port), node, PlacementRpcHandlers.standard(),
                    () -> ClusterViewJson.read(store, config.clusterPrefix()));
        } catch (IOException | RuntimeException e) {
            node.rangeCopier.close();
            throw e;
        }
        String address = host + ":" + node.rpc.address().getPort();
        node.election = LeaderElection.start(store, new ElectionConfig(config.clusterPrefix(), id, address, leaseTtlMs),
                clock, node.new Listener());
        return node;
    }

    public String id() {
        return id;
    }

    /** {@code host:port} of this node's RPC. */
    public String address() {
        return election.config().rpcAddress();
    }

    public InetSocketAddress rpcAddress() {
        return rpc.address();
    }

    public boolean isLeader() {
        return driver != null;
    }

    @Override
    public Optional<PlacementService> leaderService() {
        return Optional.ofNullable(driver);
    }

    @Override
    public Optional<PdLeader> knownLeader() {
        return election == null ? Optional.empty() : election.knownLeader();
    }

    /** The current leadership of this node, if it leads. */
    public Optional<Leadership> leadership() {
        return election.leadership();
    }

    /** Resigns (another PD takes over at once) and stops listening. */
    @Override
    public void close() {
        election.close();
        rpc.close();
        PlacementDriver last = driver;
        driver = null;
        if (last != null) {
            last.close();
        }
        rangeCopier.close();
    }

    /** Runs on the election thread. */
    private final class Listener implements ElectionListener {
        @Override
        public void onElected(Leadership leadership) {
            metrics.onElected();
            driver = new PlacementDriver(store, config, leadership.guard(), metrics, rangeCopier);
            LOG.info("placement driver {} serving as leader of term {}", id, leadership.term());
        }

        @Override
        public void onDeposed(Leadership leadership, String reason) {
            PlacementDriver ended = driver;
            driver = null;
            if (ended != null) {
                ended.close();
            }
            LOG.info("placement driver {} no longer leads (term {}): {}", id, leadership.term(), reason);
        }
    }
}
