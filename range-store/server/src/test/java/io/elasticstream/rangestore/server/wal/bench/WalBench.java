package io.elasticstream.rangestore.server.wal.bench;

import io.elasticstream.rangestore.server.wal.FileChannelWal;
import io.elasticstream.rangestore.server.wal.IoUringWal;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalEngine;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * WAL append benchmark with fsync-before-ack (every append waits until its group commit is durable).
 *
 * <p>Two kinds of runs, for each engine and record size:
 * <ul>
 *   <li>closed loop: N appender threads, each with one append outstanding (the next starts when the
 *       previous is durable) — throughput and latency at saturation;</li>
 *   <li>open loop at a fixed rate (default 200 MB/s): appends issued on schedule whatever the
 *       completions do; latency measured from the scheduled time, so queueing counts.</li>
 * </ul>
 * Prints a markdown table. Arguments (all optional): {@code --dir DIR --seconds S --appenders 1,8,64
 * --sizes 1024,65536 --engines io_uring,file_channel --rate-mbps 200 --segment-mib 64 --settle --retain-mib 0}.
 * Segment files are preallocated in the background while the run writes, as in production: new ones
 * zero-filled (a growing log), released ones reused as they are. With {@code --retain-mib R > 0} the run
 * is a log in steady state, as a range server's with checkpoints: a background thread keeps releasing the
 * segments more than R MiB behind the end, and the warm-up first fills and releases a few segments, so
 * every new segment is a reused file.
 */
public final class WalBench {
    private static final int MAX_SAMPLES_PER_THREAD = 2_000_000;

    private record Result(String engine, String mode, int sizeBytes, int appenders, long appends, double seconds,
                          long syncs, long failed, long[] latenciesNs) {
        double megabytesPerSecond() {
            return appends * (double) sizeBytes / seconds / 1e6;
        }

        double percentileMs(double p) {
            if (latenciesNs.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(latenciesNs.length - 1, Math.ceil(p * latenciesNs.length) - 1);
            return latenciesNs[Math.max(0, index)] / 1e6;
        }
    }

    private WalBench() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(arg(args, "--dir", "target/wal-bench"));
        double seconds = Double.parseDouble(arg(args, "--seconds", "4"));
        int[] appenders = ints(arg(args, "--appenders", "1,8,64"));
        int[] sizes = ints(arg(args, "--sizes", "1024,65536"));
        double rateMbps = Double.parseDouble(arg(args, "--rate-mbps", "200"));
        segmentSizeBytes = Long.parseLong(arg(args, "--segment-mib", "64")) << 20;
        settle = Arrays.asList(args).contains("--settle");
        retainBytes = Long.parseLong(arg(args, "--retain-mib", "0")) << 20;
        List<WalEngine> engines = Arrays.stream(arg(args, "--engines", "io_uring,file_channel").split(","))
                .map(WalEngine::parse).toList();

        List<Result> results = new ArrayList<>();
        for (int size : sizes) {
            for (WalEngine engine : engines) {
                for (int n : appenders) {
                    results.add(closedLoop(dir, engine, size, n, seconds));
                    System.err.println(row(results.getLast()));
                }
                if (rateMbps > 0) {
                    results.add(openLoop(dir, engine, size, rateMbps, seconds));
                    System.err.println(row(results.getLast()));
                }
            }
        }
        System.out.println("| engine | mode | record | appenders | MB/s | appends/s | appends/sync | p50 ms | p99 ms | p99.9 ms | rejected |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Result result : results) {
            System.out.println(row(result));
        }
    }

    private static String row(Result r) {
        return String.format(Locale.ROOT, "| %s | %s | %s | %d | %.0f | %.0f | %.1f | %.3f | %.3f | %.3f | %d |",
                r.engine(), r.mode(), r.sizeBytes() >= 1024 ? (r.sizeBytes() / 1024) + " KiB" : r.sizeBytes() + " B",
                r.appenders(), r.megabytesPerSecond(), r.appends() / r.seconds(),
                r.syncs() == 0 ? 0.0 : (double) r.appends() / r.syncs(),
                r.percentileMs(0.50), r.percentileMs(0.99), r.percentileMs(0.999), r.failed());
    }

    private static long segmentSizeBytes = WalConfig.DEFAULT_SEGMENT_SIZE_BYTES;
    private static long retainBytes;

    private static Wal open(Path dir, WalEngine engine) {
        WalConfig config = WalConfig.defaults().withSegmentSizeBytes(segmentSizeBytes);
        return engine == WalEngine.IO_URING ? IoUringWal.open(dir, config) : FileChannelWal.open(dir, config);
    }

