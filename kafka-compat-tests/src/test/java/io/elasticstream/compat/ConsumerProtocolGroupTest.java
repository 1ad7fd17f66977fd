package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KIP-848 consumer groups driven by Kafka 4.4's Java consumer with {@code group.protocol=consumer}: members
 * joining and leaving while a producer runs (every record processed exactly once, by committed offsets), a
 * static member's restart, a regex subscription picking up a new topic, and the admin client's view.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConsumerProtocolGroupTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("consumer-protocol");

    @Test
    void membersJoinAndLeaveWhileAProducerRunsAndEveryRecordIsProcessedOnce() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "kip848-churn";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 6);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = Thread.ofPlatform().name("kip848-producer").start(() ->
                ConsumerProtocolClients.produceUntilStopped(bootstrap, topic, producing, produced));

        ConsumerProtocolClients.Member a = new ConsumerProtocolClients.Member(bootstrap, group, topic, null, seen).start();
        await(() -> seen.size() > 300, "the first member consumes");
        ConsumerProtocolClients.Member b = new ConsumerProtocolClients.Member(bootstrap, group, topic, null, seen).start();
        ConsumerProtocolClients.Member c = new ConsumerProtocolClients.Member(bootstrap, group, topic, null, seen).start();
        awaitStable(bootstrap, group, 3);
        int before = seen.size();
        await(() -> seen.size() > before + 200, "the three members consume");
        b.stop();
        awaitStable(bootstrap, group, 2);
        int afterLeave = seen.size();
        await(() -> seen.size() > afterLeave + 200, "the two members consume");
        producing.set(false);
        producer.join(TimeUnit.MINUTES.toMillis(1));
        int total = produced.get();
        await(() -> seen.size() == total, "every record consumed");
        Thread.sleep(1_000); // a duplicate delivered late would show up here
        a.stop();
        c.stop();

        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "records processed twice");
        assertEquals(total, seen.size(), "records processed");
        assertTrue(a.errors.isEmpty() && b.errors.isEmpty() && c.errors.isEmpty(),
                "consumer errors: " + a.errors + b.errors + c.errors);
        await(() -> describe(bootstrap, group).groupState() == GroupState.EMPTY, "the group is empty once all left");
    }

    @Test
    void aRestartedStaticMemberGetsItsPartitionsBackWithoutARebalance() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "kip848-static";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 4);
        try (KafkaConsumer<byte[], byte[]> two = ConsumerProtocolClients.consumer(bootstrap, group, "instance-2")) {
            two.subscribe(List.of(topic));
            Set<TopicPartition> first = ownedByAFirstIncarnation(bootstrap, group, topic, two);
            int epoch = describe(bootstrap, group).groupEpoch().orElseThrow();
            try (KafkaConsumer<byte[], byte[]> again = ConsumerProtocolClients.consumer(bootstrap, group, "instance-1")) {
                again.subscribe(List.of(topic));
                pollUntil(List.of(again, two), () -> again.assignment().size() == 2, "the restarted member rejoins");
                assertEquals(first, again.assignment(), "the same partitions as before the restart");
                assertEquals(epoch, describe(bootstrap, group).groupEpoch().orElseThrow(), "no new group epoch");
                assertTrue(describe(bootstrap, group).members().stream()
                        .anyMatch(m -> m.groupInstanceId().orElse("").equals("instance-1")), "described with its id");
            }
        }
    }

    /** Static member instance-1 splits the partitions with {@code two}, then closes (leaving with epoch -2). */
    private static Set<TopicPartition> ownedByAFirstIncarnation(String bootstrap, String group, String topic,
                                                                KafkaConsumer<byte[], byte[]> two) {
        try (KafkaConsumer<byte[], byte[]> one = ConsumerProtocolClients.consumer(bootstrap, group, "instance-1")) {
            one.subscribe(List.of(topic));
            pollUntil(List.of(one, two), () -> one.assignment().size() == 2 && two.assignment().size() == 2,
                    "the two static members split the partitions");
            return Set.copyOf(one.assignment());
        }
    }

    @Test
    void aRegexSubscriptionPicksUpATopicCreatedLater() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String group = "kip848-regex-g";
        Clients.createTopic(bootstrap, "kip848-regex-a", 2);
        produce(bootstrap, "kip848-regex-a", 10);
        try (KafkaConsumer<byte[], byte[]> consumer = ConsumerProtocolClients.consumer(bootstrap, group, null)) {
            consumer.subscribe(new SubscriptionPattern("kip848-regex-.*"));
            List<String> values = new ArrayList<>();
            pollUntil(List.of(consumer), values, () -> values.size() == 10, "the matching topic's records");
            Clients.createTopic(bootstrap, "kip848-regex-b", 3);
            produce(bootstrap, "kip848-regex-b", 5);
            pollUntil(List.of(consumer), values, () -> values.size() == 15, "the new topic's records too");
            assertEquals(5, consumer.assignment().size(), "both topics' partitions assigned");
        }
    }

    @Test
    void theAdminClientListsAndDescribesAConsumerGroup() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "kip848-admin";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 3);
        try (KafkaConsumer<byte[], byte[]> consumer = ConsumerProtocolClients.consumer(bootstrap, group, null)) {
            consumer.subscribe(List.of(topic));
            pollUntil(List.of(consumer), () -> consumer.assignment().size() == 3, "the member owns every partition");
            ConsumerGroupDescription d = describe(bootstrap, group);
            assertEquals(GroupType.CONSUMER, d.type());
            assertEquals(GroupState.STABLE, d.groupState());
            assertEquals("uniform", d.partitionAssignor());
            assertEquals(3, d.members().iterator().next().assignment().topicPartitions().size());
            try (Admin admin = Clients.admin(bootstrap)) {
                Set<String> consumerGroups = new HashSet<>();
                for (GroupListing l : admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.CONSUMER)))
                        .all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    consumerGroups.add(l.groupId());
                }
                assertTrue(consumerGroups.contains(group), "listed as a consumer group: " + consumerGroups);
            }
        }
    }

    @Test
    void kafkaConsumerGroupsDescribesTheGroupItsMembersAndItsState() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "kip848-cli";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 3);
        produce(bootstrap, topic, 30);
        try (KafkaConsumer<byte[], byte[]> consumer = ConsumerProtocolClients.consumer(bootstrap, group, null)) {
            consumer.subscribe(List.of(topic));
            List<String> values = new ArrayList<>();
            pollUntil(List.of(consumer), values, () -> values.size() == 30, "every record");
            consumer.commitSync();
            ToolResult offsets = consumerGroups("--bootstrap-server", bootstrap, "--describe", "--group", group);
            List<String> rows = offsets.stdoutLines().stream().map(String::trim)
                    .filter(l -> l.startsWith(group + " ")).toList();
            assertEquals(3, rows.size(), offsets.describe());
            long lagFree = rows.stream().map(r -> r.split("\\s+")).filter(c -> c[5].equals("0") && !c[6].equals("-"))
                    .count();
            assertEquals(3, lagFree, "every partition: no lag, and owned by the member\n" + offsets.describe());

            ToolResult state = consumerGroups("--bootstrap-server", bootstrap, "--describe", "--group", group, "--state");
            String line = state.stdoutLines().stream().filter(l -> l.contains(group)).findFirst().orElse("");
            assertTrue(line.contains("uniform") && line.contains("Stable"), state.describe());

            ToolResult members = consumerGroups("--bootstrap-server", bootstrap, "--describe", "--group", group,
                    "--members", "--verbose");
            assertTrue(members.stdout().contains(topic + ":0,1,2"), members.describe());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static ToolResult consumerGroups(String... args) {
        ToolResult r = KafkaTool.run("kafka-consumer-groups", ConsumerGroupCommand.class, args);
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    private static void produce(String bootstrap, String topic, int count) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, null, (topic + "-" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until the group is Stable with {@code members} members; fails with its last description. */
    private static void awaitStable(String bootstrap, String group, int members) {
        ConsumerGroupDescription[] last = new ConsumerGroupDescription[1];
        try {
            await(() -> {
                last[0] = describe(bootstrap, group);
                return last[0].members().size() == members && last[0].groupState() == GroupState.STABLE;
            }, members + " members, stable");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last described: " + last[0], e);
        }
    }

    private static void await(BooleanSupplier done, String what) {
        pollUntil(List.of(), null, done, what);
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, BooleanSupplier done, String what) {
        pollUntil(consumers, null, done, what);
    }

    private static void pollUntil(List<KafkaConsumer<byte[], byte[]>> consumers, List<String> sink, BooleanSupplier done,
                                  String what) {
        ConsumerPolling.pollUntil(DEADLINE, consumers, sink, done, what);
    }

    private static ConsumerGroupDescription describe(String bootstrap, String group) {
        return Clients.describeGroup(bootstrap, group);
    }
}
