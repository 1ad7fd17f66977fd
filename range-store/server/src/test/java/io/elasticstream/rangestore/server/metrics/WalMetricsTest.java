package io.elasticstream.rangestore.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import io.elasticstream.rangestore.server.wal.FileChannelWal;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalMetricsTest {
    @TempDir
    Path dir;

    @Test
    void registersEveryWalMetricUnderRangestoreWal() {
        MetricRegistry registry = new MetricRegistry();
        new WalMetrics(registry, dir);
        assertEquals(Set.of("rangestore.wal.appends", "rangestore.wal.bytes", "rangestore.wal.batch.records",
                "rangestore.wal.batch.bytes", "rangestore.wal.fsync.latency", "rangestore.wal.segments",
                "rangestore.wal.disk.used.bytes", "rangestore.wal.disk.free.bytes", "rangestore.wal.disk.total.bytes"),
                registry.getNames());
    }

    @Test
    void groupCommitsOfARealWalMoveAppendsBytesBatchesAndFsyncTimer() {
        MetricRegistry registry = new MetricRegistry();
        WalMetrics metrics = new WalMetrics(registry, dir);
        WalConfig config = WalConfig.defaults().withMaxRecordSizeBytes(1024).withSegmentSizeBytes(1 << 20);
        try (Wal wal = FileChannelWal.open(dir, config, metrics)) {
            for (int i = 0; i < 3; i++) {
                wal.append(ByteBuffer.wrap(new byte[100])).join();
            }
            assertEquals(3, registry.meter(WalMetrics.APPENDS).getCount());
            assertEquals(wal.bytesWritten(), registry.meter(WalMetrics.BYTES).getCount());
            assertEquals(wal.syncCount(), registry.timer(WalMetrics.FSYNC).getCount());
            assertEquals(wal.syncCount(), registry.histogram(WalMetrics.BATCH_RECORDS).getCount());
            assertEquals(1L, gauge(registry, WalMetrics.SEGMENTS));
            assertEquals(1L << 20, gauge(registry, WalMetrics.DISK_USED));
            assertTrue(gauge(registry, WalMetrics.DISK_FREE) > 0);
            assertTrue(gauge(registry, WalMetrics.DISK_TOTAL) >= gauge(registry, WalMetrics.DISK_FREE));
        }
    }

    private static long gauge(MetricRegistry registry, String name) {
        Gauge<?> g = registry.getGauges().get(name);
        return ((Number) g.getValue()).longValue();
    }
}
