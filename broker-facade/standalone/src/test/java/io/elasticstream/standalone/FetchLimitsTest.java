package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code max.partition.fetch.bytes} and {@code fetch.max.bytes} as Kafka honours them: a batch larger than
 * both limits still comes back whole when it is the first one, so a consumer never gets stuck on it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FetchLimitsTest {
    private static final int LIMIT_BYTES = 1024;

    @TempDir
    Path dataDir;

    @Test
    void aFirstBatchLargerThanBothFetchLimitsIsStillReturnedWholeAndTheSmallOnesAfterIt() throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir)) {
            byte[] large = new byte[16 * LIMIT_BYTES];
            for (int i = 0; i < large.length; i++) {
                large[i] = (byte) i;
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("limits", 0, null, large)).get(30, TimeUnit.SECONDS);
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>("limits", 0, null, new byte[] {(byte) i})).get(30, TimeUnit.SECONDS);
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(LIMIT_BYTES));
            c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(LIMIT_BYTES));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition("limits", 0);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (read.size() < 4 && System.nanoTime() < deadlineNs) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
            }
            assertEquals(4, read.size(), "the large record and the three small ones");
            assertEquals(0, read.get(0).offset());
            assertArrayEquals(large, read.get(0).value());
            assertEquals(List.of(1L, 2L, 3L), read.subList(1, 4).stream().map(ConsumerRecord::offset).toList());
        }
    }
}
