package io.elasticstream.placement.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import java.nio.file.Path;
import java.util.List;
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
                    "placement.repairs.succeeded", "placement.repairs.failed"), registry.getNames());
            pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
            pd.brokers().join();
            assertThrows(CompletionException.class, () -> pd.deleteTopic("no-such-topic").join());
            assertEquals(3, registry.meter(PlacementMetrics.REQUESTS).getCount());
            // The metrics see completion in a callback of their own, which may run just after join() returns.
            awaitCount(() -> registry.timer(PlacementMetrics.LATENCY).getCount(), 3);
            assertEquals(1, registry.meter(PlacementMetrics.FAILED).getCount());
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
