package io.elasticstream.compat;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real cluster started from the bin/ scripts ({@link ClusterHarness}: etcd, 3 PDs, 3 range servers with 3
 * replicas / 2 acks, 2 brokers): the PD's cluster view shows every member and a topic's partitions spread
 * over both brokers; records produced through the cluster are consumed back; SIGKILL of a broker moves its
 * partitions to the other within the member session TTL plus 1 s and nothing acknowledged is lost; SIGKILL of
 * a range server, and later of a second one once writers rolled, costs producers no error and loses nothing
 * acknowledged.
 *
 * <p>The steps run in order against one cluster (each builds on the previous one's state).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterModeTest {
    static final long SESSION_TTL_MS = 2_000;
    static final String TOPIC = "cluster-spread";
    static final int PARTITIONS = 6;
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private static ClusterHarness cluster;
    /** Every value a producer got an acknowledgement for, across steps. */
    private static final Set<String> ACKED = ConcurrentHashMap.newKeySet();

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-mode",
                ClusterHarness.Options.defaults().withPdCount(3).withMemberSessionTtlMs(SESSION_TTL_MS));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void clusterViewShowsLeaderRangeServersBrokersAndATopicSpreadOverBothBrokers() {
        JsonNode view = awaitView("PD leader, 3 range servers and 2 brokers", v ->
                !v.path("pd").path("leader").isNull() && v.path("rangeServers").size() == 3
                        && v.path("brokers").size() == 2);
        assertEquals("pd1", view.path("pd").path("leader").path("id").asText());
        assertEquals(Set.of(1, 2, 3), ids(view.path("rangeServers")));
        assertEquals(Set.of(1, 2), ids(view.path("brokers")));

        Clients.createTopic(cluster.bootstrap(0), TOPIC, PARTITIONS);
        JsonNode withTopic = awaitView("topic " + TOPIC + " with " + PARTITIONS + " owned partitions",
                v -> owners(v).size() == PARTITIONS);
        assertEquals(Set.of(1, 2), new TreeSet<>(owners(withTopic).values()),
                "partitions are spread over both brokers: " + owners(withTopic));
    }

    @Test
    @Order(2)
    void recordsProducedThroughTheClusterAreConsumedBackFromThreeReplicaRanges() {
        produce(cluster.bootstrapServers(), "before-", 600);
        assertEveryAckedRecordIsRead(cluster.bootstrapServers());

        assertEveryMemberServesMetrics();

        JsonNode view = awaitView("a 3-replica range on every stream of " + TOPIC,
                v -> topicStreams(v).size() == PARTITIONS);
        for (JsonNode stream : topicStreams(view)) {
            assertEquals(3, stream.path("replicaCount").asInt(), stream.toString());
            assertEquals(2, stream.path("ackCount").asInt(), stream.toString());
            assertTrue(stream.path("ranges").size() >= 1, stream.toString());
            for (JsonNode range : stream.path("ranges")) {
                assertEquals(3, new HashSet<>(intList(range.path("replicas"))).size(), range.toString());
            }
        }
    }

    @Test
    @Order(3)
    void killedBrokersPartitionsMoveToTheSurvivorWithinTheSessionTtlAndNothingAckedIsLost() {
        Map<Integer, Integer> before = owners(awaitView("partitions owned", v -> owners(v).size() == PARTITIONS));
        ClusterHarness.Member victim = cluster.brokers().get(1);
        long killedAtNs = System.nanoTime();
        victim.process().kill();
        awaitView("every partition owned by broker 1", v -> {
            Map<Integer, Integer> owners = owners(v);
            return owners.size() == PARTITIONS && owners.values().stream().allMatch(o -> o == 1);
        });
        long reassignMs = (System.nanoTime() - killedAtNs) / 1_000_000;
        long moved = before.values().stream().filter(o -> o == 2).count();
        System.out.println("ClusterModeTest: " + moved + " partitions of SIGKILLed broker 2 owned by broker 1 after "
                + reassignMs + " ms (member session TTL " + SESSION_TTL_MS + " ms)");
        assertTrue(moved > 0, "broker 2 owned partitions before the kill: " + before);
        assertTrue(reassignMs <= SESSION_TTL_MS + 1_000, "reassignment took " + reassignMs + " ms");

        produce(cluster.bootstrap(0), "after-broker-kill-", 600);
        assertEveryAckedRecordIsRead(cluster.bootstrap(0));
    }

    @Test
    @Order(4)
    void killedRangeServerWhileProducingCostsNoErrorAndNoAckedRecord() {
        // Three range servers for 3 replicas: a writer that loses one seals and rolls to a new range on the two
        // left (the ack count), under-replicated, as Kafka keeps writing with min.insync.replicas in sync.
        List<Exception> errors = new CopyOnWriteArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(cluster.bootstrap(0))) {
            for (int i = 0; i < 1_500; i++) {
                if (i == 500) {
                    producer.flush();
                    cluster.rangeServers().get(2).process().kill();
                }
                send(producer, "during-range-server-kill-" + i, errors);
            }
            producer.flush();
        }
        assertNoErrors(errors, "records produced around SIGKILL of range server 3");
        assertEveryAckedRecordIsRead(cluster.bootstrap(0));
    }

    @Test
    @Order(5)
    void aSecondRangeServerKilledAfterTheWritersRolledCostsNoErrorEither() {
        // Range server 3 is dead since the previous step and writers rolled to ranges on 1 and 2. A fourth one
        // joins, then server 2 dies while producing: writers roll again, onto the live ones.
        cluster.addRangeServer();
        awaitView("range servers 1, 2 and 4 live",
                v -> ClusterViews.liveIds(v.path("rangeServers")).equals(Set.of(1, 2, 4)));
        List<Exception> errors = new CopyOnWriteArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(cluster.bootstrap(0))) {
            for (int i = 0; i < 1_500; i++) {
                if (i == 500) {
                    producer.flush();
                    cluster.rangeServers().get(1).process().kill();
                }
                send(producer, "during-second-range-server-kill-" + i, errors);
            }
            producer.flush();
        }
        assertNoErrors(errors, "records produced around SIGKILL of range server 2");
        assertEveryAckedRecordIsRead(cluster.bootstrap(0));
        awaitView("range servers 1 and 4 live",
                v -> ClusterViews.liveIds(v.path("rangeServers")).equals(Set.of(1, 4)));
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Each cluster process serves Prometheus metrics of its own role on its metrics.url. */
    private static void assertEveryMemberServesMetrics() {
        Map<String, String> expected = Map.of("pd", "placement_requests_total", "range-server", "rangestore_wal_",
                "broker", "broker_requests");
        List<ClusterHarness.Member> members = new ArrayList<>(cluster.pds());
        members.addAll(cluster.rangeServers());
        members.addAll(cluster.brokers());
        for (ClusterHarness.Member member : members) {
            String url = member.metricsUrl().orElseThrow(() -> new AssertionError(member.name()
                    + " printed no metrics.url=; log: " + member.process().logTail(20)));
            String body = cluster.get(url).orElseThrow(() -> new AssertionError("GET " + url + " failed"));
            String role = member.name().replaceFirst("-?\\d+$", "");
            assertTrue(body.contains(expected.get(role)), member.name() + " /metrics lacks " + expected.get(role));
            assertTrue(body.contains("jvm_memory"), member.name() + " /metrics lacks JVM metrics");
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return Clients.producer(bootstrap, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 45_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000));
    }

    private static void produce(String bootstrap, String prefix, int records) {
        List<Exception> errors = new CopyOnWriteArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int i = 0; i < records; i++) {
                send(producer, prefix + i, errors);
            }
            producer.flush();
        }
        assertNoErrors(errors, prefix + "*");
    }

    private static void assertNoErrors(List<Exception> errors, String what) {
        assertTrue(errors.isEmpty(), errors.size() + " produce errors for " + what + ", e.g. "
                + errors.stream().limit(3).toList());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String value, List<Exception> errors) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(TOPIC, bytes, bytes), (metadata, error) -> {
            if (error != null) {
                errors.add(error);
            } else {
                ACKED.add(value);
            }
        });
    }

    private static void assertEveryAckedRecordIsRead(String bootstrap) {
        Set<String> read = new HashSet<>();
        TopicReader.forEachRecord(bootstrap, TOPIC, PARTITIONS, READ_TIMEOUT,
                r -> read.add(new String(r.value(), StandardCharsets.UTF_8)));
        Set<String> missing = new TreeSet<>(ACKED);
        missing.removeAll(read);
        assertTrue(missing.isEmpty(), missing.size() + " of " + ACKED.size() + " acknowledged records not read, e.g. "
                + missing.stream().limit(10).toList());
    }

    /** Polls {@code GET /v1/cluster} until {@code condition} holds; fails after 20 s. */
    private static JsonNode awaitView(String what, Predicate<JsonNode> condition) {
        return ClusterViews.await(cluster, what, 20, condition);
    }

    /** partition -> owner broker id of {@link #TOPIC}, for partitions that have an owner. */
    private static Map<Integer, Integer> owners(JsonNode view) {
        Map<Integer, Integer> owners = new TreeMap<>();
        for (JsonNode topic : view.path("topics")) {
            if (topic.path("name").asText().equals(TOPIC)) {
                for (JsonNode p : topic.path("partitions")) {
                    if (p.path("owner").asInt(-1) >= 0) {
                        owners.put(p.path("partition").asInt(), p.path("owner").asInt());
                    }
                }
            }
        }
        return owners;
    }

    private static List<JsonNode> topicStreams(JsonNode view) {
        Set<Long> streamIds = new HashSet<>();
        for (JsonNode topic : view.path("topics")) {
            if (topic.path("name").asText().equals(TOPIC)) {
                topic.path("partitions").forEach(p -> streamIds.add(p.path("streamId").asLong()));
            }
        }
        List<JsonNode> streams = new ArrayList<>();
        for (JsonNode stream : view.path("streams")) {
            if (streamIds.contains(stream.path("streamId").asLong()) && stream.path("ranges").size() > 0) {
                streams.add(stream);
            }
        }
        return streams;
    }

    private static Set<Integer> ids(JsonNode members) {
        Set<Integer> ids = new TreeSet<>();
        members.forEach(m -> ids.add(m.path("id").asInt()));
        return ids;
    }

    private static List<Integer> intList(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }
}
