package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The idempotent Java producer across lost Produce responses: a proxy between it and the server drops
 * the responses to a few Produce requests the server has already written, closing the connection; the
 * producer retries those batches with the same sequence numbers, the server recognises the duplicates,
 * and a consumer then sees every record exactly once, in order. The server advertises the proxy, so
 * every connection of every client goes through it.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class IdempotenceProxyTest {
    private static final int RECORDS = 300;
    private static final int CUTS = 3;
    private static final CuttingProxy PROXY = startProxy();

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("idempotence-proxy",
            Map.of("advertised.listeners", "PLAINTEXT://127.0.0.1:" + PROXY.port()));

    private static CuttingProxy startProxy() {
        try {
            return new CuttingProxy(() -> new InetSocketAddress("127.0.0.1", SERVER.server().port()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void closeProxy() throws IOException {
        PROXY.close();
    }

    @Test
    void retriedBatchesAfterLostProduceResponsesAreWrittenExactlyOnceInOrder() throws Exception {
        String viaProxy = "127.0.0.1:" + PROXY.port();
        String topic = "idempotence-proxy";
        Clients.createTopic(viaProxy, topic, 1);

        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(viaProxy, Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "5", ProducerConfig.BATCH_SIZE_CONFIG, "512",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "50"))) {
            producer.partitionsFor(topic); // metadata first, so the cuts hit Produce requests only
            PROXY.cutProduceResponses(CUTS);
            for (int i = 0; i < RECORDS; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, 0, null,
                        String.format("record-%05d", i).getBytes(StandardCharsets.UTF_8))));
                if (i % 50 == 49) {
                    producer.flush(); // several rounds of Produce requests
                }
            }
            producer.flush();
        }
        assertEquals(CUTS, PROXY.cutsDone(), "the proxy dropped " + CUTS + " Produce responses");
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(i, sent.get(i).get(30, TimeUnit.SECONDS).offset(), "record " + i + " is at offset " + i);
        }

        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(viaProxy)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                if (values.size() >= RECORDS && consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp)) {
                    break;
                }
            }
        }
        assertEquals(RECORDS, values.size(), "every record once, no duplicates");
        for (int i = 0; i < RECORDS; i++) {
            assertEquals(String.format("record-%05d", i), values.get(i), "record " + i + " in order");
        }
    }
}
