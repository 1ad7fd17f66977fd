package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Unmodified Kafka ecosystem tools work against the server: Kafka's own {@code kafka-topics}
 * ({@code TopicCommand}, Java admin client) and librdkafka's {@code kcat}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaToolsTest {
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TOPIC_DELETION_TIMEOUT = Duration.ofSeconds(30);

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("kafka-tools");

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kafkaTopicsCreatesListsAndDeletesATopic() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "tools-topic-command";

        ToolResult create = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--create", "--topic", topic,
                "--partitions", "3");
        assertEquals(0, create.exitCode(), create.describe());
        assertTrue(create.stdout().contains("Created topic " + topic), create.describe());

        ToolResult list = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--list");
        assertEquals(0, list.exitCode(), list.describe());
        assertTrue(list.stdoutLines().contains(topic), "--list must print the new topic:\n" + list.describe());

        ToolResult delete = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--delete", "--topic", topic);
        assertEquals(0, delete.exitCode(), delete.describe());

        // Kafka deletes topics asynchronously; the tool's own --list must stop showing it soon after.
        long deadlineNs = System.nanoTime() + TOPIC_DELETION_TIMEOUT.toNanos();
        ToolResult after;
        do {
            after = KafkaTopicCommand.run("--bootstrap-server", bootstrap, "--list");
            assertEquals(0, after.exitCode(), after.describe());
            if (System.nanoTime() - deadlineNs > 0) {
                fail("deleted topic still listed after " + TOPIC_DELETION_TIMEOUT + ":\n" + after.describe());
            }
        } while (after.stdoutLines().contains(topic));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kcatProducesLinesThatKcatConsumesBackInOrder() {
        String bootstrap = SERVER.bootstrapServers();
        Kcat.require();
        String topic = "tools-kcat";
        Clients.createTopic(bootstrap, topic, 1); // one partition: a total order to compare
        List<String> lines = IntStream.range(0, 1_000)
                .mapToObj(i -> "line-" + i + " produced by librdkafka via kcat").toList();

        ToolResult produce = Kcat.run(KCAT_TIMEOUT, String.join("\n", lines) + "\n",
                "-b", bootstrap, "-P", "-t", topic);
        assertEquals(0, produce.exitCode(), produce.describe());

        ToolResult consume = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-C", "-t", topic, "-o", "beginning", "-e");
        assertEquals(0, consume.exitCode(), consume.describe());
        List<String> read = consume.stdoutLines();
        if (!read.equals(lines)) {
            fail("kcat read " + read.size() + " lines, expected the " + lines.size() + " produced, in order; first "
                    + "difference at index " + firstDifference(read, lines) + "\n" + consume.describe());
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kcatMetadataListsTheBrokerAndTheTopic() {
        String bootstrap = SERVER.bootstrapServers();
        Kcat.require();
        String topic = "tools-kcat-metadata";
        Clients.createTopic(bootstrap, topic, 3);

        ToolResult metadata = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-L");
        assertEquals(0, metadata.exitCode(), metadata.describe());
        assertTrue(metadata.stdout().contains(" 1 brokers:"), "one broker expected:\n" + metadata.describe());
        assertTrue(metadata.stdout().contains(" at " + bootstrap),
                "the broker must be advertised at " + bootstrap + ":\n" + metadata.describe());
        assertTrue(metadata.stdout().contains("topic \"" + topic + "\" with 3 partitions:"), metadata.describe());
        assertFalse(metadata.stdout().contains("Error"), metadata.describe());
    }

    private static int firstDifference(List<String> a, List<String> b) {
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }
}
