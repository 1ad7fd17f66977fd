package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status pages of a real cluster ({@link ClusterHarness}: etcd, a PD, 3 range servers and 2 brokers
 * from the bin/ scripts): PD's cluster page in headless Chromium (playwright-core from
 * {@code kafka-compat-tests/node/browser}) lists the brokers, the range servers and a new topic, and its
 * throughput chart, drawn from the members' heartbeat loads, shows non-zero points while a producer runs;
 * a cluster broker's status document lists the range servers and the other broker as PD sees them. The
 * screenshot lands in {@code target/cluster-status-page.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterStatusPageTest {
    private static final String TOPIC = "cluster-status-orders";
    private static ClusterHarness cluster;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-status", ClusterHarness.Options.defaults());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pdStatusPageShowsMembersTheNewTopicAndClusterThroughputInAHeadlessBrowser() throws Exception {
        Path script = StandaloneServer.esHome().resolve("kafka-compat-tests/node/browser/status-page.js");
        assertTrue(Files.isDirectory(script.resolveSibling("node_modules/playwright-core")),
                "playwright-core is not installed: run bin/test (npm ci in kafka-compat-tests/node/browser)");
        Clients.createTopic(cluster.bootstrapServers(), TOPIC, 2);
        Path screenshot = Path.of(System.getProperty("es.compat.targetDir", "target")).resolve("cluster-status-page.png");
        Files.deleteIfExists(screenshot);
        String pdStatus = statusUrl(cluster.pds().getFirst(), "/status");
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().name("cluster-status-producer").start(() -> produceUntilStopped(producing));
        Thread consumer = Thread.ofPlatform().name("cluster-status-consumer").start(() -> consumeUntilStopped(producing));
        try {
            Process node = new ProcessBuilder("node", script.toString(), pdStatus, TOPIC, screenshot.toString(), "2",
                    Integer.toString(cluster.options().rangeServerCount())).redirectErrorStream(true).start();
            boolean exited = node.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(exited, "browser check did not finish in 120 s:\n" + output);
            assertEquals(0, node.exitValue(), output);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);

            String view = cluster.get(pdStatus + ".json").orElseThrow();
            Matcher p99 = Pattern.compile("\"produceP99Ms\":([0-9.E-]+)").matcher(view);
            double maxP99Ms = 0;
            while (p99.find()) {
                maxP99Ms = Math.max(maxP99Ms, Double.parseDouble(p99.group(1)));
            }
            assertTrue(maxP99Ms > 0, "a broker reported its produce p99: " + view);
            assertTrue(view.contains("\"walFsyncP99Ms\":") && view.contains("\"diskUsedBytes\":"), view);
        } finally {
            producing.set(false);
            producer.join(TimeUnit.SECONDS.toMillis(30));
            consumer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    @Test
    void clusterBrokerStatusListsTheRangeServersAndTheOtherBrokerAsPdSeesThem() {
        String url = statusUrl(cluster.brokers().getFirst(), "/status.json");
        int rangeServers = cluster.options().rangeServerCount();
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String status = "";
        while (System.nanoTime() - deadlineNs < 0) {
            status = cluster.get(url).orElse("");
            if (count(status, "\"live\":true") == rangeServers + cluster.options().brokerCount()) {
                break;
            }
            pause();
        }
        assertEquals(rangeServers + cluster.options().brokerCount(), count(status, "\"live\":true"), status);
        for (int id = 1; id <= rangeServers; id++) {
            String address = cluster.rangeServers().get(id - 1).address();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            assertTrue(status.contains("{\"id\":" + id + ",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"live\":true"),
                    "range server " + id + " in " + status);
        }
        assertTrue(status.contains("\"brokers\":[{\"id\":1,") && status.contains("{\"id\":2,"), status);
        assertTrue(status.contains("\"error\":null"), status);
    }

    private static String statusUrl(ClusterHarness.Member member, String path) {
        Optional<String> metrics = member.metricsUrl();
        assertTrue(metrics.isPresent(), member.name() + " printed no metrics.url");
        return metrics.get().replaceFirst("/metrics$", path);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void pause() {
        try {
            Thread.sleep(100); // polling interval of a condition with a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Sends 1 KiB records, about 200 a second, until told to stop (at most 3 minutes). */
    private static void produceUntilStopped(AtomicBoolean producing) {
        long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cluster.bootstrapServers(), Map.of())) {
            while (producing.get() && System.nanoTime() < deadlineNs) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, new byte[1024]));
                }
                producer.flush();
                Thread.sleep(100); // pacing of a load generator, not a wait for a condition
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads both partitions from the start until told to stop (at most 3 minutes), so the fetch chart moves. */
    private static void consumeUntilStopped(AtomicBoolean running) {
        long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(cluster.bootstrapServers())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running.get() && System.nanoTime() < deadlineNs) {
                consumer.poll(Duration.ofMillis(200));
            }
        }
    }
}
