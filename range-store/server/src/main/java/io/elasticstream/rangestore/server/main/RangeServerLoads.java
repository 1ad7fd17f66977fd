package io.elasticstream.rangestore.server.main;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.rangestore.server.metrics.WalMetrics;
import io.elasticstream.rangestore.server.store.RangeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The load a range server reports with each PD heartbeat: ranges held and free disk under its data directory,
 * and, from its WAL metrics ({@link WalMetrics}), bytes written per second since the previous report, the
 * 99th percentile of fsync latency, and the WAL's disk use and file store size.
 */
public final class RangeServerLoads {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServerLoads.class);

    private RangeServerLoads() {
    }

    /**
     * Reads {@code store}'s range count and {@code dataDir}'s free space each time it is asked, and the WAL
     * figures from {@code registry} (where {@link WalMetrics} registered them; absent ones report 0); the byte
     * rate starts from the count at this call.
     */
    public static Supplier<RangeServerLoad> of(RangeStore store, Path dataDir, MetricRegistry registry, Clock clock) {
        return new Sampler(store, dataDir, registry, clock);
    }

    /** Free space for the load report; 0 if the file store cannot tell. */
    private static long usableBytes(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("cannot read the free space of {}: {}", directory, e.toString());
            return 0;
        }
    }

    /** Keeps the previous report's byte count and time; called by the heartbeat thread (synchronized anyway). */
    private static final class Sampler implements Supplier<RangeServerLoad> {
        private final RangeStore store;
        private final Path dataDir;
        private final MetricRegistry registry;
        private final Clock clock;
        private long lastNanos;
        private long lastBytes;

        Sampler(RangeStore store, Path dataDir, MetricRegistry registry, Clock clock) {
            this.store = store;
            this.dataDir = dataDir;
            this.registry = registry;
            this.clock = clock;
            this.lastNanos = clock.nanoTime();
            this.lastBytes = walBytes();
        }

        @Override
        public synchronized RangeServerLoad get() {
            long now = clock.nanoTime();
            long bytes = walBytes();
            long elapsedNanos = now - lastNanos;
            long perSecond = elapsedNanos <= 0 || bytes <= lastBytes ? 0
                    : Math.round((bytes - lastBytes) * 1e9 / elapsedNanos);
            if (elapsedNanos > 0) {
                lastNanos = now;
                lastBytes = bytes;
            }
            return new RangeServerLoad(store.rangeCount(), usableBytes(dataDir), perSecond, fsyncP99Ms(),
                    gauge(WalMetrics.DISK_USED), gauge(WalMetrics.DISK_TOTAL));
        }

        private long walBytes() {
            Meter m = registry.getMeters().get(WalMetrics.BYTES);
            return m == null ? 0 : m.getCount();
        }

        private double fsyncP99Ms() {
            Timer t = registry.getTimers().get(WalMetrics.FSYNC);
            double ms = t == null ? 0 : t.getSnapshot().get99thPercentile() / 1e6;
            return Double.isFinite(ms) && ms > 0 ? ms : 0;
        }

        private long gauge(String name) {
            Gauge<?> g = registry.getGauges().get(name);
            return g != null && g.getValue() instanceof Number n ? Math.max(0, n.longValue()) : 0;
        }
    }
}
