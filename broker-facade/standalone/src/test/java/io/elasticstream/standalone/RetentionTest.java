package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code retention.ms} and {@code retention.bytes}, enforced by the partition owner in the background
 * against the broker's clock (here a manual one): whole batches leave from the start and the log start
 * offset moves.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RetentionTest {
    private static final long MINUTE_MS = 60_000;

    @TempDir
    Path dataDir;
    private final ManualClock clock = new ManualClock();
    private StandaloneFixture server;
    private RawKafkaClient client;

    @BeforeEach
    void start() throws Exception {
        server = new StandaloneFixture(dataDir, clock, "log.retention.check.interval.ms=50");
        client = new RawKafkaClient(server.kafkaAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void batchesOlderThanRetentionMsLeaveOnceTheClockPassesTheirTimestamp() throws Exception {
        Uuid id = createTopic("by-time", Map.of("retention.ms", Long.toString(10 * MINUTE_MS)));
        long now = clock.epochMillis();
        produce("by-time", id, now - 20 * MINUTE_MS, "old-1", "old-2");
        produce("by-time", id, now - 11 * MINUTE_MS, "old-3");
        produce("by-time", id, now - 5 * MINUTE_MS, "recent");
        produce("by-time", id, now - 30 * MINUTE_MS, "late-arriving-old"); // behind a recent batch: kept
        produce("by-time", id, now, "new");

        awaitEarliest("by-time", start -> start == 3, "both expired batches leave, the recent one stays");
        assertEquals(6, latest("by-time"));

        clock.advanceMillis(6 * MINUTE_MS);
        awaitEarliest("by-time", start -> start == 5, "the recent batch and the old one behind it expire");
        clock.advanceMillis(5 * MINUTE_MS);
        awaitEarliest("by-time", start -> start == 6, "everything expired: the log is empty at its end");
        assertEquals(6, latest("by-time"));
    }

    @Test
    void theOldestBatchesLeaveWhileThePartitionStaysAtOrAboveRetentionBytes() throws Exception {
        MemoryRecords sample = records(clock.epochMillis(), "0123456789");
        int batchBytes = sample.sizeInBytes();
        Uuid id = createTopic("by-size", Map.of("retention.bytes", Long.toString(2L * batchBytes)));
        for (int i = 0; i < 5; i++) {
            produce("by-size", id, clock.epochMillis(), "012345678" + i);
        }
        awaitEarliest("by-size", start -> start == 3, "three of five equal batches leave; two remain");
        produce("by-size", id, clock.epochMillis(), "0123456785");
        awaitEarliest("by-size", start -> start == 4, "one more batch in, one more out");
    }

    @Test
    void topicsWithoutLimitsOrWithACompactPolicyKeepEverything() throws Exception {
        Uuid compact = createTopic("compacted", Map.of("retention.ms", "1000", "cleanup.policy", "compact"));
        Uuid unlimited = createTopic("unlimited", Map.of("retention.ms", "-1"));
        Uuid limited = createTopic("limited", Map.of("retention.ms", "1000"));
        long old = clock.epochMillis() - 10 * MINUTE_MS;
        produce("compacted", compact, old, "a");
        produce("unlimited", unlimited, old, "a");
        produce("limited", limited, old, "a");
        awaitEarliest("limited", start -> start == 1, "the limited topic is trimmed");
        // The agent checks every topic in the same round: the others were seen and kept.
        awaitEarliest("limited", start -> start == 1, "another round");
        assertEquals(0, earliest("compacted"));
        assertEquals(0, earliest("unlimited"));
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Uuid createTopic(String name, Map<String, String> configs) throws Exception {
        CreatableTopicConfigCollection cfg = new CreatableTopicConfigCollection();
        configs.forEach((k, v) -> cfg.add(new CreatableTopicConfig().setName(k).setValue(v)));
        CreatableTopicCollection topics = new CreatableTopicCollection();
        topics.add(new CreatableTopic().setName(name).setNumPartitions(1).setReplicationFactor((short) -1)
                .setConfigs(cfg));
        CreateTopicsResponse r = client.send(new CreateTopicsRequest.Builder(new CreateTopicsRequestData()
                .setTopics(topics).setTimeoutMs(10_000)), (short) 7);
        assertEquals(Errors.NONE.code(), r.data().topics().find(name).errorCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            MetadataResponse m = client.send(new MetadataRequest.Builder(List.of(name), false), (short) 12);
            MetadataResponseTopic t = m.data().topics().find(name);
            if (t != null && t.errorCode() == 0 && t.partitions().stream().allMatch(p -> p.errorCode() == 0)) {
                return t.topicId();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("topic " + name + " never became ready");
    }

    private static MemoryRecords records(long timestamp, String... values) {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        for (String v : values) {
            b.append(new SimpleRecord(timestamp, null, v.getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    private void produce(String topic, Uuid id, long timestamp, String... values) throws Exception {
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setTopicId(id);
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(records(timestamp, values)));
        ProduceRequestData.TopicProduceDataCollection collection = new ProduceRequestData.TopicProduceDataCollection();
        collection.add(td);
        ProduceResponse r = client.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1)
                .setTimeoutMs(10_000).setTopicData(collection)), (short) 13);
        assertEquals(Errors.NONE.code(), r.data().responses().iterator().next().partitionResponses().getFirst().errorCode());
    }

    private long listOffset(String topic, long timestamp) throws Exception {
        ListOffsetsResponse r = client.send(ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsTopic().setName(topic).setPartitions(List.of(
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp))))), (short) 9);
        return r.data().topics().getFirst().partitions().getFirst().offset();
    }

    private long earliest(String topic) throws Exception {
        return listOffset(topic, ListOffsetsRequest.EARLIEST_TIMESTAMP);
    }

    private long latest(String topic) throws Exception {
        return listOffset(topic, ListOffsetsRequest.LATEST_TIMESTAMP);
    }

    /** Polls the earliest offset (the agent runs in the background) until {@code expected} holds. */
    private void awaitEarliest(String topic, LongPredicate expected, String why) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long start = earliest(topic);
        while (!expected.test(start) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            start = earliest(topic);
        }
        assertTrue(expected.test(start), why + ": earliest offset is " + start);
    }
}
