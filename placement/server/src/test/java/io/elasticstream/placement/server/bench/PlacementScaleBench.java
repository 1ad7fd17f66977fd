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
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PD at scale on the embedded store: registers 3 brokers and 3 range servers, creates
 * {@code --partitions} partitions (one stream each) in topics of {@code --topic-partitions}, opens
 * {@code --ranged-streams} of those streams for write with one range of 3 replicas each, then lets one
 * broker's session expire and times the failover of its partitions. Prints the heap in use after a GC and
 * the store's size on disk after each phase, as markdown table rows.
 *
 * <p>Run by hand (it is not a test), e.g. from the repository root:
 * <pre>
 *   mvn -o -q -pl placement/server -am test-compile dependency:build-classpath \
 *       -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 *   java -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
 *       -cp placement/server/target/test-classes:placement/server/target/classes:$(cat placement/server/target/cp.txt) \
 *       io.elasticstream.placement.server.bench.PlacementScaleBench --partitions 100000 --ranged-streams 10000
 * </pre>
 */
public final class PlacementScaleBench {
    private static final long TTL_MS = 6_000;

    private PlacementScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path dir = Path.of(opts.getOrDefault("dir", "target/placement-scale-bench"));
        int partitions = Integer.parseInt(opts.getOrDefault("partitions", "100000"));
        int topicPartitions = Integer.parseInt(opts.getOrDefault("topic-partitions", "100"));
        int rangedStreams = Integer.parseInt(opts.getOrDefault("ranged-streams", "10000"));
        deleteRecursively(dir);

        ManualClock clock = new ManualClock(); // sessions expire only when this bench says so
        try (EmbeddedMetadataStore store = EmbeddedMetadataStore.open(dir, clock);
             PlacementDriver pd = new PlacementDriver(store,
                     new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2, TTL_MS))) {
            for (int id = 1; id <= 3; id++) {
                pd.registerBroker(new BrokerInfo(id, "127.0.0.1", 9091 + id)).join();
                pd.registerRangeServer(new RangeServerInfo(id, "127.0.0.1", 10000 + id)).join();
            }
            System.out.println("| phase | count | took ms | last op ms | heap after GC MiB | store on disk MiB |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            report("baseline", 0, 0, 0, dir);

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
            report("create partitions (= streams)", partitions, System.nanoTime() - startNs, lastNs, dir);

            startNs = System.nanoTime();
            for (int i = 0; i < rangedStreams; i++) {
                long streamId = streamIds.get(i);
                long opNs = System.nanoTime();
                long epoch = pd.openStreamForWrite(streamId).join().epoch();
                pd.createRange(streamId, epoch, 0, 0).join();
                lastNs = System.nanoTime() - opNs;
            }
            report("open for write + create range (3 replicas)", rangedStreams, System.nanoTime() - startNs, lastNs,
                    dir);

            // Broker 3 stops heartbeating; the others and the range servers keep their sessions.
            long owned = countOwnedBy(pd, 3);
            startNs = System.nanoTime();
            for (int beat = 0; beat < 4; beat++) {
                clock.advanceMillis(TTL_MS / 3);
                for (int id = 1; id <= 3; id++) {
                    if (id != 3) {
                        pd.heartbeatBroker(id, BrokerLoad.UNKNOWN).join();
                    }
                    pd.heartbeatRangeServer(id, RangeServerLoad.UNKNOWN).join();
                }
            }
            long deadline = Clock.SYSTEM.monotonicMillis() + 600_000;
            while (countOwnedBy(pd, 3) > 0) {
                if (Clock.SYSTEM.monotonicMillis() > deadline) {
                    throw new IllegalStateException("failover did not finish within 10 minutes");
                }
                Thread.sleep(100);
            }
            report("failover of a dead broker's partitions", owned, System.nanoTime() - startNs, 0, dir);
        }
    }

    private static long countOwnedBy(PlacementDriver pd, int brokerId) {
        return pd.topics().join().stream().flatMap(t -> t.partitions().stream())
                .filter(p -> p.ownerBrokerId() == brokerId).map(PartitionInfo::partition).count();
    }

    private static void report(String phase, long count, long tookNs, long lastNs, Path dir) {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        long heapBytes = runtime.totalMemory() - runtime.freeMemory();
        System.out.printf("| %s | %d | %d | %.1f | %d | %.1f |%n", phase, count, tookNs / 1_000_000,
                lastNs / 1e6, heapBytes >> 20, sizeBytes(dir) / (double) (1 << 20));
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
