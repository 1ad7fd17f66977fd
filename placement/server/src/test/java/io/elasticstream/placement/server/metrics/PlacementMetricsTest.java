package io.elasticstream.placement.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlacementMetricsTest {
    @TempDir
    Path dir;

    @Test
    void everyRequestOnTheOwnerThreadIsCountedAndFailuresApart() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        try (MetadataStore store = EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
             PlacementDriver pd = new PlacementDriver(store, PlacementConfig.standalone(), List.of(),
                     new PlacementMetrics(registry, Clock.SYSTEM))) {
            assertEquals(Set.of("placement.requests", "placement.requests.failed", "placement.request.latency",
                    "placement.repairs.succeeded", "placement.repairs.failed", "placement.ranges.verified",
                    "placement.ranges.compacted", "placement.leader",
                    "placement.elections.won", "placement.ranges.placed", "placement.partitions.assigned",
                    "placement.partitions.moved.planned", "placement.partitions.moved.failover",
                    "placement.broker.sessions.ended"), registry.getNames());
            pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
            pd.brokers().join();
            assertThrows(CompletionException.class, () -> pd.deleteTopic("no-such-topic").join());
            assertEquals(3, registry.meter(PlacementMetrics.REQUESTS).getCount());
            // The metrics see completion in a callback of their own, which may run just after join() returns.
            awaitCount(() -> registry.timer(PlacementMetrics.LATENCY).getCount(), 3);
            assertEquals(1, registry.meter(PlacementMetrics.FAILED).getCount());
        }
    }

    @Test
    void placementDecisionsAndMovesAreCountedByKind() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        PlacementMetrics metrics = new PlacementMetrics(registry, Clock.SYSTEM);
        try (MetadataStore store = EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
             PlacementDriver pd = new PlacementDriver(store, PlacementConfig.standalone(), List.of(), metrics)) {
            pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
            pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)).join();
            pd.registerRangeServer(new RangeServerInfo(1, "127.0.0.1", 9500)).join();
            TopicInfo topic = pd.createTopic(new NewTopic("t", 3, Map.of())).join();
            pd.createPartitions("t", 4).join();
            assertEquals(4, registry.counter(PlacementMetrics.PARTITIONS_ASSIGNED).getCount());

            long streamId = topic.partitions().getFirst().streamId();
            long epoch = pd.openStreamForWrite(streamId).join().epoch();
            pd.createRange(streamId, epoch, 0, 0).join();
            assertEquals(1, registry.counter(PlacementMetrics.RANGES_PLACED).getCount());

            int owner = topic.partitions().getFirst().ownerBrokerId();
            pd.movePartitions(List.of(new PartitionMove("t", 0, owner == 1 ? 2 : 1), new PartitionMove("t", 99, 1)))
                    .join();
            assertEquals(1, registry.counter(PlacementMetrics.PARTITIONS_MOVED_PLANNED).getCount(),
                    "one moved, one unknown partition");
            assertEquals(0, registry.counter(PlacementMetrics.PARTITIONS_MOVED_FAILOVER).getCount());

            @SuppressWarnings("unchecked")
            Gauge<Integer> leader = (Gauge<Integer>) registry.getGauges().get(PlacementMetrics.LEADER);
            assertEquals(0, leader.getValue());
            metrics.reportLeadership(() -> true);
            assertEquals(1, leader.getValue());
        }
    }

    private static void awaitCount(LongSupplier count, long expected) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.getAsLong() < expected && System.nanoTime() < deadlineNs) {
            Thread.onSpinWait();
        }
        assertEquals(expected, count.getAsLong());
    }
}
