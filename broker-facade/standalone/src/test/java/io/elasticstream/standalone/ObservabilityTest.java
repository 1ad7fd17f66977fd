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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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

/** Standalone mode's /metrics and /status.json after a real produce and consume, in this JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ObservabilityTest {
    private static final String TOPIC = "observed.orders";
    private static final int RECORDS = 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void metricsAndStatusReflectAProduceAndConsumeRoundTrip() throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir, "metrics.port=0")) {
            assertTrue(server.metricsPort() > 0);
            String before = get(server, "/metrics");
            double walAppendsBefore = value(before, "rangestore_wal_appends_total");

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, new byte[100])).get(30, TimeUnit.SECONDS);
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            int consumed = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (consumed < RECORDS && System.nanoTime() < deadlineNs) {
                    consumed += consumer.poll(Duration.ofMillis(200)).count();
                }
            }
            assertEquals(RECORDS, consumed);

            String after = get(server, "/metrics");
            // Each record was sent alone (acks=all, waiting for each): one Produce request and batch each.
            assertEquals(RECORDS, value(after, "broker_requests_count{api=\"Produce\"}"));
            double bytesIn = value(after, "broker_topic_bytes_in_total{topic=\"observed_orders\"}");
            assertTrue(bytesIn > RECORDS * 100, "bytes in " + bytesIn);
            assertEquals(bytesIn, value(after, "broker_bytes_in_total"));
            // The consumer read every stored batch exactly once: bytes out equal bytes in.
            assertEquals(bytesIn, value(after, "broker_topic_bytes_out_total{topic=\"observed_orders\"}"));
            assertTrue(value(after, "rangestore_wal_appends_total") - walAppendsBefore >= RECORDS);
            assertEquals(RECORDS, value(after, "broker_produce_confirm_latency_count"));
            assertTrue(value(after, "rangestore_wal_fsync_latency_count") >= 1);
            assertEquals(0, value(after, "rangestore_replication_appends_inflight"));
            assertTrue(value(after, "rangestore_replication_confirm_latency_count") >= RECORDS);
            assertTrue(value(after, "placement_requests_total") >= 1);
            assertTrue(value(after, "broker_connections_accepted_total") >= 2);
            assertTrue(value(after, "jvm_memory_heap_used") > 0);
            assertTrue(value(after, "jvm_threads_count") > 0);
            assertTrue(value(after, "broker_topic_cache_hits") >= 1);
            // The consumer read the tail it had just produced: from the range store's read cache.
            assertTrue(value(after, "rangestore_readcache_hits") >= 1);

            String status = get(server, "/status.json");
            assertTrue(status.contains("\"name\":\"" + TOPIC + "\""), status);
            assertTrue(status.contains("\"brokers\":[{\"id\":1,"), status);
            assertTrue(status.contains("\"produceBytes\":" + (long) bytesIn), status);
            assertTrue(get(server, "/status").contains("<canvas"));
        }
    }

    @Test
    void metricsPortMinusOneServesNothing() throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir, "metrics.port=-1")) {
            assertEquals(-1, server.metricsPort());
        }
    }

    private String get(StandaloneFixture server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    /** The value of the sample line starting with {@code series} (name and labels exactly). */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        if (!m.find()) {
            throw new AssertionError("no sample " + series + " in\n" + exposition);
        }
        return Double.parseDouble(m.group(1));
    }

}
