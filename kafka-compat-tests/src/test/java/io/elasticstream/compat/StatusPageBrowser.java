package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Checks a status page in headless Chromium ({@code kafka-compat-tests/node/browser/status-page.js},
 * playwright-core) while a producer and a consumer load a two-partition topic, so its throughput charts
 * have something to draw. Shared by the standalone and the cluster status page tests.
 */
final class StatusPageBrowser {
    private static final long BROWSER_TIMEOUT_SECONDS = 120;
    private static final long LOAD_MAX_MINUTES = 3;

    /** What a test checks after the browser passed, while the load still runs. */
    @FunctionalInterface
    interface WhileLoaded {
        void check() throws Exception;
    }

    private StatusPageBrowser() {
    }

    /**
     * Loads {@code topic} (two partitions) through {@code bootstrapServers}, runs the browser check on
     * {@code pageUrl} (status-page.js with the topic, the screenshot path and {@code extraArgs}), asserts it
     * passed and saved a screenshot, then runs {@code whileLoaded}; stops the load at the end.
     */
    static void checkUnderLoad(String bootstrapServers, String topic, String pageUrl, String screenshotName,
                               WhileLoaded whileLoaded, String... extraArgs) throws Exception {
        Path script = StandaloneServer.esHome().resolve("kafka-compat-tests/node/browser/status-page.js");
        assertTrue(Files.isDirectory(script.resolveSibling("node_modules/playwright-core")),
                "playwright-core is not installed: run bin/test (npm ci in kafka-compat-tests/node/browser)");
        Path screenshot = Path.of(System.getProperty("es.compat.targetDir", "target")).resolve(screenshotName);
        Files.deleteIfExists(screenshot);
        AtomicBoolean loading = new AtomicBoolean(true);
        Thread producer = Thread.ofPlatform().name("status-page-producer")
                .start(() -> produceUntilStopped(bootstrapServers, topic, loading));
        Thread consumer = Thread.ofPlatform().name("status-page-consumer")
                .start(() -> consumeUntilStopped(bootstrapServers, topic, loading));
        try {
            List<String> command = new ArrayList<>(List.of("node", script.toString(), pageUrl, topic,
                    screenshot.toString()));
            command.addAll(List.of(extraArgs));
            Process node = new ProcessBuilder(command).redirectErrorStream(true).start();
            boolean exited = node.waitFor(BROWSER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!exited) {
                node.destroyForcibly();
            }
            String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(exited, "browser check did not finish in " + BROWSER_TIMEOUT_SECONDS + " s:\n" + output);
            assertEquals(0, node.exitValue(), output);
            assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot);
            whileLoaded.check();
        } finally {
            loading.set(false);
            producer.join(TimeUnit.SECONDS.toMillis(30));
            consumer.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Sends 1 KiB records, about 200 a second, until told to stop (at most 3 minutes). */
    private static void produceUntilStopped(String bootstrapServers, String topic, AtomicBoolean running) {
        long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(LOAD_MAX_MINUTES);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrapServers, Map.of())) {
            while (running.get() && System.nanoTime() < deadlineNs) {
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, new byte[1024]));
                }
                producer.flush();
                Thread.sleep(100); // pacing of a load generator, not a wait for a condition
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads both partitions from the start until told to stop (at most 3 minutes), so the fetch chart moves. */
    private static void consumeUntilStopped(String bootstrapServers, String topic, AtomicBoolean running) {
        long deadlineNs = System.nanoTime() + TimeUnit.MINUTES.toNanos(LOAD_MAX_MINUTES);
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrapServers)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running.get() && System.nanoTime() < deadlineNs) {
                consumer.poll(Duration.ofMillis(200));
            }
        }
    }
}
