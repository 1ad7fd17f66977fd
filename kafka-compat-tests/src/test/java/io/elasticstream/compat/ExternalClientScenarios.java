package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** Differential scenarios driven by non-Java clients: librdkafka's kcat and kafkajs (Node.js). */
final class ExternalClientScenarios {
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(90);

    private ExternalClientScenarios() {
    }

    private static String tail(String text) {
        return text.length() > 8_000 ? "..." + text.substring(text.length() - 8_000) : text;
    }

    /** kcat: metadata listing ({@code -L}), keyed produce to a partition, consume from the beginning. */
    static Observation kcat(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-kcat";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 2, Map.of());
        }
        ToolResult metadata = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-L", "-t", topic);
        o.put("metadata.exit", metadata.exitCode());
        o.put("metadata.stdout", String.join(" | ", metadata.stdoutLines()));
        ToolResult produce = Kcat.run(KCAT_TIMEOUT, "k1:one\nk2:two\n:three\n", "-b", bootstrap, "-P", "-t", topic,
                "-p", "1", "-K", ":", "-X", "acks=all");
        o.put("produce.exit", produce.exitCode());
        ToolResult consume = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-C", "-t", topic, "-p", "1", "-o",
                "beginning", "-e", "-f", "%t %p %o key=%k value=%s headers=%h\\n");
        o.put("consume.exit", consume.exitCode());
        o.put("consume.stdout", String.join(" | ", consume.stdoutLines()));
        ToolResult offsets = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-Q", "-t", topic + ":1:-1");
        o.put("queryLatest.stdout", String.join(" | ", offsets.stdoutLines()));
        ToolResult unknown = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-C", "-t", "diff-kcat-missing", "-p", "0",
                "-o", "beginning", "-e", "-X", "allow.auto.create.topics=false", "-m", "5");
        o.put("consumeUnknownTopic.exit", unknown.exitCode());
        return o;
    }

    /** kafkajs 2.2.4: admin create/describe, produce, group consume, commit, group and topic deletion. */
    static Observation kafkajs(String bootstrap) throws Exception {
        return kafkajsScript(bootstrap, "observe.js", "diff-kafkajs", "diff-kafkajs-group");
    }

    /**
     * kafkajs 2.2.4's transactional producer: a consume-transform-produce step (send and sendOffsets in one
     * transaction, committed), an aborted transaction, and what read_committed consumers and the group see.
     */
    static Observation kafkajsTransactions(String bootstrap) throws Exception {
        return kafkajsScript(bootstrap, "transactions.js", "diff-kafkajs-txn", "diff-kafkajs-txn-group");
    }

    /** Runs {@code script} of node/kafkajs with the bootstrap, topic and group; records the JSON it prints. */
    private static Observation kafkajsScript(String bootstrap, String script, String topic, String group)
            throws Exception {
        Observation o = new Observation(bootstrap);
        Path dir = StandaloneServer.esHome().resolve("kafka-compat-tests/node/kafkajs");
        if (!Files.isDirectory(dir.resolve("node_modules/kafkajs"))) {
            throw new AssertionError(dir + "/node_modules has no kafkajs: run 'npm ci' there (bin/test does)");
        }
        List<String> command = new ArrayList<>(List.of("node", script, bootstrap, topic, group));
        Path out = Files.createTempFile("kafkajs-", ".out");
        Path err = Files.createTempFile("kafkajs-", ".err");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError(script + " timed out after " + NODE_TIMEOUT + "; stderr (tail):\n"
                        + tail(Files.readString(err, StandardCharsets.UTF_8)));
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new AssertionError(script + " exited with " + process.exitValue() + "; stdout: " + stdout
                        + "\nstderr (tail):\n" + tail(Files.readString(err, StandardCharsets.UTF_8)));
            }
            JsonNode json;
            try {
                json = new ObjectMapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError(script + " printed no JSON: " + stdout + "\nstderr (tail):\n"
                        + tail(Files.readString(err, StandardCharsets.UTF_8)), e);
            }
            json.properties().forEach(field -> o.put(field.getKey(), field.getValue().isTextual()
                    ? field.getValue().asText() : field.getValue().toString()));
            return o;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
