package io.elasticstream.compat;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Re-replication in a real cluster ({@link ClusterHarness}: etcd, 1 PD re-replicating every 500 ms, 5 range
 * servers with 3 replicas / 2 acks, 1 broker, every member a process from the bin/ scripts): the three
 * servers a partition's first range was written to are SIGKILLed one after the other while producing; after
 * each death but the last, PD copies every sealed range that lost a replica to a live server that did not
 * hold it, and the cluster view lists no under-replicated range. In the end every acknowledged record is
 * still consumed from the beginning, the first range's from the two copies PD made alone: without
 * re-replication every server that ever held it would be dead.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RangeRepairClusterTest {
    static final long SESSION_TTL_MS = 2_000;
    static final String TOPIC = "re-replicated";
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    static final long VIEW_TIMEOUT_SECONDS = 30;

    private static ClusterHarness cluster;
    private static final Set<String> ACKED = ConcurrentHashMap.newKeySet();

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("range-repair", ClusterHarness.Options.defaults().withRangeServerCount(5)
                .withBrokerCount(1).withMemberSessionTtlMs(SESSION_TTL_MS));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void rangeIsCopiedAheadOfEachServerDeathAndOutlivesEveryServerItWasWrittenTo() {
        Clients.createTopic(cluster.bootstrap(0), TOPIC, 1);
        produce("before-", 300);
        List<Integer> original = replicas(range(awaitView("the partition's first range",
                v -> range(v, 0) != null), 0));
        assertEquals(3, new HashSet<>(original).size(), "range 0 on three servers: " + original);

        for (int step = 0; step < original.size(); step++) {
            int victim = original.get(step);
            rangeServer(victim).process().kill();
            awaitView("range server " + victim + " dead", v -> !liveRangeServers(v).contains(victim));
            produce("after-kill-of-" + victim + "-", 300); // the writer seals its range and rolls to live servers
            if (step == original.size() - 1) {
                break; // two live servers left: nowhere to put a third replica
            }
            JsonNode repaired = awaitView("no range naming dead server " + victim + ", nothing under-replicated",
                    v -> ranges(v).stream().noneMatch(r -> replicas(r).contains(victim))
                            && v.path("underReplicatedRanges").isEmpty());
            List<Integer> now = replicas(range(repaired, 0));
            assertEquals(3, new HashSet<>(now).size(), "range 0 has three replicas again: " + now);
        }

        JsonNode last = awaitView("range servers " + original + " all dead",
                v -> original.stream().noneMatch(liveRangeServers(v)::contains));
        List<Integer> holders = replicas(range(last, 0));
        holders.retainAll(liveRangeServers(last));
        assertEquals(2, holders.size(), "range 0 lives on the two copies PD made: " + range(last, 0));
        assertEveryAckedRecordIsRead();
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static ClusterHarness.Member rangeServer(int id) {
        return cluster.rangeServers().get(id - 1); // started with ids 1..n in order
    }

    private static void produce(String prefix, int records) {
        List<Exception> errors = new CopyOnWriteArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrap(0), Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000))) {
            for (int i = 0; i < records; i++) {
                String value = prefix + i;
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(TOPIC, bytes, bytes), (metadata, error) -> {
                    if (error != null) {
                        errors.add(error);
                    } else {
                        ACKED.add(value);
                    }
                });
            }
            producer.flush();
        }
        assertTrue(errors.isEmpty(), errors.size() + " produce errors for " + prefix + "*, e.g. "
                + errors.stream().limit(3).toList());
    }

    private static void assertEveryAckedRecordIsRead() {
        Set<String> read = new HashSet<>();
        TopicReader.forEachRecord(cluster.bootstrap(0), TOPIC, 1, READ_TIMEOUT,
                r -> read.add(new String(r.value(), StandardCharsets.UTF_8)));
        Set<String> missing = new TreeSet<>(ACKED);
        missing.removeAll(read);
        assertEquals(1_200, ACKED.size());
        assertTrue(missing.isEmpty(), missing.size() + " of " + ACKED.size() + " acknowledged records not read, e.g. "
                + missing.stream().limit(10).toList());
    }

    private static JsonNode awaitView(String what, Predicate<JsonNode> condition) {
        return ClusterViews.await(cluster, what, VIEW_TIMEOUT_SECONDS, condition);
    }

    private static Set<Integer> liveRangeServers(JsonNode view) {
        return ClusterViews.liveIds(view.path("rangeServers"));
    }

    /** The ranges of the topic's one stream; empty until it has any. */
    private static List<JsonNode> ranges(JsonNode view) {
        long streamId = -1;
        for (JsonNode topic : view.path("topics")) {
            if (topic.path("name").asText().equals(TOPIC)) {
                streamId = topic.path("partitions").path(0).path("streamId").asLong(-1);
            }
        }
        List<JsonNode> ranges = new ArrayList<>();
        for (JsonNode stream : view.path("streams")) {
            if (stream.path("streamId").asLong() == streamId) {
                stream.path("ranges").forEach(ranges::add);
            }
        }
        return ranges;
    }

    private static JsonNode range(JsonNode view, int index) {
        return ranges(view).stream().filter(r -> r.path("index").asInt() == index).findFirst().orElse(null);
    }

    private static List<Integer> replicas(JsonNode range) {
        List<Integer> ids = new ArrayList<>();
        range.path("replicas").forEach(id -> ids.add(id.asInt()));
        return ids;
    }
}
