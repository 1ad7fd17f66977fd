package io.elasticstream.standalone;

import io.elasticstream.broker.Broker;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A produce (or a fetch) that reaches the new owner of a partition right after a planned move, while that
 * broker is still opening the partition, waits for the open and succeeds, rather than answering a
 * retriable error that would cost the client a metadata refresh and a backoff. The old owner still answers
 * NOT_LEADER_OR_FOLLOWER at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProduceWhileOpeningTest {
    private static final String TOPIC = "opening";
    private static final int MOVES = 6;
    private static final long WAIT_MS = 30_000;
    private static final short PRODUCE_VERSION = 12;
    /** The last Fetch version that names topics (13+ use topic ids). */
    private static final short FETCH_VERSION = 12;
    /** Well below the request's wait bound: a partition owned elsewhere is refused without waiting. */
    private static final long OLD_OWNER_ANSWER_MS = 2_000;
    /** Correlation ids of pipelined requests, apart from those {@link RawKafkaClient#send} numbers. */
    private int pipelinedId = 1_000_000;

    @TempDir
    Path dataDir;

    @Test
    void produceSentRightAfterAMoveToTheNewOwnerSucceedsWithoutARetriableError() throws Exception {
        long[] expectedOffset = {1};
        movePartitionBackAndForth((clients, move, oldOwner, newOwner) -> {
            // Two requests pipelined on one connection: both wait for the open, appended in order.
            List<PartitionProduceResponse> atNewOwner = producePipelined(clients.get(newOwner),
                    "move-" + move + "-a", "move-" + move + "-b");
            for (PartitionProduceResponse r : atNewOwner) {
                assertEquals(Errors.NONE, Errors.forCode(r.errorCode()),
                        "produce right after move " + move + " to broker " + newOwner + ": " + r.errorMessage());
                assertEquals(expectedOffset[0], r.baseOffset(), "offset of a record after move " + move);
                expectedOffset[0]++;
            }
            long sentMs = Clock.SYSTEM.monotonicMillis();
            PartitionProduceResponse atOldOwner = produce(clients.get(oldOwner), "misdirected-" + move);
            assertAnsweredAtOnce(sentMs, move);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, Errors.forCode(atOldOwner.errorCode()),
                    "produce to the old owner after move " + move);
        });
    }

    @Test
    void fetchSentRightAfterAMoveToTheNewOwnerWaitsForTheOpenAndReturnsTheRecords() throws Exception {
        movePartitionBackAndForth((clients, move, oldOwner, newOwner) -> {
            FetchResponseData.PartitionData atNewOwner = fetchFromStart(clients.get(newOwner));
            assertEquals(Errors.NONE, Errors.forCode(atNewOwner.errorCode()),
                    "fetch right after move " + move + " to broker " + newOwner);
            RecordBatch first = ((MemoryRecords) atNewOwner.records()).batches().iterator().next();
            assertEquals(0, first.baseOffset(), "fetch right after move " + move + " reads from the start");
            long sentMs = Clock.SYSTEM.monotonicMillis();
            FetchResponseData.PartitionData atOldOwner = fetchFromStart(clients.get(oldOwner));
            assertAnsweredAtOnce(sentMs, move);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, Errors.forCode(atOldOwner.errorCode()),
                    "fetch from the old owner after move " + move);
        });
    }

    /** What a test checks right after each move, with a raw client per broker id. */
    @FunctionalInterface
    private interface AfterMove {
        void check(Map<Integer, RawKafkaClient> clients, int move, int oldOwner, int newOwner) throws Exception;
    }

    /**
     * Two brokers, a one-partition topic holding one record ("first"), then {@link #MOVES} planned moves of
     * the partition between them, {@code afterMove} checking each as soon as the reassignment is accepted.
     */
    private void movePartitionBackAndForth(AfterMove afterMove) throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir)) {
            Broker second = server.startAnotherBroker(Map.of("node.id", "2", "listeners", "PLAINTEXT://127.0.0.1:0"));
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()));
                 RawKafkaClient one = new RawKafkaClient(server.kafkaAddress());
                 RawKafkaClient two = new RawKafkaClient(second.kafkaAddress())) {
                Map<Integer, RawKafkaClient> clients = Map.of(1, one, 2, two);
                eventually("both brokers are live", () -> admin.describeCluster().nodes().get().size() == 2);
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
                eventually("the partition has a leader", () -> leader(admin) > 0);
                int firstOwner = leader(admin);
                eventually("the first owner accepts a produce",
                        () -> produce(clients.get(firstOwner), "first").errorCode() == Errors.NONE.code());
                int owner = firstOwner;
                for (int move = 0; move < MOVES; move++) {
                    int target = owner == 1 ? 2 : 1;
                    admin.alterPartitionReassignments(Map.of(tp, Optional.of(
                            new NewPartitionReassignment(List.of(target))))).all().get();
                    afterMove.check(clients, move, owner, target);
                    owner = target;
                }
            }
        }
    }

    private static void assertAnsweredAtOnce(long sentMs, int move) {
        long answeredInMs = Clock.SYSTEM.monotonicMillis() - sentMs;
        assertTrue(answeredInMs < OLD_OWNER_ANSWER_MS, "the old owner answered after " + answeredInMs
                + " ms (move " + move + "), as if it had waited for a partition owned elsewhere");
    }

    /** A fetch of partition 0 from offset 0 that may wait up to {@link #WAIT_MS} for data. */
    private static FetchResponseData.PartitionData fetchFromStart(RawKafkaClient client) throws Exception {
        Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
        wanted.put(new TopicPartition(TOPIC, 0),
                new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0, -1, 1 << 20, Optional.empty()));
        FetchResponse response = client.send(FetchRequest.Builder.forConsumer(FETCH_VERSION, (int) WAIT_MS, 1, wanted),
                FETCH_VERSION);
        return response.data().responses().getFirst().partitions().getFirst();
    }

    private static int leader(Admin admin) throws Exception {
        var leader = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().getFirst()
                .leader();
        return leader == null ? -1 : leader.id();
    }

    private static PartitionProduceResponse produce(RawKafkaClient client, String value) throws Exception {
        ProduceResponse response = client.send(request(value), PRODUCE_VERSION);
        return response.data().responses().iterator().next().partitionResponses().getFirst();
    }

    /** Sends one request per value without waiting for answers, then reads the answers in order. */
    private List<PartitionProduceResponse> producePipelined(RawKafkaClient client, String... values)
            throws Exception {
        List<RequestHeader> headers = new ArrayList<>();
        for (String value : values) {
            ProduceRequest request = request(value).build(PRODUCE_VERSION);
            RequestHeader header = new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "pipelined", ++pipelinedId);
            headers.add(header);
            client.sendFrame(request.serializeWithHeader(header));
        }
        List<PartitionProduceResponse> answers = new ArrayList<>();
        for (RequestHeader header : headers) {
            ProduceResponse response = (ProduceResponse) AbstractResponse.parseResponse(
                    ByteBuffer.wrap(client.readFrame()), header);
            answers.add(response.data().responses().iterator().next().partitionResponses().getFirst());
        }
        return answers;
    }

    private static ProduceRequest.Builder request(String value) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(value.getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        ProduceRequestData.TopicProduceDataCollection collection = new ProduceRequestData.TopicProduceDataCollection();
        collection.add(td);
        return ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTopicData(collection));
    }

    private static void eventually(String what, Check check) throws Exception {
        long deadline = Clock.SYSTEM.monotonicMillis() + WAIT_MS;
        while (!check.holds()) {
            assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
