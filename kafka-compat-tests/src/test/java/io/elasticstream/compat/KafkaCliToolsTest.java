package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.DeleteRecordsCommand;
import org.apache.kafka.tools.GetOffsetShell;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own command-line tools, unmodified and run in this JVM through their {@code main} (see
 * {@link KafkaTool}), against the server; their output is checked as a user would read it:
 * {@code kafka-delete-records}, {@code kafka-get-offsets}, {@code kafka-consumer-groups} and the console
 * producer and consumer.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaCliToolsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("cli-tools");

    @TempDir
    Path dir;

    @Test
    void kafkaDeleteRecordsMovesTheLogStartOffsetThatGetOffsetsAndAConsumerSee() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "cli-delete-records";
        Clients.createTopic(bootstrap, topic, 1);
        produce(bootstrap, topic, 10);

        Path offsets = dir.resolve("offsets.json");
        Files.writeString(offsets, "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":4}],"
                + "\"version\":1}");
        ToolResult delete = KafkaTool.run("kafka-delete-records", DeleteRecordsCommand.class,
                "--bootstrap-server", bootstrap, "--offset-json-file", offsets.toString());
        assertEquals(0, delete.exitCode(), delete.describe());
        assertTrue(delete.stdout().contains("partition: " + topic + "-0\tlow_watermark: 4"), delete.describe());

        ToolResult earliest = KafkaTool.run("kafka-get-offsets", GetOffsetShell.class,
                "--bootstrap-server", bootstrap, "--topic", topic, "--time", "earliest");
        assertEquals(0, earliest.exitCode(), earliest.describe());
        assertEquals(List.of(topic + ":0:4"), earliest.stdoutLines(), earliest.describe());
        ToolResult latest = KafkaTool.run("kafka-get-offsets", GetOffsetShell.class,
                "--bootstrap-server", bootstrap, "--topic", topic);
        assertEquals(List.of(topic + ":0:10"), latest.stdoutLines(), latest.describe());

        assertEquals(List.of("v4", "v5", "v6", "v7", "v8", "v9"), consumeFromBeginning(bootstrap, topic, 6),
                "a consumer from the beginning starts at the new log start offset");

        Files.writeString(offsets, "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":11}],"
                + "\"version\":1}");
        ToolResult beyond = KafkaTool.run("kafka-delete-records", DeleteRecordsCommand.class,
                "--bootstrap-server", bootstrap, "--offset-json-file", offsets.toString());
        assertTrue(beyond.stdout().contains("partition: " + topic + "-0\terror: "), beyond.describe());
        assertTrue(beyond.stdout().contains("OffsetOutOfRangeException"), beyond.describe());
    }

    @Test
    void kafkaGetOffsetsPrintsEveryPartitionAtTheRequestedTime() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "cli-get-offsets";
        Clients.createTopic(bootstrap, topic, 3);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 6; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        ToolResult latest = KafkaTool.run("kafka-get-offsets", GetOffsetShell.class,
                "--bootstrap-server", bootstrap, "--topic", topic, "--time", "-1");
        assertEquals(0, latest.exitCode(), latest.describe());
        assertEquals(List.of(topic + ":0:3", topic + ":1:3", topic + ":2:0"), latest.stdoutLines(), latest.describe());
        ToolResult earliest = KafkaTool.run("kafka-get-offsets", GetOffsetShell.class,
                "--bootstrap-server", bootstrap, "--topic-partitions", topic + ":1", "--time", "-2");
        assertEquals(List.of(topic + ":1:0"), earliest.stdoutLines(), earliest.describe());
    }

    @Test
    void kafkaConsumerGroupsListsDescribesResetsAndDeletesAGroup() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "cli-groups";
        String group = "cli-groups-g";
        Clients.createTopic(bootstrap, topic, 1);
        produce(bootstrap, topic, 10);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Clients.consumerConfig(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false")))) {
            consumer.subscribe(List.of(topic));
            int seen = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (seen < 10 && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(10, seen, "records consumed by the group member");
            consumer.commitSync();
        }

        ToolResult list = groups("--bootstrap-server", bootstrap, "--list");
        assertTrue(list.stdoutLines().contains(group), list.describe());

        ToolResult describe = groups("--bootstrap-server", bootstrap, "--describe", "--group", group);
        assertEquals(List.of(group, topic, "0", "10", "10", "0"), row(describe, topic), describe.describe());

        ToolResult reset = groups("--bootstrap-server", bootstrap, "--reset-offsets", "--group", group, "--topic", topic,
                "--to-offset", "3", "--execute");
        assertEquals(List.of(group, topic, "0", "3"), row(reset, topic), reset.describe());
        ToolResult afterReset = groups("--bootstrap-server", bootstrap, "--describe", "--group", group);
        assertEquals(List.of(group, topic, "0", "3", "10", "7"), row(afterReset, topic), afterReset.describe());

        ToolResult delete = groups("--bootstrap-server", bootstrap, "--delete", "--group", group);
        assertTrue(delete.stdout().contains("Deletion of requested consumer groups ('" + group + "') was successful."),
                delete.describe());
        ToolResult after = groups("--bootstrap-server", bootstrap, "--list");
        assertFalse(after.stdoutLines().contains(group), after.describe());
    }

    @Test
    void theConsoleProducerWritesLinesThatTheConsoleConsumerPrintsBackInOrder() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "cli-console";
        Clients.createTopic(bootstrap, topic, 1);
        ToolResult produced = KafkaTool.runWithInput("kafka-console-producer", ConsoleProducer.class,
                "first line\nsecond line\nthird line\n", "--bootstrap-server", bootstrap, "--topic", topic);
        assertEquals(0, produced.exitCode(), produced.describe());

        ToolResult consumed = KafkaTool.run("kafka-console-consumer", ConsoleConsumer.class,
                "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning", "--max-messages", "3",
                "--timeout-ms", "60000");
        assertEquals(0, consumed.exitCode(), consumed.describe());
        assertEquals(List.of("first line", "second line", "third line"), consumed.stdoutLines(), consumed.describe());
        assertTrue(consumed.stderr().contains("Processed a total of 3 messages"), consumed.describe());
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static ToolResult groups(String... args) {
        ToolResult r = KafkaTool.run("kafka-consumer-groups", ConsumerGroupCommand.class, args);
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    /** The first columns of the one output row about {@code topic} (the tool pads columns with spaces). */
    private static List<String> row(ToolResult result, String topic) {
        List<String> rows = result.stdoutLines().stream().map(String::trim)
                .filter(line -> line.split("\\s+").length > 1 && line.split("\\s+")[1].equals(topic)).toList();
        assertEquals(1, rows.size(), "one row about " + topic + ":\n" + result.describe());
        String[] columns = rows.getFirst().split("\\s+");
        int n = result.stdout().contains("LOG-END-OFFSET") ? 6 : 4;
        return List.of(columns).subList(0, Math.min(n, columns.length));
    }

    private static void produce(String bootstrap, String topic, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static List<String> consumeFromBeginning(String bootstrap, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrap)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }
}