    private static Result closedLoop(Path root, WalEngine engine, int sizeBytes, int appenders, double seconds)
            throws Exception {
        Path dir = freshDirectory(root);
        try (Wal wal = open(dir, engine); Releaser _ = Releaser.start(wal)) {
            warmUp(wal, sizeBytes);
            settle(dir);
            ByteBuffer payload = payload(sizeBytes);
            long syncsBefore = wal.syncCount();
            long appendsBefore = wal.appendCount();
            CountDownLatch start = new CountDownLatch(1);
            ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>();
            long durationNs = (long) (seconds * 1e9);
            List<Thread> threads = new ArrayList<>();
            AtomicLong failures = new AtomicLong();
            for (int t = 0; t < appenders; t++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    long[] latencies = new long[MAX_SAMPLES_PER_THREAD];
                    int count = 0;
                    awaitQuietly(start);
                    long endNs = System.nanoTime() + durationNs;
                    long now;
                    while ((now = System.nanoTime()) < endNs && count < latencies.length) {
                        try {
                            wal.append(payload.duplicate()).join();
                        } catch (RuntimeException e) {
                            failures.incrementAndGet();
                            continue;
                        }
                        latencies[count++] = System.nanoTime() - now;
                    }
                    samples.add(Arrays.copyOf(latencies, count));
                }));
            }
            long startNs = System.nanoTime();
            start.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
            double elapsed = (System.nanoTime() - startNs) / 1e9;
            long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return new Result(label(engine), "closed loop", sizeBytes, appenders, wal.appendCount() - appendsBefore,
                    elapsed, wal.syncCount() - syncsBefore, failures.get(), all);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static Result openLoop(Path root, WalEngine engine, int sizeBytes, double rateMbps, double seconds)
            throws Exception {
        Path dir = freshDirectory(root);
        try (Wal wal = open(dir, engine); Releaser _ = Releaser.start(wal)) {
            warmUp(wal, sizeBytes);
            settle(dir);
            ByteBuffer payload = payload(sizeBytes);
            long syncsBefore = wal.syncCount();
            long appendsBefore = wal.appendCount();
            double appendsPerNs = rateMbps * 1e6 / sizeBytes / 1e9;
            long total = (long) (appendsPerNs * seconds * 1e9);
            long[] latencies = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            long startNs = System.nanoTime();
            for (int i = 0; i < latencies.length; i++) {
                long scheduledNs = startNs + (long) (i / appendsPerNs);
                long waitNs;
                while ((waitNs = scheduledNs - System.nanoTime()) > 0) {
                    if (waitNs > 50_000) {
                        LockSupport.parkNanos(waitNs - 20_000);
                    } else {
                        Thread.onSpinWait();
                    }
                }
                int index = i;
                futures.add(wal.append(payload.duplicate()).whenComplete((position, error) ->
                        latencies[index] = error == null ? System.nanoTime() - scheduledNs : Long.MAX_VALUE));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).handle((v, e) -> null)
                    .get(60, TimeUnit.SECONDS);
            double elapsed = (System.nanoTime() - startNs) / 1e9;
            // Rejected appends (queue full: the log cannot keep up) are counted, not timed.
            long[] sorted = Arrays.stream(latencies).filter(l -> l != Long.MAX_VALUE).sorted().toArray();
            return new Result(label(engine), String.format(Locale.ROOT, "open loop %.0f MB/s", rateMbps), sizeBytes, 1,
                    wal.appendCount() - appendsBefore, elapsed, wal.syncCount() - syncsBefore,
                    latencies.length - sorted.length, sorted);
        } finally {
            deleteRecursively(dir);
        }
    }

    private static boolean settle;

    /**
     * With {@code --settle}: waits until the background preparation of the next segment has written the
     * whole file, so that a run shorter than one segment measures the log without that traffic.
     */
    private static void settle(Path dir) throws Exception {
        if (!settle) {
            return;
        }
        Path prepared = dir.resolve("next-segment.prealloc");
        long fileBytes = (segmentSizeBytes + 4095) / 4096 * 4096;
        long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!(Files.exists(prepared) && Files.size(prepared) == fileBytes) && System.nanoTime() < deadlineNs) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500)); // its final fsync
    }

    /**
     * With {@code --retain-mib}: releases, every 20 ms, the segments more than that far behind the end,
     * as a range server does after its checkpoints, so that new segments are reused files.
     */
    private static final class Releaser implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;

        private Releaser(Wal wal) {
            thread = Thread.ofPlatform().daemon(true).name("wal-bench-releaser").start(() -> {
                while (!stop) {
                    wal.releaseBefore(Math.max(0, wal.endPosition() - retainBytes));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
            });
        }

        static Releaser start(Wal wal) {
            return retainBytes > 0 ? new Releaser(wal) : null;
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void warmUp(Wal wal, int sizeBytes) {
        ByteBuffer payload = payload(sizeBytes);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        // In steady state, fill and release a few segments first so that the run writes into reused files.
        long minEnd = retainBytes > 0 ? retainBytes + 3 * segmentSizeBytes : 0;
        for (int i = 0; i < 200 || wal.endPosition() < minEnd; i++) {
            futures.add(wal.append(payload.duplicate()));
            if (futures.size() >= 16) {
                futures.forEach(CompletableFuture::join);
                futures.clear();
            }
        }
        futures.forEach(CompletableFuture::join);
    }

    private static String label(WalEngine engine) {
        return engine == WalEngine.IO_URING ? "io_uring" : "FileChannel";
    }

    private static ByteBuffer payload(int sizeBytes) {
        byte[] bytes = new byte[sizeBytes];
        new java.util.Random(42).nextBytes(bytes);
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    private static Path freshDirectory(Path root) throws IOException {
        Path dir = root.resolve("run-" + System.nanoTime());
        Files.createDirectories(dir);
        return dir;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }
}
