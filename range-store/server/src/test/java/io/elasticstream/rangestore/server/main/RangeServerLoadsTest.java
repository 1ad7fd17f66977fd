package io.elasticstream.rangestore.server.main;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.rangestore.server.metrics.WalMetrics;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalEngine;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RangeServerLoadsTest {
    @TempDir
    Path dir;

    @Test
    void loadReportsWalBytesPerSecondSinceThePreviousReportFsyncP99AndDiskUse() {
        MetricRegistry registry = new MetricRegistry();
        ManualClock clock = new ManualClock();
        Path walDir = dir.resolve("wal");
        try (Wal wal = Wals.open(walDir, WalConfig.defaults(), WalEngine.AUTO, new WalMetrics(registry, walDir))) {
            RangeStore store = RangeStore.open(wal);
            Supplier<RangeServerLoad> loads = RangeServerLoads.of(store, dir, registry, clock);
            store.createRange(1, 0, 0, 1).join();
            for (int i = 0; i < 10; i++) {
                store.append(1, 0, 1, i, 1, 0, ByteBuffer.wrap(new byte[1000])).join();
            }
            long written = registry.meter(WalMetrics.BYTES).getCount();
            assertTrue(written >= 10_000, "WAL bytes " + written);
            clock.advanceMillis(2000);
            RangeServerLoad load = loads.get();
            assertEquals(1, load.rangesHeld());
            assertEquals(Math.round(written / 2.0), load.bytesInPerSecond());
            assertTrue(load.walFsyncP99Ms() > 0, "fsync p99 " + load.walFsyncP99Ms());
            assertTrue(load.diskUsedBytes() > 0 && load.diskTotalBytes() >= load.diskUsedBytes(), load.toString());
            assertTrue(load.diskFreeBytes() > 0 && load.diskFreeBytes() <= load.diskTotalBytes(), load.toString());

            clock.advanceMillis(2000);
            assertEquals(0, loads.get().bytesInPerSecond(), "nothing written since the previous report");
        }
    }
}
