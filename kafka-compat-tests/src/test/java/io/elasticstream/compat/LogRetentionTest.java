package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The log start offset as real clients see it: {@code retention.ms} enforced by the server in the
 * background, and {@code Admin.deleteRecords}; a consumer reading from the beginning, or positioned
 * below the new start (OFFSET_OUT_OF_RANGE, then auto.offset.reset=earliest), starts at it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LogRetentionTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final long HOUR_MS = 3_600_000L;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("log-retention",
            Map.of("log.retention.check.interval.ms", "200"));

    @Test
    void recordsOlderThanRetentionMsDisappearAndTheEarliestOffsetMoves() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "retention-ms";
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("retention.ms", "600000"))))
                    .all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(record(topic, now - HOUR_MS, "old-" + i));
            }
            producer.flush();
            for (int i = 0; i < 3; i++) {
                producer.send(record(topic, now, "new-" + i));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        awaitEarliest(bootstrap, tp, 5);

        assertEquals(List.of("new-0", "new-1", "new-2"), consume(bootstrap, tp, -1, 3));
        assertEquals(List.of("new-0", "new-1", "new-2"), consume(bootstrap, tp, 0, 3),
                "a position below the log start offset is out of range and reset to the earliest offset");
    }

    @Test
    void adminDeleteRecordsMovesTheEarliestOffsetForConsumers() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "admin-delete-records";
        Clients.createTopic(bootstrap, topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 6; i++) {
                producer.send(record(topic, System.currentTimeMillis(), "r-" + i));
            }
            producer.flush();
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = Clients.admin(bootstrap)) {
            long low = admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).lowWatermarks().get(tp)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).lowWatermark();
            assertEquals(2, low);
        }
        assertEquals(2, earliest(bootstrap, tp));
        assertEquals(List.of("r-2", "r-3", "r-4", "r-5"), consume(bootstrap, tp, -1, 4));
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, long timestamp, String value) {
        return new ProducerRecord<>(topic, 0, timestamp, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static long earliest(String bootstrap, TopicPartition tp) throws Exception {
        try (Admin admin = Clients.admin(bootstrap)) {
            return admin.listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).offset();
        }
    }

    private static void awaitEarliest(String bootstrap, TopicPartition tp, long expected) throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        long earliest = earliest(bootstrap, tp);
        while (earliest != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            earliest = earliest(bootstrap, tp);
        }
        assertEquals(expected, earliest, "earliest offset of " + tp);
    }

    /** Values read by a consumer at {@code position} (-1: from the beginning) with auto.offset.reset=earliest. */
    private static List<String> consume(String bootstrap, TopicPartition tp, long position, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Clients.consumerConfig(bootstrap,
                Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")))) {
            consumer.assign(List.of(tp));
            if (position < 0) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, position);
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
