package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.Broker;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition stores its idempotent-producer state at PD as a snapshot (every
 * {@code producer.snapshot.interval.batches} confirmed batches and when it closes), and a reopened
 * partition loads it and reads only the stream after it, yet still recognizes retried batches written
 * before the snapshot and after it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProducerSnapshotTest {
    private static final String TOPIC = "snapshots";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final long PRODUCER_ID = 4242;

    @TempDir
    Path dataDir;

    @Test
    void reopenedPartitionReadsOnlyTheTailAfterItsSnapshotAndStillDedupsRetriesFromBeforeAndAfterIt()
            throws Exception {
        String interval = "producer.snapshot.interval.batches=2";
        Uuid topicId;
        try (StandaloneFixture server = new StandaloneFixture(dataDir, interval)) {
            try (Admin admin = admin(server.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                topicId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(TOPIC).topicId();
            }
            PartitionLog log = awaitOpen(server.broker());
            try (RawKafkaClient c = new RawKafkaClient(server.kafkaAddress())) {
                assertEquals(0, produce(c, topicId, 0));
                assertEquals(1, produce(c, topicId, 1));
                awaitTrue(() -> log.snapshotOffset() == 2, "a snapshot after two confirmed batches");
                assertEquals(2, produce(c, topicId, 2)); // after the periodic snapshot; the one at close covers it
            }
        }

        try (StandaloneFixture server = new StandaloneFixture(dataDir, interval)) {
            PartitionLog reopened = awaitOpen(server.broker());
            assertEquals(3, reopened.highWatermark());
            assertEquals(3, reopened.snapshotOffset(), "the snapshot stored when the partition closed");
            assertEquals(0, reopened.openReadBytes(), "nothing after the snapshot to read");
            try (RawKafkaClient c = new RawKafkaClient(server.kafkaAddress())) {
                assertEquals(0, produce(c, topicId, 0), "a retry of a batch before the snapshot");
                assertEquals(2, produce(c, topicId, 2), "a retry of the last batch before the snapshot");
                assertEquals(3, produce(c, topicId, 3)); // after the last snapshot: the next open reads it
            }
            assertEquals(4, reopened.highWatermark());

            // A planned move fences this broker, so its snapshot at close is refused: the new owner
            // loads the snapshot at 3 and reads the batch after it.
            Broker second = server.startAnotherBroker(Map.of("node.id", "2", "listeners", "PLAINTEXT://127.0.0.1:0"));
            try (Admin admin = admin(server.bootstrapServers())) {
                admin.alterPartitionReassignments(Map.of(TP, Optional.of(new NewPartitionReassignment(List.of(2)))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            PartitionLog moved = awaitOpen(second);
            assertEquals(4, moved.highWatermark());
            assertEquals(3, moved.snapshotOffset());
            long tailBytes = bytesFrom(moved, 3);
            assertTrue(tailBytes > 0 && tailBytes < moved.sizeBytes(), "the tail is part of the partition");
            assertEquals(tailBytes, moved.openReadBytes(), "open read only the batches after the snapshot");
            try (RawKafkaClient c = new RawKafkaClient(second.kafkaAddress())) {
                assertEquals(3, produce(c, topicId, 3), "a retry of the batch after the snapshot");
                assertEquals(0, produce(c, topicId, 0), "a retry of the first batch, from the snapshot");
                assertEquals(4, produce(c, topicId, 4));
            }
            assertEquals(5, moved.highWatermark(), "the retries wrote nothing");
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static PartitionLog awaitOpen(Broker broker) throws InterruptedException {
        PartitionLog[] log = new PartitionLog[1];
        awaitTrue(() -> (log[0] = broker.partitions().get(TP)) != null, "partition open on the broker");
        return log[0];
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.get()) {
            assertTrue(System.nanoTime() < deadlineNs, "timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    /** The stored bytes of the partition's batches from {@code offset} on. */
    private static long bytesFrom(PartitionLog log, long offset) {
        List<StoredBatch> batches = log.read(offset, 1 << 20).join();
        long bytes = 0;
        for (StoredBatch b : batches) {
            bytes += b.data().readableBytes();
            b.data().release();
        }
        return bytes;
    }

    /** Produces one idempotent batch of one record with sequence {@code seq}; returns its base offset. */
    private static long produce(RawKafkaClient c, Uuid topicId, int seq) throws Exception {
        MemoryRecords records = MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER_ID, (short) 0, seq,
                new SimpleRecord(1_700_000_000_000L + seq, null, ("v" + seq).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setTopicId(topicId);
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(td);
        ProduceResponse r = c.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1)
                .setTimeoutMs(10_000).setTopicData(topics)), (short) 13);
        PartitionProduceResponse p = r.data().responses().iterator().next().partitionResponses().getFirst();
        assertEquals(Errors.NONE.code(), p.errorCode(), "produce seq " + seq + ": " + p.errorMessage());
        return p.baseOffset();
    }
}
