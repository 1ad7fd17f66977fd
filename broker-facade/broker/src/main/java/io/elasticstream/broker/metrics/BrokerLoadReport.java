package io.elasticstream.broker.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerLoad;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The load a broker reports with each PD heartbeat, read from its metrics: bytes produced and fetched per
 * second since the previous report ({@value BrokerMetrics#BYTES_IN}, {@value BrokerMetrics#BYTES_OUT}), and
 * the 99th percentiles of {@value BrokerMetrics#PRODUCE_CONFIRM} and of Fetch requests
 * ({@code broker.requests.Fetch}, long polls included).
 *
 * <p>Threading: {@link #get} is called by the heartbeat thread; it is synchronized all the same.
 */
public final class BrokerLoadReport implements Supplier<BrokerLoad> {
    private final MetricRegistry registry;
    private final Clock clock;
    private final IntSupplier partitionsOwned;
    private long lastNanos;
    private long lastBytesIn;
    private long lastBytesOut;

    /** Rates start from the counts at construction. */
    public BrokerLoadReport(MetricRegistry registry, Clock clock, IntSupplier partitionsOwned) {
        this.registry = registry;
        this.clock = clock;
        this.partitionsOwned = partitionsOwned;
        this.lastNanos = clock.nanoTime();
        this.lastBytesIn = count(BrokerMetrics.BYTES_IN);
        this.lastBytesOut = count(BrokerMetrics.BYTES_OUT);
    }

    @Override
    public synchronized BrokerLoad get() {
        long now = clock.nanoTime();
        long bytesIn = count(BrokerMetrics.BYTES_IN);
        long bytesOut = count(BrokerMetrics.BYTES_OUT);
        long elapsedNanos = now - lastNanos;
        long inPerSecond = perSecond(bytesIn - lastBytesIn, elapsedNanos);
        long outPerSecond = perSecond(bytesOut - lastBytesOut, elapsedNanos);
        if (elapsedNanos > 0) {
            lastNanos = now;
            lastBytesIn = bytesIn;
            lastBytesOut = bytesOut;
        }
        return new BrokerLoad(Math.max(0, partitionsOwned.getAsInt()), inPerSecond, outPerSecond,
                p99Ms(BrokerMetrics.PRODUCE_CONFIRM), p99Ms(BrokerMetrics.REQUESTS + ApiKeys.FETCH.name));
    }

    private static long perSecond(long delta, long elapsedNanos) {
        return elapsedNanos <= 0 || delta <= 0 ? 0 : Math.round(delta * 1e9 / elapsedNanos);
    }

    private long count(String meter) {
        Meter m = registry.getMeters().get(meter);
        return m == null ? 0 : m.getCount();
    }

    private double p99Ms(String timer) {
        Timer t = registry.getTimers().get(timer);
        if (t == null) {
            return 0;
        }
        double ms = t.getSnapshot().get99thPercentile() / 1e6;
        return Double.isFinite(ms) && ms > 0 ? ms : 0;
    }
}
