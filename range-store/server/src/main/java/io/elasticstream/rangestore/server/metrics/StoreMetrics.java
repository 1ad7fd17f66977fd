package io.elasticstream.rangestore.server.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.store.ReadCache;

/**
 * The range store as gauges: {@value #RANGES}, and its read cache: {@value #READ_CACHE}{@code .hits},
 * {@code .misses}, {@code .evictions}, {@code .hit.ratio} and {@code .size.bytes}.
 */
public final class StoreMetrics {
    public static final String READ_CACHE = "rangestore.readcache";
    /** Ranges the store holds (open and sealed, not dropped). */
    public static final String RANGES = "rangestore.ranges";

    private StoreMetrics() {
    }

    public static void registerStore(MetricRegistry registry, RangeStore store) {
        registry.register(RANGES, (Gauge<Integer>) store::rangeCount);
    }

    public static void registerReadCache(MetricRegistry registry, ReadCache cache) {
        registry.register(READ_CACHE + ".hits", (Gauge<Long>) () -> cache.stats().hitCount());
        registry.register(READ_CACHE + ".misses", (Gauge<Long>) () -> cache.stats().missCount());
        registry.register(READ_CACHE + ".evictions", (Gauge<Long>) () -> cache.stats().evictionCount());
        registry.register(READ_CACHE + ".hit.ratio", (Gauge<Double>) () -> cache.stats().hitRate());
        registry.register(READ_CACHE + ".size.bytes", (Gauge<Long>) cache::sizeBytes);
    }
}
