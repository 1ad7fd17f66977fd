package io.elasticstream.placement.server.bench;

import io.elasticstream.common.Clock;
import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.EtcdProcess;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.placement.server.cluster.PlacementNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PD at scale: registers 3 brokers and 3 range servers, creates {@code --partitions} partitions (one
 * stream each) in topics of {@code --topic-partitions}, opens {@code --ranged-streams} of those streams for
 * write with one range of 3 replicas each, then lets one broker's session expire and times the failover of
 * its partitions. Prints the heap in use after a GC and the store's size after each phase, as markdown
 * table rows.
 *
 * <p>{@code --store embedded} (default): the embedded store in {@code --dir}, with a manual clock (the
 * broker's session expires when the bench says). {@code --store etcd}: a real etcd started in
 * {@code --dir} (Debian's etcd-server), two PD nodes elected through it, real time; the store size is
 * etcd's database size (from its /metrics); a last phase has the leader resign and times the other
 * node's takeover at full size: until it leads, until its first write (a heartbeat) and its first full
 * listing of the topics. (A crashed leader's lease must expire first: add its TTL.)
 *
 * <p>Run by hand (it is not a test), e.g. from the repository root:
 * <pre>
 *   mvn -o -q -pl placement/server -am test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *       -cp placement/server/target/test-classes:placement/server/target/classes:$(cat placement/server/target/cp.txt) \
 *       io.elasticstream.placement.server.bench.PlacementScaleBench --partitions 100000 --ranged-streams 10000 \
 *       [--store etcd]
 * </pre>
 */
public final class PlacementScaleBench {
    private static final long TTL_MS = 6_000;
    private static final long PD_LEASE_TTL_MS = 2_000;

    private PlacementScaleBench() {
    }

    /** Where the bench's metadata lives and how member sessions are made to expire. */
    private interface Backend extends AutoCloseable {
        PlacementService leader();

        /** Keeps brokers and range servers other than {@code deadBroker} alive until broker {@code deadBroker}'s session ended. */
        void expireBroker(int deadBroker, PlacementService pd) throws Exception;

        long storeBytes() throws Exception;

        /** The leader resigns and another PD takes over, and the phases are printed (where PDs are elected). */
        void takeOver(int servers) throws Exception;

        @Override
        void close();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(args);
        Path dir = Path.of(opts.getOrDefault("dir", "target/placement-scale-bench"));
        int partitions = Integer.parseInt(opts.getOrDefault("partitions", "100000"));
        int topicPartitions = Integer.parseInt(opts.getOrDefault("topic-partitions", "100"));
        int rangedStreams = Integer.parseInt(opts.getOrDefault("ranged-streams", "10000"));
        deleteRecursively(dir);
        Files.createDirectories(dir);
        PlacementConfig config = new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2, TTL_MS);

        try (Backend backend = "etcd".equals(opts.get("store")) ? EtcdBackend.start(dir, config)
                : EmbeddedBackend.open(dir, config)) {
            PlacementService pd = backend.leader();
            for (int id = 1; id <= 3; id++) {
                pd.registerBroker(new BrokerInfo(id, "127.0.0.1", 9091 + id)).join();
                pd.registerRangeServer(new RangeServerInfo(id, "127.0.0.1", 10000 + id)).join();
            }
            System.out.println("| phase | count | took ms | last op ms | heap after GC MiB | store MiB |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            report("baseline", 0, 0, 0, backend);

            List<Long> streamIds = new ArrayList<>(partitions);
            long startNs = System.nanoTime();
            long lastNs = 0;
            for (int created = 0, topic = 0; created < partitions; topic++) {
                int count = Math.min(topicPartitions, partitions - created);
                long opNs = System.nanoTime();
                TopicInfo info = pd.createTopic(new NewTopic("topic-" + topic, count, Map.of())).join();
                lastNs = System.nanoTime() - opNs;
                info.partitions().forEach(p -> streamIds.add(p.streamId()));
                created += count;
            }
            report("create partitions (= streams)", partitions, System.nanoTime() - startNs, lastNs, backend);

            startNs = System.nanoTime();
            for (int i = 0; i < rangedStreams; i++) {
                long streamId = streamIds.get(i);
                long opNs = System.nanoTime();
                long epoch = pd.openStreamForWrite(streamId).join().epoch();
                pd.createRange(streamId, epoch, 0, 0).join();
                lastNs = System.nanoTime() - opNs;
            }
            report("open for write + create range (3 replicas)", rangedStreams, System.nanoTime() - startNs, lastNs,
                    backend);

            // Broker 3 stops heartbeating; the others and the range servers keep their sessions.
            long owned = countOwnedBy(pd, 3);
            startNs = System.nanoTime();
            backend.expireBroker(3, pd);
            report("failover of a dead broker's partitions", owned, System.nanoTime() - startNs, 0, backend);

            backend.takeOver(3);
        }
    }

    /** The embedded store with a manual clock: sessions expire only when the bench advances it. */
    private record EmbeddedBackend(Path dir, ManualClock clock, EmbeddedMetadataStore store, PlacementDriver pd)
            implements Backend {
        static EmbeddedBackend open(Path dir, PlacementConfig config) {
            ManualClock clock = new ManualClock();
            EmbeddedMetadataStore store = EmbeddedMetadataStore.open(dir, clock);
            return new EmbeddedBackend(dir, clock, store, new PlacementDriver(store, config));
        }

        @Override
        public PlacementService leader() {
            return pd;
        }

        @Override
        public void expireBroker(int deadBroker, PlacementService pd) throws Exception {
            for (int beat = 0; beat < 4; beat++) {
                clock.advanceMillis(TTL_MS / 3);
                beatAllBut(deadBroker, pd);
            }
            awaitNotOwnedBy(deadBroker, pd, () -> { });
        }

        @Override
        public long storeBytes() {
            return sizeBytes(dir);
        }

        @Override
        public void takeOver(int servers) {
            // one driver, no election: nothing to take over
        }

        @Override
        public void close() {
            pd.close();
            store.close();
        }
    }

    /**
     * A real etcd and two PD nodes elected through it, on real time: a daemon heartbeats every member
     * (but a broker declared dead) once a second through whichever node leads.
     */
    private static final class EtcdBackend implements Backend {
        private final EtcdProcess etcd;
        private final EtcdMetadataStore store;
        private final PlacementNode first;
        private final PlacementNode second;
        private final Thread heartbeats;
        private volatile int deadBroker = -1;
        private volatile boolean closed;

        private EtcdBackend(EtcdProcess etcd, EtcdMetadataStore store, PlacementNode first, PlacementNode second) {
            this.etcd = etcd;
            this.store = store;
            this.first = first;
            this.second = second;
            this.heartbeats = Thread.ofPlatform().daemon(true).name("bench-heartbeats").start(this::beatForever);
        }

        static EtcdBackend start(Path dir, PlacementConfig config) throws Exception {
            Files.createDirectories(dir.resolve("etcd"));
            EtcdProcess etcd = EtcdProcess.start(dir.resolve("etcd"));
            EtcdMetadataStore store = EtcdMetadataStore.connect(List.of(etcd.clientUri()),
                    EtcdMetadataStore.Config.DEFAULT.withKeyPrefix("/bench/"));
            PlacementNode first = PlacementNode.start(store, config, "pd-1", "127.0.0.1", 0, PD_LEASE_TTL_MS,
                    Clock.SYSTEM);
            awaitTrue(first::isLeader, 30_000, "pd-1 to lead");
            PlacementNode second = PlacementNode.start(store, config, "pd-2", "127.0.0.1", 0, PD_LEASE_TTL_MS,
                    Clock.SYSTEM);
            return new EtcdBackend(etcd, store, first, second);
        }

        private void beatForever() {
            while (!closed) {
                try {
                    Thread.sleep(1_000);
                    java.util.Optional<PlacementService> pd = first.leaderService().or(second::leaderService);
                    if (pd.isPresent()) {
                        beatAllBut(deadBroker, pd.get());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    System.err.println("heartbeat failed (retrying): " + e);
                }
            }
        }

        @Override
        public PlacementService leader() {
            return first.leaderService().orElseThrow();
        }

        @Override
        public void expireBroker(int broker, PlacementService pd) throws Exception {
            deadBroker = broker;
            awaitNotOwnedBy(broker, pd, () -> { });
        }

        @Override
        public long storeBytes() throws Exception {
            return EtcdDbSize.bytes(etcd.clientUri());
        }

        @Override
        public void takeOver(int servers) throws Exception {
            long startNs = System.nanoTime();
            first.close(); // resigns: the other node is elected at once
            awaitTrue(second::isLeader, 60_000, "pd-2 to take over");
            long leadNs = System.nanoTime() - startNs;
            PlacementService pd = second.leaderService().orElseThrow();
            for (int id = 1; id <= servers; id++) {
                pd.heartbeatRangeServer(id, RangeServerLoad.UNKNOWN).join();
            }
            long firstWriteNs = System.nanoTime() - startNs;
            long listNs = System.nanoTime();
            int partitions = pd.topics().join().stream().mapToInt(t -> t.partitions().size()).sum();
            long listedNs = System.nanoTime() - listNs;
            report("PD takeover after the leader resigned: leading", 1, leadNs, 0, this);
            report("PD takeover: first writes (range-server heartbeats)", servers, firstWriteNs, 0, this);
            report("PD takeover: first full topic listing", partitions, System.nanoTime() - startNs, listedNs, this);
        }

        @Override
        public void close() {
            closed = true;
            heartbeats.interrupt();
            try {
                heartbeats.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            second.close();
            first.close();
            store.close();
            etcd.close();
        }
    }

    private static void beatAllBut(int deadBroker, PlacementService pd) {
        for (int id = 1; id <= 3; id++) {
            if (id != deadBroker) {
                pd.heartbeatBroker(id, BrokerLoad.UNKNOWN).join();
            }
            pd.heartbeatRangeServer(id, RangeServerLoad.UNKNOWN).join();
        }
    }

    /** Runs {@code beat} every second until no partition is owned by {@code brokerId} (10 minutes at most). */
    private static void awaitNotOwnedBy(int brokerId, PlacementService pd, Runnable beat) throws InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + 600_000;
        long nextBeat = 0;
        while (countOwnedBy(pd, brokerId) > 0) {
            if (Clock.SYSTEM.monotonicMillis() > deadline) {
                throw new IllegalStateException("failover did not finish within 10 minutes");
            }
            if (Clock.SYSTEM.monotonicMillis() >= nextBeat) {
                beat.run();
                nextBeat = Clock.SYSTEM.monotonicMillis() + 1_000;
            }
            Thread.sleep(100);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, long timeoutMs, String what)
            throws InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (Clock.SYSTEM.monotonicMillis() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static long countOwnedBy(PlacementService pd, int brokerId) {
        return pd.topics().join().stream().flatMap(t -> t.partitions().stream())
                .filter(p -> p.ownerBrokerId() == brokerId).map(PartitionInfo::partition).count();
    }

    private static void report(String phase, long count, long tookNs, long lastNs, Backend backend) throws Exception {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long heapBytes = runtime.totalMemory() - runtime.freeMemory();
        System.out.printf("| %s | %d | %d | %.1f | %d | %.1f |%n", phase, count, tookNs / 1_000_000,
                lastNs / 1e6, heapBytes >> 20, backend.storeBytes() / (double) (1 << 20));
        System.out.flush();
    }

    private static long sizeBytes(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
