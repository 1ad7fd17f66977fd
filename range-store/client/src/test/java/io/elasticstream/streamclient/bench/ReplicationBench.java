package io.elasticstream.streamclient.bench;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.rangestore.server.net.RangeServer;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.internal.DefaultStreamClient;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Replicated append throughput and latency: {@code --servers} range servers in this process (each its
 * own WAL, real loopback TCP), streams with {@code --replicas}/{@code --acks}, {@code --streams} streams
 * each with {@code --inflight} appends of {@code --batch-bytes} outstanding, for {@code --seconds}.
 * Latency is append call to confirmation (ackCount durable copies). Prints one markdown table row.
 */
public final class ReplicationBench {
    private ReplicationBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path dir = Path.of(opts.getOrDefault("dir", "target/replication-bench"));
        int servers = Integer.parseInt(opts.getOrDefault("servers", "3"));
        int replicas = Integer.parseInt(opts.getOrDefault("replicas", "3"));
        int acks = Integer.parseInt(opts.getOrDefault("acks", "2"));
        int streams = Integer.parseInt(opts.getOrDefault("streams", "8"));
        int inflight = Integer.parseInt(opts.getOrDefault("inflight", "8"));
        int batchBytes = Integer.parseInt(opts.getOrDefault("batch-bytes", "16384"));
        int seconds = Integer.parseInt(opts.getOrDefault("seconds", "10"));
        deleteRecursively(dir);
        Files.createDirectories(dir);

        List<AutoCloseable> closeables = new ArrayList<>();
        EmbeddedMetadataStore metadata = EmbeddedMetadataStore.open(dir.resolve("metadata"),
                new ManualClock()); // member sessions never expire: registered once, live throughout
        closeables.add(metadata);
        PlacementDriver pd = new PlacementDriver(metadata, new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX,
                replicas, acks));
        closeables.add(pd);
        for (int i = 1; i <= servers; i++) {
            Wal wal = Wals.open(dir.resolve("wal-" + i), WalConfig.defaults());
            closeables.add(wal);
            RangeServer server = RangeServer.start(RangeStore.open(wal), "127.0.0.1", 0, 1, 1);
            closeables.add(server);
            pd.registerRangeServer(new RangeServerInfo(i, "127.0.0.1", server.localAddress().getPort())).join();
        }
        pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
        DefaultStreamClient client = DefaultStreamClient.create(pd, 1, 30_000, StreamClientConfig.defaults());
        closeables.add(client);
        List<Stream> opened = new ArrayList<>();
        for (PartitionInfo p : pd.createTopic(new NewTopic("bench", streams, Map.of())).join().partitions()) {
            opened.add(client.openForWrite(p.streamId()).join());
        }

        byte[] payload = new byte[batchBytes];
        Arrays.fill(payload, (byte) 'x');
        int maxSamples = 2_000_000;
        AtomicLongArray latenciesNs = new AtomicLongArray(maxSamples);
        AtomicLong samples = new AtomicLong();
        AtomicLong bytes = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        long endNs = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> drivers = new ArrayList<>();
        for (Stream s : opened) {
            Thread t = Thread.ofPlatform().name("driver-" + s.streamId()).start(() -> {
                Semaphore window = new Semaphore(inflight);
                while (System.nanoTime() < endNs) {
                    window.acquireUninterruptibly();
                    long start = System.nanoTime();
                    s.append(16, 0, Unpooled.wrappedBuffer(payload), (d, b) -> { }).whenComplete((r, err) -> {
                        window.release();
                        if (err != null) {
                            errors.incrementAndGet();
                            return;
                        }
                        long i = samples.getAndIncrement();
                        if (i < maxSamples) {
                            latenciesNs.set((int) i, System.nanoTime() - start);
                        }
                        bytes.addAndGet(batchBytes);
                    });
                }
                window.acquireUninterruptibly(inflight);
            });
            drivers.add(t);
        }
        for (Thread t : drivers) {
            t.join();
        }
        int n = (int) Math.min(samples.get(), maxSamples);
        long[] sorted = new long[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = latenciesNs.get(i);
        }
        Arrays.sort(sorted);
        System.out.println("| servers | replicas/acks | streams | in flight per stream | batch | MB/s | batches/s | p50 ms | p99 ms | p99.9 ms | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf("| %d | %d/%d | %d | %d | %d KiB | %.0f | %.0f | %.3f | %.3f | %.3f | %d |%n", servers, replicas, acks,
                streams, inflight, batchBytes / 1024, bytes.get() / 1e6 / seconds, (double) n / seconds,
                pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), errors.get());
        opened.forEach(Stream::close);
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        deleteRecursively(dir);
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option value pairs, got " + args[i]);
            }
            out.put(args[i].substring(2), args[i + 1]);
        }
        return out;
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
