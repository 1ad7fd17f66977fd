package io.elasticstream.placement.server.bench;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.EtcdProcess;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.placement.server.RangeCopier;
import io.elasticstream.placement.server.metrics.PlacementMetrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Range history on a real etcd: {@code --streams} streams each rolled {@code --rolls} times (a range
 * created and sealed with data, as every replica failure, owner change or restart does), then a new PD
 * leader whose repair rounds verify every sealed range (a copier whose checks all answer "whole") and
 * compact the settled records. Prints, before and after: the range records (keys) and their bytes, etcd's
 * database size (history included), and the time to describe a stream, open it for write and create
 * its next range (averaged over 50 streams, with no repair round running), as markdown rows.
 *
 * <pre>
 * mvn -pl placement/server -am test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx1g -cp placement/server/target/test-classes:placement/server/target/classes:$(cat placement/server/target/cp.txt) \
 *     io.elasticstream.placement.server.bench.RangeHistoryBench --streams 200 --rolls 100
 * </pre>
 */
public final class RangeHistoryBench {
    private static final String PREFIX = PlacementConfig.DEFAULT_CLUSTER_PREFIX;
    private static final int SAMPLE = 50;

    private RangeHistoryBench() {
    }

    /** Checks say every replica is whole; copies are never needed. */
    private static final RangeCopier ALL_WHOLE = new RangeCopier() {
        @Override
        public CompletableFuture<Long> copy(RangeServerInfo target, RangeInfo range, List<RangeServerInfo> sources) {
            return CompletableFuture.completedFuture(range.endOffset());
        }

        @Override
        public CompletableFuture<Boolean> holdsWhole(RangeServerInfo server, RangeInfo range) {
            return CompletableFuture.completedFuture(true);
        }
    };

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = BenchArgs.parse(args);
        int streams = Integer.parseInt(opts.getOrDefault("streams", "200"));
        int rolls = Integer.parseInt(opts.getOrDefault("rolls", "100"));
        Path dir = Files.createTempDirectory("range-history-bench");
        // Sessions outlive the bench: nobody heartbeats.
        PlacementConfig config = new PlacementConfig(PREFIX, 3, 2, TimeUnit.MINUTES.toMillis(30));
        try (EtcdProcess etcd = EtcdProcess.start(dir);
             EtcdMetadataStore store = EtcdMetadataStore.connect(List.of(etcd.clientUri()),
                     EtcdMetadataStore.Config.DEFAULT)) {
            List<Long> streamIds = new ArrayList<>();
            long writeNs;
            // A leader whose repair rounds do not start during the bench: history piles up uncompacted.
            try (PlacementDriver pd = new PlacementDriver(store, config.withRangeRepairIntervalMs(
                    TimeUnit.HOURS.toMillis(1)), List.of(), PlacementMetrics.unregistered(), ALL_WHOLE)) {
                pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
                for (int id = 1; id <= 3; id++) {
                    pd.registerRangeServer(new RangeServerInfo(id, "127.0.0.1", 10000 + id)).join();
                }
                pd.createTopic(new NewTopic("history", streams, Map.of())).join().partitions()
                        .forEach(p -> streamIds.add(p.streamId()));
                long startNs = System.nanoTime();
                for (long streamId : streamIds) {
                    long epoch = pd.openStreamForWrite(streamId).join().epoch();
                    for (int i = 0; i < rolls; i++) {
                        pd.createRange(streamId, epoch, i, 10L * i).join();
                        pd.sealRange(streamId, epoch, i, 10L * (i + 1)).join();
                    }
                }
                writeNs = System.nanoTime() - startNs;
                System.out.println("| state | range records | their bytes | etcd db MiB | describeStream ms | "
                        + "open for write + create range ms |");
                System.out.println("|---|---:|---:|---:|---:|---:|");
                report(streams + " streams x " + rolls + " sealed ranges (written in " + writeNs / 1_000_000
                        + " ms)", store, etcd, pd, streamIds);
            }
            PlacementMetrics metrics = PlacementMetrics.unregistered();
            long upkeepNs;
            try (PlacementDriver upkeep = new PlacementDriver(store, config.withRangeRepairIntervalMs(100), List.of(),
                    metrics, ALL_WHOLE)) {
                upkeep.config(); // its repair rounds run on their own thread
                long startNs = System.nanoTime();
                int expected = streams * (1 + (rolls + 255) / 256); // runs of 256 + each stream's last record
                long lastChangeNs = System.nanoTime();
                long lastProgress = -1;
                while (rangeRecords(store).size() > expected
                        && System.nanoTime() - lastChangeNs < TimeUnit.SECONDS.toNanos(10)) {
                    long progress = metrics.rangesVerified() + metrics.rangesCompacted();
                    if (progress != lastProgress) {
                        lastProgress = progress;
                        lastChangeNs = System.nanoTime();
                    }
                    Thread.sleep(100);
                }
                upkeepNs = System.nanoTime() - startNs;
            }
            // Measured by a leader whose repair rounds are idle, as before.
            try (PlacementDriver pd = new PlacementDriver(store, config.withRangeRepairIntervalMs(
                    TimeUnit.HOURS.toMillis(1)), List.of(), PlacementMetrics.unregistered(), ALL_WHOLE)) {
                report("after a leader's repair rounds verified " + metrics.rangesVerified() + " ranges and merged "
                        + metrics.rangesCompacted() + " records away (" + upkeepNs / 1_000_000 + " ms)", store, etcd,
                        pd, streamIds);
            }
        }
    }

    private static List<KeyValue> rangeRecords(MetadataStore store) {
        return store.getPrefix(PREFIX + "ranges/").join().kvs();
    }

    private static void report(String state, MetadataStore store, EtcdProcess etcd, PlacementDriver pd,
                               List<Long> streamIds) throws Exception {
        List<KeyValue> kvs = rangeRecords(store);
        long bytes = kvs.stream().mapToLong(kv -> kv.key().length() + kv.value().length).sum();
        long describeNs = 0;
        long rollNs = 0;
        for (int i = 0; i < SAMPLE; i++) {
            long streamId = streamIds.get(i * streamIds.size() / SAMPLE);
            long startNs = System.nanoTime();
            int ranges = pd.describeStream(streamId).join().ranges().size();
            describeNs += System.nanoTime() - startNs;
            startNs = System.nanoTime();
            long epoch = pd.openStreamForWrite(streamId).join().epoch();
            RangeInfo last = pd.describeStream(streamId).join().ranges().getLast();
            if (!last.isSealed()) {
                pd.sealRange(streamId, epoch, last.index(), last.startOffset()).join();
            }
            pd.createRange(streamId, epoch, ranges, last.isSealed() ? last.endOffset() : last.startOffset()).join();
            rollNs += System.nanoTime() - startNs;
        }
        System.out.printf("| %s | %d | %d | %.1f | %.2f | %.2f |%n", state, kvs.size(), bytes,
                EtcdDbSize.bytes(etcd.clientUri()) / (double) (1 << 20), describeNs / 1e6 / SAMPLE,
                rollNs / 1e6 / SAMPLE);
        System.out.flush();
    }
}
