package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's observability as an operator meets it: Prometheus {@code /metrics} scraped around a real
 * produce and consume, and the status page in a real headless browser (Chromium driven by playwright-core
 * from {@code kafka-compat-tests/node/browser}) while a producer runs. The screenshot lands in
 * {@code target/status-page.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ObservabilityTest {
    private static final int METRICS_PORT = FreePorts.find();
    private static final int RECORDS = 25;
    private static final int VALUE_BYTES = 200;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("observability",
            Map.of("metrics.port", Integer.toString(METRICS_PORT)));

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void metricsCountersMoveByExactlyWhatAProduceAndConsumeRoundTripDid() throws Exception {
        String topic = "observed-round-trip";
        Clients.createTopic(SERVER.bootstrapServers(), topic, 1);
        String before = scrape();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(SERVER.bootstrapServers(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0))) {
            for (int i = 0; i < RECORDS; i++) { // one at a time: one Produce request and one batch each
                producer.send(new ProducerRecord<>(topic, new byte[VALUE_BYTES])).get(30, TimeUnit.SECONDS);
            }
        }
        int consumed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(SERVER.bootstrapServers())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumed < RECORDS && System.nanoTime() < deadlineNs) {
                consumed += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        assertEquals(RECORDS, consumed);
        String after = scrape();

        String produce = "broker_requests_count{api=\"Produce\"}";
        assertEquals(RECORDS, value(after, produce) - value(before, produce, 0));
        String confirmed = "broker_produce_confirm_latency_count";
        assertEquals(RECORDS, value(after, confirmed) - value(before, confirmed, 0));
        assertFalse(after.contains("broker_request_errors_total{api=\"Produce\""), "no produce errors");
        double bytesIn = value(after, "broker_topic_bytes_in_total{topic=\"observed-round-trip\"}");
        // Each batch holds one record: a 61-byte v2 batch header, the record's own framing, and the value.
        assertTrue(bytesIn >= RECORDS * (61.0 + VALUE_BYTES) && bytesIn < RECORDS * (61.0 + VALUE_BYTES + 16),
                "bytes in " + bytesIn);
        // Batches are stored and served as produced, and the consumer read each once.
        assertEquals(bytesIn, value(after, "broker_topic_bytes_out_total{topic=\"observed-round-trip\"}"));
        assertEquals(bytesIn, value(after, "broker_bytes_in_total") - value(before, "broker_bytes_in_total", 0));
        assertTrue(value(after, "rangestore_wal_appends_total") - value(before, "rangestore_wal_appends_total", 0)
                >= RECORDS);
        assertEquals(RECORDS, value(after, "rangestore_replication_confirm_latency_count")
                - value(before, "rangestore_replication_confirm_latency_count", 0));
        assertEquals(0, value(after, "rangestore_replication_appends_inflight"));
        assertTrue(value(after, "rangestore_wal_fsync_latency{quantile=\"0.99\"}") > 0);
        assertTrue(value(after, "rangestore_wal_disk_free_bytes") > 0);
        assertTrue(value(after, "placement_requests_total") > value(before, "placement_requests_total", 0));
        assertTrue(value(after, "jvm_memory_heap_used") > 0);
    }

    @Test
    void statusPageShowsTheBrokerTheNewTopicAndLiveProduceThroughputInAHeadlessBrowser() throws Exception {
        String topic = "status-page-orders";
        Clients.createTopic(SERVER.bootstrapServers(), topic, 2);
        StatusPageBrowser.checkUnderLoad(SERVER.bootstrapServers(), topic,
                "http://127.0.0.1:" + METRICS_PORT + "/status", "status-page.png", () -> { });
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + METRICS_PORT + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        return r.body();
    }

    private static double value(String exposition, String series) {
        double v = value(exposition, series, Double.NaN);
        if (Double.isNaN(v)) {
            throw new AssertionError("no sample " + series + " in\n" + exposition);
        }
        return v;
    }

    /** The value of the sample {@code series} (name and labels exactly as exposed), or {@code absent}. */
    private static double value(String exposition, String series, double absent) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        return m.find() ? Double.parseDouble(m.group(1)) : absent;
    }
}
