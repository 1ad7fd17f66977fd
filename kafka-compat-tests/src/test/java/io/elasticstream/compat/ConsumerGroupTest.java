package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Consumer groups with the classic protocol, driven by real clients: Java consumers (eager and
 * cooperative assignors), the Java admin client and librdkafka's balanced consumer (kcat -G).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsumerGroupTest {
    private static final int PARTITIONS = 4;
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("consumer-groups");

    @Test
    void aGroupMemberCommitsAndANewMemberResumesAfterTheCommittedOffsetWithMetadataIntact() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "group-resume";
        String group = "group-resume-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        produce(bootstrap, topic, 0, 200);

        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group, RangeAssignor.class)) {
            consumer.subscribe(List.of(topic));
            assertEquals(200, consumeValues(List.of(consumer), 200).size(), "records consumed by the first member");
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            for (TopicPartition tp : consumer.assignment()) {
                commit.put(tp, new OffsetAndMetadata(consumer.position(tp), "meta-" + tp.partition()));
            }
            consumer.commitSync(commit);
        }

        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(bootstrap, group);
        assertEquals(PARTITIONS, committed.size(), "partitions with a committed offset: " + committed);
        assertEquals(200, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum(), "sum of offsets");
        committed.forEach((tp, o) -> assertEquals("meta-" + tp.partition(), o.metadata(), "metadata of " + tp));

        produce(bootstrap, topic, 200, 50);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group, RangeAssignor.class)) {
            consumer.subscribe(List.of(topic));
            List<String> values = consumeValues(List.of(consumer), 50);
            assertEquals(expected(200, 50), Set.copyOf(values), "a restarted member reads only what is after the commit");
        }
    }

    @ParameterizedTest
    @ValueSource(classes = {RangeAssignor.class, CooperativeStickyAssignor.class})
    void twoMembersConsumeDisjointPartitionsAndTheSurvivorTakesOverWhenOneLeaves(Class<?> assignor) {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "group-split-" + assignor.getSimpleName();
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        produce(bootstrap, topic, 0, 100);

        try (KafkaConsumer<byte[], byte[]> a = groupConsumer(bootstrap, group, assignor)) {
            a.subscribe(List.of(topic));
            pollUntil(List.of(a), () -> a.assignment().size() == PARTITIONS, "first member owns every partition");
            try (KafkaConsumer<byte[], byte[]> b = groupConsumer(bootstrap, group, assignor)) {
                b.subscribe(List.of(topic));
                pollUntil(List.of(a, b), () -> !a.assignment().isEmpty() && !b.assignment().isEmpty()
                        && a.assignment().size() + b.assignment().size() == PARTITIONS
                        && disjoint(a.assignment(), b.assignment()), "both members own disjoint partitions");
                assertEquals(PARTITIONS, union(a.assignment(), b.assignment()).size(), "all partitions assigned");
                assertEquals(2, describe(bootstrap, group).members().size(), "members described");
            }
            pollUntil(List.of(a), () -> a.assignment().size() == PARTITIONS, "the survivor owns every partition");
        }
        pollUntil(List.of(), () -> describe(bootstrap, group).groupState() == GroupState.EMPTY,
                "the group is empty once every member left");
    }

    @Test
    void committedOffsetsSurviveAServerRestart() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "group-restart";
        String group = "group-restart-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        produce(bootstrap, topic, 0, 120);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group, RangeAssignor.class)) {
            consumer.subscribe(List.of(topic));
            assertEquals(120, consumeValues(List.of(consumer), 120).size());
            consumer.commitSync();
        }
        Map<TopicPartition, OffsetAndMetadata> before = committedOffsets(bootstrap, group);

        SERVER.server().restart();
        bootstrap = SERVER.bootstrapServers();

        try (Admin admin = Clients.admin(bootstrap)) {
            Collection<GroupListing> listed = admin.listGroups().all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertTrue(listed.stream().anyMatch(g -> g.groupId().equals(group)),
                    "the group is listed after the restart, before any request names it: " + listed);
        }
        assertEquals(before, committedOffsets(bootstrap, group), "committed offsets after the restart");
        produce(bootstrap, topic, 120, 30);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group, RangeAssignor.class)) {
            consumer.subscribe(List.of(topic));
            assertEquals(expected(120, 30), Set.copyOf(consumeValues(List.of(consumer), 30)),
                    "after the restart the group resumes after its committed offsets");
        }
    }

    @Test
    void adminListsDescribesAndDeletesAnEmptyGroup() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "group-admin";
        String group = "group-admin-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        produce(bootstrap, topic, 0, 10);
        try (KafkaConsumer<byte[], byte[]> consumer = groupConsumer(bootstrap, group, RangeAssignor.class)) {
            consumer.subscribe(List.of(topic));
            consumeValues(List.of(consumer), 10);
            consumer.commitSync();
        }
        try (Admin admin = Clients.admin(bootstrap)) {
            Collection<GroupListing> listed = admin.listGroups().all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            GroupListing listing = listed.stream().filter(g -> g.groupId().equals(group)).findFirst()
                    .orElseThrow(() -> new AssertionError(group + " not listed in " + listed));
            assertEquals("consumer", listing.protocol());
            ConsumerGroupDescription d = describe(bootstrap, group);
            assertEquals(GroupState.EMPTY, d.groupState());
            assertTrue(d.members().isEmpty());

            admin.deleteConsumerGroups(List.of(group)).all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Collection<GroupListing> after = admin.listGroups().all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertFalse(after.stream().anyMatch(g -> g.groupId().equals(group)), "deleted group still listed: " + after);
            assertTrue(committedOffsets(bootstrap, group).isEmpty(), "offsets of a deleted group");
        }
    }

    @Test
    void kcatBalancedConsumerReadsEveryRecordAndCommits() {
        String bootstrap = SERVER.bootstrapServers();
        Kcat.require();
        String topic = "group-kcat";
        String group = "group-kcat-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        produce(bootstrap, topic, 0, 100);

        ToolResult consume = Kcat.run(KCAT_TIMEOUT, "", "-b", bootstrap, "-G", group, "-X",
                "auto.offset.reset=earliest", "-c", "100", "-f", "%s\\n", topic);
        assertEquals(0, consume.exitCode(), consume.describe());
        assertEquals(expected(0, 100), Set.copyOf(consume.stdoutLines()), consume.describe());
        pollUntil(List.of(), () -> committedOffsets(bootstrap, group).values().stream()
                .mapToLong(OffsetAndMetadata::offset).sum() == 100, "kcat committed every offset");
    }

    // ---------------------------------------------------------------- helpers

    private static KafkaConsumer<byte[], byte[]> groupConsumer(String bootstrap, String group, Class<?> assignor) {
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName())));
    }

    private static void produce(String bootstrap, String topic, int first, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = first; i < first + count; i++) {
                producer.send(new ProducerRecord<>(topic, i % PARTITIONS, null, value(i)));
            }
            producer.flush();
        }
    }

    private static byte[] value(int i) {
        return ("record-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static Set<String> expected(int first, int count) {
        return IntStream.range(first, first + count).mapToObj(i -> "record-" + i).collect(Collectors.toSet());
    }

    /** Polls the consumers until {@code count} records arrived in total; fails on more or on the deadline. */
    private static List<String> consumeValues(List<KafkaConsumer<byte[], byte[]>> consumers, int count) {
        List<String> values = new ArrayList<>();
        pollUntil(consumers, values, () -> values.size() >= count, count + " records consumed");
        // Nothing more may come: a member that re-read committed records would show up here.
        for (KafkaConsumer<byte[], byte[]> c : consumers) {
            c.poll(Duration.ofMillis(500)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        assertEquals(count, values.size(), "records consumed: " + values);
        return values;
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, BooleanSupplier done, String what) {
        pollUntil(consumers, null, done, what);
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, List<String> sink, BooleanSupplier done,
                                  String what) {
        ConsumerPolling.pollUntil(DEADLINE, consumers, sink, done, what);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(String bootstrap, String group) {
        try (Admin admin = Clients.admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    present.put(tp, o);
                }
            });
            return present;
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("listConsumerGroupOffsets(" + group + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static ConsumerGroupDescription describe(String bootstrap, String group) {
        return Clients.describeGroup(bootstrap, group);
    }

    private static boolean disjoint(Set<TopicPartition> a, Set<TopicPartition> b) {
        return a.stream().noneMatch(b::contains);
    }

    private static Set<TopicPartition> union(Set<TopicPartition> a, Set<TopicPartition> b) {
        Set<TopicPartition> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
