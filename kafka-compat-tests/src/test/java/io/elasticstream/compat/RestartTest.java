package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A restart on the same data directory — clean (SIGTERM) or a crash (SIGKILL) — keeps every acknowledged
 * record and the topic itself, and new records continue the offsets where the old ones ended.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RestartTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS_BEFORE = 6_000;
    private static final int RECORDS_AFTER = 300;
    private static final int VALUE_BYTES = 512;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("restart");

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyRecordSurvivesACleanRestartAndNewRecordsContinueTheOffsets() {
        survivesRestartAndContinuesOffsets("restart-clean", () -> SERVER.server().restart());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void everyAcknowledgedRecordSurvivesSigkillAndNewRecordsContinueTheOffsets() {
        survivesRestartAndContinuesOffsets("restart-sigkill", () -> {
            SERVER.server().kill();
            SERVER.server().start();
        });
    }

    private static void survivesRestartAndContinuesOffsets(String topic, Runnable restart) {
        String bootstrap = SERVER.bootstrapServers();
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        SequenceProducer.Result before;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            before = SequenceProducer.produce(producer, topic, PARTITIONS, RECORDS_BEFORE, VALUE_BYTES, 0);
        }

        restart.run();
        bootstrap = SERVER.bootstrapServers();

        TopicDescription description = Clients.describeTopic(bootstrap, topic);
        assertEquals(PARTITIONS, description.partitions().size(), "partitions of " + topic + " after restart");
        SequenceVerifier.verify(bootstrap, topic, before.recordsPerPartition(), VALUE_BYTES, Duration.ofMinutes(1));

        long perPartitionBefore = RECORDS_BEFORE / PARTITIONS;
        SequenceProducer.Result after;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            after = SequenceProducer.produce(producer, topic, PARTITIONS, RECORDS_AFTER, VALUE_BYTES,
                    perPartitionBefore);
        }
        Map<Integer, Long> expectedFirstOffsets = new HashMap<>();
        Map<Integer, Long> expectedCounts = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            expectedFirstOffsets.put(p, perPartitionBefore);
            expectedCounts.put(p, perPartitionBefore + after.recordsPerPartition().get(p));
        }
        assertEquals(expectedFirstOffsets, after.firstOffsetPerPartition(),
                "first offset of the first new record per partition == records per partition before restart");
        SequenceVerifier.verify(bootstrap, topic, expectedCounts, VALUE_BYTES, Duration.ofMinutes(1));
    }
}
