package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Deleting a topic gives the range server its ranges' space back, as Kafka deletes a topic's logs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicDeletionStorageTest {
    private static final int PARTITIONS = 3;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void deletingATopicDropsEveryRangeOfItsPartitionsFromTheRangeServer() throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir, "metrics.port=0");
             Admin admin = Admin.create(java.util.Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                     server.bootstrapServers()))) {
            double before = ranges(server);
            admin.createTopics(List.of(new NewTopic("doomed", PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    producer.send(new ProducerRecord<>("doomed", partition, null, new byte[1000])).get(30, TimeUnit.SECONDS);
                }
            }
            double withTopic = ranges(server);
            assertEquals(before + PARTITIONS, withTopic, "one open range per partition");

            admin.deleteTopics(List.of("doomed")).all().get(30, TimeUnit.SECONDS);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            double now = withTopic;
            while (now > before && System.nanoTime() < deadlineNs) {
                Thread.sleep(50); // polling the metric; deletion frees space in the background, as in Kafka
                now = ranges(server);
            }
            assertTrue(now <= before, "ranges after deletion: " + now + ", before the topic: " + before);
        }
    }

    private double ranges(StandaloneFixture server) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return ObservabilityTest.value(r.body(), "rangestore_ranges");
    }
}
