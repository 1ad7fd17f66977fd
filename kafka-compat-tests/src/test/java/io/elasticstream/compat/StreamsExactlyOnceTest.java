package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka Streams 4.4 with {@code exactly_once_v2}: a word count over input the test writes. Every count update
 * is emitted, so exactly-once means each word's output is 1, 2, ..., n with nothing missing or repeated, read
 * with {@code read_committed} — also when the application is SIGKILLed in the middle of its transactions and
 * restarted, and when the server restarts under it.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StreamsExactlyOnceTest {
    private static final int LINES = 600;
    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
        "iota", "kappa", "lambda"};
    private static final Duration COMPLETE_WITHIN = Duration.ofMinutes(2);

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("streams-eos",
            Map.of("transaction.state.log.num.partitions", "4", "offsets.topic.num.partitions", "4"));

    @Test
    void countsAreExactWhenTheApplicationIsKilledInTheMiddleOfATransactionAndRestarted() throws Exception {
        String input = "eos-kill-in";
        String output = "eos-kill-out";
        createTopics(input, output);
        Path stateDir = Files.createTempDirectory("eos-kill-state");
        try (CountReader counts = new CountReader(output)) {
            ChildProcess app = startApp("eos-kill", stateDir, input, output);
            produceLines(input, 0, LINES / 2);
            counts.awaitAtLeast(LINES / 4, COMPLETE_WITHIN); // the app is in the middle of its work
            app.kill();
            produceLines(input, LINES / 2, LINES);
            ChildProcess again = startApp("eos-kill", stateDir, input, output);
            try {
                counts.awaitExactly(expectedCounts(LINES), COMPLETE_WITHIN);
            } finally {
                again.stop(Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void countsAreExactAcrossAServerRestartUnderTheApplication() throws Exception {
        String input = "eos-restart-in";
        String output = "eos-restart-out";
        createTopics(input, output);
        Path stateDir = Files.createTempDirectory("eos-restart-state");
        try (CountReader counts = new CountReader(output);
             KafkaStreams streams = new KafkaStreams(WordCountApp.topology(input, output).build(),
                     WordCountApp.config(SERVER.bootstrapServers(), "eos-restart", stateDir.toString()))) {
            streams.start();
            produceLines(input, 0, LINES / 2);
            counts.awaitAtLeast(LINES / 4, COMPLETE_WITHIN);
            SERVER.server().restart();
            produceLines(input, LINES / 2, LINES);
            counts.awaitExactly(expectedCounts(LINES), COMPLETE_WITHIN);
        }
    }

    private static void createTopics(String input, String output) {
        Clients.createTopic(SERVER.bootstrapServers(), input, 2);
        Clients.createTopic(SERVER.bootstrapServers(), output, 2);
    }

    private static ChildProcess startApp(String applicationId, Path stateDir, String input, String output)
            throws IOException {
        Path classpathArgs = stateDir.resolveSibling(stateDir.getFileName() + ".classpath.args");
        String classpath = ApacheKafkaBroker.readClasspath() + java.io.File.pathSeparator
                + ApacheKafkaBroker.targetDir().resolve("test-classes");
        Files.writeString(classpathArgs, "-cp \"" + classpath + "\"\n", StandardCharsets.UTF_8);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + classpathArgs, "-Xmx256m", WordCountApp.class.getName(), SERVER.bootstrapServers(),
                applicationId, stateDir.toString(), input, output);
        ChildProcess app = ChildProcess.start("word-count", command, stateDir.getParent(),
                stateDir.resolveSibling(stateDir.getFileName() + ".log"));
        app.awaitLine("RUNNING", Duration.ofSeconds(90));
        return app;
    }

    /** Line {@code i} holds three words picked by {@code i}, so the expected counts are known. */
    private static String line(int i) {
        return WORDS[i % WORDS.length] + " " + WORDS[(i * 7 + 3) % WORDS.length] + " " + WORDS[(i * i) % WORDS.length];
    }

    private static Map<String, Long> expectedCounts(int lines) {
        Map<String, Long> counts = new TreeMap<>();
        for (int i = 0; i < lines; i++) {
            for (String w : line(i).split(" ")) {
                counts.merge(w, 1L, Long::sum);
            }
        }
        return counts;
    }

    private static void produceLines(String topic, int from, int to) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(SERVER.bootstrapServers(), Map.of())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>(topic, bytes("line-" + i), bytes(line(i))));
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the output topic with read_committed and keeps every count seen per word, in order. */
    private static final class CountReader implements AutoCloseable {
        private final KafkaConsumer<String, Long> consumer;
        private final Map<String, List<Long>> seen = new TreeMap<>();
        private int records;

        CountReader(String topic) {
            consumer = new KafkaConsumer<>(Clients.consumerConfig(SERVER.bootstrapServers(), Map.of(
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class)));
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
        }

        private void poll() {
            for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(200))) {
                seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
                records++;
            }
        }

        void awaitAtLeast(int count, Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            while (records < count && System.nanoTime() < deadline) {
                poll();
            }
            if (records < count) {
                throw new AssertionError("only " + records + " counts after " + max + ", wanted " + count);
            }
        }

        /** Waits until every word's last count is the expected one, then checks each word saw 1..n once each. */
        void awaitExactly(Map<String, Long> expected, Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            while (!reached(expected) && System.nanoTime() < deadline) {
                poll();
            }
            for (int i = 0; i < 10; i++) {
                poll(); // anything more (a duplicate) would show now
            }
            Map<String, List<Long>> wanted = new TreeMap<>();
            expected.forEach((w, n) -> wanted.put(w, LongStream.rangeClosed(1, n).boxed().toList()));
            assertEquals(wanted, seen, "every count of every word exactly once, in order");
        }

        private boolean reached(Map<String, Long> expected) {
            for (Map.Entry<String, Long> e : expected.entrySet()) {
                List<Long> values = seen.get(e.getKey());
                if (values == null || values.getLast() < e.getValue()) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
