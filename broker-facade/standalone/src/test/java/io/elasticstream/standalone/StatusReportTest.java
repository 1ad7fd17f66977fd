package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.placement.server.rpc.ClusterMembers;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A cluster broker's status document: members as PD registered them, with their heartbeat loads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StatusReportTest {
    private static final String PREFIX = PlacementConfig.DEFAULT_CLUSTER_PREFIX;

    @TempDir
    Path dir;

    @Test
    void clusterModeListsRangeServersAndBrokersWithLivenessAndChartsTheirWalFigures() throws Exception {
        ManualClock clock = new ManualClock();
        try (MetadataStore store = EmbeddedMetadataStore.open(dir, clock);
             PlacementDriver pd = new PlacementDriver(store, new PlacementConfig(PREFIX, 2, 1, 6_000))) {
            pd.registerBroker(new BrokerInfo(1, "b1", 9092)).get(10, TimeUnit.SECONDS);
            pd.registerBroker(new BrokerInfo(2, "b2", 9093)).get(10, TimeUnit.SECONDS);
            pd.registerRangeServer(new RangeServerInfo(1, "rs1", 10001)).get(10, TimeUnit.SECONDS);
            pd.registerRangeServer(new RangeServerInfo(2, "rs2", 10002)).get(10, TimeUnit.SECONDS);
            pd.heartbeatBroker(2, new BrokerLoad(1, 10, 20, 5, 6)).get(10, TimeUnit.SECONDS);
            pd.heartbeatRangeServer(1, new RangeServerLoad(1, 9_000, 0, 1.5, 4_096, 100_000)).get(10, TimeUnit.SECONDS);
            pd.heartbeatRangeServer(2, new RangeServerLoad(1, 8_000, 0, 7.25, 1_024, 100_000)).get(10, TimeUnit.SECONDS);
            pd.createTopic(new NewTopic("orders", 1, Map.of())).get(10, TimeUnit.SECONDS);

            String json = StatusReport.cluster("cid", pd, () -> ClusterMembers.read(store, PREFIX),
                    new MetricRegistry(), clock).get();

            assertTrue(json.contains("\"error\":null"), json);
            assertTrue(json.contains("\"brokers\":[{\"id\":1,\"host\":\"b1\",\"port\":9092,\"live\":true},"
                    + "{\"id\":2,\"host\":\"b2\",\"port\":9093,\"live\":true}]"), json);
            assertTrue(json.contains("\"rangeServers\":[{\"id\":1,\"host\":\"rs1\",\"port\":10001,\"live\":true,"
                    + "\"diskUsedBytes\":4096,\"diskFreeBytes\":9000,\"walSegments\":-1},"
                    + "{\"id\":2,\"host\":\"rs2\",\"port\":10002,\"live\":true,"
                    + "\"diskUsedBytes\":1024,\"diskFreeBytes\":8000,\"walSegments\":-1}]"), json);
            assertTrue(json.contains("\"name\":\"orders\""), json);
            // a broker has no WAL: the WAL charts show the cluster's, slowest fsync and summed disk
            assertTrue(json.contains("\"fsyncP99Ms\":7.25,\"diskUsedBytes\":5120,\"diskFreeBytes\":17000,"
                    + "\"diskTotalBytes\":200000"), json);
        }
    }
}
