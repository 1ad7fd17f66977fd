package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.topic.TopicService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An idempotent producer with several requests in flight on one connection must never be answered
 * OUT_OF_ORDER_SEQUENCE_NUMBER while nothing fails: the broker appends a connection's produce requests in
 * the order they arrived, also when a request has to wait (e.g. for the topic-id listing, reloaded every
 * {@code TopicService.ID_NAMES_TTL} and dropped by a lookup of a missing topic).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IdempotentProduceOrderTest {
    private static final String TOPIC = "idempotent.order";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dataDir;

    @Test
    void pipelinedIdempotentProduceIsNeverAnsweredOutOfOrderSequence() throws Exception {
        try (StandaloneFixture server = new StandaloneFixture(dataDir, "metrics.port=0")) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
            long sent = 0;
            // Long enough for the topic-id listing to expire several times while requests are in flight.
            long untilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * TopicService.ID_NAMES_TTL.toMillis());
            AtomicBoolean stop = new AtomicBoolean();
            Thread invalidator = Thread.ofPlatform().start(() -> invalidateTopicIdsUntil(server, stop));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                while (System.nanoTime() < untilNs) {
                    List<Future<RecordMetadata>> window = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        window.add(producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[16])));
                    }
                    for (Future<RecordMetadata> f : window) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    sent += window.size();
                }
            } finally {
                stop.set(true);
                invalidator.join();
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()))) {
                TopicPartition tp = new TopicPartition(TOPIC, 0);
                long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                        .get(30, TimeUnit.SECONDS).offset();
                assertEquals(sent, end, "every record written exactly once");
            }
            String metrics = get(server, "/metrics");
            assertTrue(ObservabilityTest.value(metrics, "broker_requests_count{api=\"Produce\"}") > 20, metrics);
            assertFalse(metrics.contains("error=\"OUT_OF_ORDER_SEQUENCE_NUMBER\""), metrics);
            assertFalse(metrics.contains("broker_request_errors_total{api=\"Produce\""), metrics);
        }
    }

    /**
     * Looks up a missing topic over and over: each miss drops the broker's topic-id listing, so most
     * produce requests have to wait for it to be reloaded, several of them at a time.
     */
    private static void invalidateTopicIdsUntil(StandaloneFixture server, AtomicBoolean stop) {
        ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "no.such.topic");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()))) {
            while (!stop.get()) {
                try {
                    admin.describeConfigs(List.of(missing)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException expected) {
                    // UNKNOWN_TOPIC_OR_PARTITION: the point of the lookup
                } catch (InterruptedException | TimeoutException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private String get(StandaloneFixture server, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.metricsPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }
}
