package io.elasticstream.compat;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Small helpers shared by the differential scenarios: clients, waiting, and normalised formatting. */
final class ScenarioSupport {
    /** How long any single admin call or wait in a scenario may take. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(5);

    private ScenarioSupport() {
    }

    static Admin admin(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>(Clients.adminConfig(bootstrapServers));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) STEP_TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        return Admin.create(config);
    }

    static <T> T get(KafkaFuture<T> future) throws Exception {
        return future.get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Creates a topic and waits until the broker describes it (Kafka's metadata cache trails CreateTopics). */
    static void createTopic(Admin admin, String topic, int partitions, Map<String, String> configs) throws Exception {
        get(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all());
        awaitDescribable(admin, topic, true);
    }

    /**
     * Waits until DescribeTopics succeeds for {@code topic} ({@code exists}) or fails with
     * UNKNOWN_TOPIC_OR_PARTITION (not {@code exists}): Apache Kafka answers CreateTopics and DeleteTopics
     * when its controller has committed the change, and its broker's metadata cache catches up a moment later.
     */
    static void awaitDescribable(Admin admin, String topic, boolean exists) {
        await("topic " + topic + (exists ? " to be described" : " to be gone"), () -> {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(STEP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return exists ? Optional.of(true) : Optional.empty();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return exists ? Optional.empty() : Optional.of(true);
                }
                throw new AssertionError("describing " + topic, e);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("describing " + topic, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        });
    }

    /** Polls {@code probe} until it returns a value or {@link #STEP_TIMEOUT} passes (then fails naming {@code what}). */
    static <T> T await(String what, Supplier<Optional<T>> probe) {
        long deadlineNs = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("timed out after " + STEP_TIMEOUT + " waiting for " + what);
            }
            // The poll interval between two probes (not a wait for a guessed time: the deadline bounds it).
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** A read that may throw, for {@link #settled}. */
    @FunctionalInterface
    interface Read<T> {
        T read() throws Exception;
    }

    /**
     * Reads until the value satisfies {@code expected} or {@link #SETTLE_TIMEOUT} passes, and returns the last
     * value either way (so a broker that never gets there shows its value in the observation). For reads right
     * after a write: Apache Kafka's broker applies committed metadata a moment after the controller answers.
     */
    static <T> T settled(Read<T> read, java.util.function.Predicate<T> expected) throws Exception {
        long deadlineNs = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (true) {
            T value = read.read();
            if (expected.test(value) || System.nanoTime() - deadlineNs > 0) {
                return value;
            }
            LockSupport.parkNanos(POLL_INTERVAL.toNanos());
        }
    }

    /** Everything DescribeConfigs says about one config, except its documentation and synonyms. */
    static String describeEntry(ConfigEntry e) {
        return "value=" + e.value() + " source=" + e.source() + " default=" + e.isDefault() + " readOnly="
                + e.isReadOnly() + " sensitive=" + e.isSensitive() + " type=" + e.type();
    }

    static String synonyms(ConfigEntry e) {
        return e.synonyms().stream().map(s -> s.name() + "=" + s.value() + "(" + s.source() + ")")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    static String node(Node node) {
        return node == null ? "null" : "id=" + node.id() + " " + node.host() + ":" + node.port() + " rack="
                + node.rack();
    }

    static String nodeIds(Collection<Node> nodes) {
        return nodes.stream().map(n -> Integer.toString(n.id())).collect(Collectors.joining(",", "[", "]"));
    }

    static String partitionInfo(TopicPartitionInfo p) {
        return "leader=" + (p.leader() == null ? "none" : p.leader().id()) + " replicas=" + nodeIds(p.replicas())
                + " isr=" + nodeIds(p.isr()) + " elr=" + nodeIds(p.elr()) + " lastKnownElr="
                + nodeIds(p.lastKnownElr());
    }

    /** Partition numbers of one topic, sorted: {@code [0,2,3]}. */
    static String partitions(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).sorted().map(String::valueOf)
                .collect(Collectors.joining(",", "[", "]"));
    }
}
