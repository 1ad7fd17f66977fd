package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reference broker harness really runs Apache Kafka: a real client can use it, and stop ends the process. */
class ReferenceBrokerTest {
    private static final int RECORDS = 20;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void apacheKafkaStartsServesProduceAndConsumeAndStopsItsProcess() throws Exception {
        ProcessHandle handle;
        try (ApacheKafkaBroker broker = ApacheKafkaBroker.startNew("reference-broker-test")) {
            handle = ProcessHandle.of(broker.pid()).orElseThrow();
            assertTrue(handle.info().commandLine().orElse("").contains("kafka.Kafka"),
                    "the broker process runs kafka.Kafka: " + handle.info().commandLine());
            String bootstrap = broker.bootstrapServers();
            String topic = "reference-check";
            Clients.createTopic(bootstrap, topic, 2);
            assertEquals(2, Clients.describeTopic(bootstrap, topic).partitions().size());

            List<RecordMetadata> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                    Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
                for (int i = 0; i < RECORDS; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, 0, Payloads.key(0, i),
                            Payloads.value(0, i, 100))).get(30, TimeUnit.SECONDS));
                }
            }
            assertEquals(RECORDS - 1, sent.getLast().offset(), "offsets are assigned from 0 contiguously");

            List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long deadlineNs = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (received.size() < RECORDS && System.nanoTime() - deadlineNs < 0) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
            }
            assertEquals(RECORDS, received.size(), "records read back");
            for (int i = 0; i < RECORDS; i++) {
                assertEquals(i, received.get(i).offset());
                assertArrayEquals(Payloads.value(0, i, 100), received.get(i).value(), "value of record " + i);
            }
            assertTrue(broker.lastStartDuration().toMillis() > 0);
        }
        assertTrue(handle.onExit().get(10, TimeUnit.SECONDS) != null);
        assertFalse(handle.isAlive(), "the broker process is gone after close()");
    }
}
