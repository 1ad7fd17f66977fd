package io.elasticstream.rangestore.server.metrics;

import com.codahale.metrics.CachedGauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.rangestore.server.wal.WalObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The WAL's metrics:
 * <ul>
 *   <li>{@value #APPENDS} (meter, records made durable), {@value #BYTES} (meter, bytes written with headers)</li>
 *   <li>{@value #BATCH_RECORDS} and {@value #BATCH_BYTES} (histograms: size of each group commit)</li>
 *   <li>{@value #FSYNC} (timer: write + fdatasync of each group commit)</li>
 *   <li>{@value #SEGMENTS} (segment files), {@value #DISK_USED} (their bytes), {@value #DISK_FREE} and
 *       {@value #DISK_TOTAL} (of the file system holding the WAL) — gauges read at most once a second</li>
 * </ul>
 */
public final class WalMetrics implements WalObserver {
    public static final String APPENDS = "rangestore.wal.appends";
    public static final String BYTES = "rangestore.wal.bytes";
    public static final String BATCH_RECORDS = "rangestore.wal.batch.records";
    public static final String BATCH_BYTES = "rangestore.wal.batch.bytes";
    public static final String FSYNC = "rangestore.wal.fsync.latency";
    public static final String SEGMENTS = "rangestore.wal.segments";
    public static final String DISK_USED = "rangestore.wal.disk.used.bytes";
    public static final String DISK_FREE = "rangestore.wal.disk.free.bytes";
    public static final String DISK_TOTAL = "rangestore.wal.disk.total.bytes";

    private final Meter appends;
    private final Meter bytes;
    private final Histogram batchRecords;
    private final Histogram batchBytes;
    private final Timer fsync;

    /** Registers the WAL metrics of the log in {@code walDirectory} on {@code registry}. */
    public WalMetrics(MetricRegistry registry, Path walDirectory) {
        appends = registry.meter(APPENDS);
        bytes = registry.meter(BYTES);
        batchRecords = registry.histogram(BATCH_RECORDS);
        batchBytes = registry.histogram(BATCH_BYTES);
        fsync = registry.timer(FSYNC);
        registry.register(SEGMENTS, new CachedGauge<Long>(1, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                return segmentFiles(walDirectory).count();
            }
        });
        registry.register(DISK_USED, new CachedGauge<Long>(1, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                return segmentFiles(walDirectory).mapToLong(WalMetrics::size).sum();
            }
        });
        registry.register(DISK_FREE, new CachedGauge<Long>(1, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return Files.getFileStore(walDirectory).getUsableSpace();
                } catch (IOException e) {
                    return -1L;
                }
            }
        });
        registry.register(DISK_TOTAL, new CachedGauge<Long>(1, TimeUnit.SECONDS) {
            @Override
            protected Long loadValue() {
                try {
                    return Files.getFileStore(walDirectory).getTotalSpace();
                } catch (IOException e) {
                    return -1L;
                }
            }
        });
    }

    @Override
    public void onGroupCommit(int records, long bytesWritten, long syncNs) {
        appends.mark(records);
        bytes.mark(bytesWritten);
        batchRecords.update(records);
        batchBytes.update(bytesWritten);
        fsync.update(syncNs, TimeUnit.NANOSECONDS);
    }

    /** Segment files ({@code *.wal}); an empty stream if the directory cannot be listed. */
    private static Stream<Path> segmentFiles(Path directory) {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal")).toList().stream();
        } catch (IOException | UncheckedIOException e) {
            return Stream.empty();
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
