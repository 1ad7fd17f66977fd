package io.elasticstream.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerLoad;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BrokerLoadReportTest {
    @Test
    void byteRatesCoverOnlyTheTimeSinceThePreviousReport() {
        ManualClock clock = new ManualClock();
        MetricRegistry registry = new MetricRegistry();
        new BrokerMetrics(registry, clock);
        AtomicInteger owned = new AtomicInteger(3);
        registry.meter(BrokerMetrics.BYTES_IN).mark(500); // before the report starts: not counted
        BrokerLoadReport report = new BrokerLoadReport(registry, clock, owned::get);

        registry.meter(BrokerMetrics.BYTES_IN).mark(4000);
        registry.meter(BrokerMetrics.BYTES_OUT).mark(1000);
        clock.advanceMillis(2000);
        BrokerLoad first = report.get();
        assertEquals(3, first.partitionsOwned());
        assertEquals(2000, first.bytesInPerSecond());
        assertEquals(500, first.bytesOutPerSecond());

        owned.set(5);
        clock.advanceMillis(4000);
        BrokerLoad idle = report.get();
        assertEquals(new BrokerLoad(5, 0, 0, 0, 0), idle);
    }

    @Test
    void latenciesAreTheP99OfProduceUntilDurableAndOfFetchRequestsInMillis() {
        ManualClock clock = new ManualClock();
        MetricRegistry registry = new MetricRegistry();
        new BrokerMetrics(registry, clock);
        BrokerLoadReport report = new BrokerLoadReport(registry, clock, () -> 0);
        for (int i = 0; i < 100; i++) {
            registry.timer(BrokerMetrics.PRODUCE_CONFIRM).update(3, TimeUnit.MILLISECONDS);
            registry.timer(BrokerMetrics.REQUESTS + "Fetch").update(500, TimeUnit.MILLISECONDS);
        }
        clock.advanceMillis(1000);
        BrokerLoad load = report.get();
        assertEquals(3.0, load.produceP99Ms(), 0.01);
        assertEquals(500.0, load.fetchP99Ms(), 0.01);
        assertTrue(report.get().bytesInPerSecond() == 0, "no time passed, no bytes: rate 0");
    }
}
