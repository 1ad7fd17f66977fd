package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.admin.ShareMemberDescription;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.tools.consumer.ConsoleShareConsumer;
import org.apache.kafka.tools.consumer.group.ShareGroupCommand;

/**
 * Share groups (KIP-932) as Kafka 4.4's {@link KafkaShareConsumer}, admin client and tools use them, written
 * once and run against Apache Kafka 4.4 ({@link ShareConsumerReferenceTest}, which shows these are Kafka's
 * behaviours) and against us ({@link ShareConsumerTest}). Each scenario is a static method taking the
 * bootstrap address of a broker started with {@link #BROKER_OVERRIDES}; each uses its own topic and group, so
 * they can run in any order against one broker.
 *
 * <p>Where a share group starts: at the partition's end when its share-partition is first fetched
 * ({@code share.auto.offset.reset=latest}, Kafka's default, not changed here). A scenario therefore
 * {@linkplain #prime primes} each partition before writing what it checks: it writes a marker record and
 * waits a moment, again and again, until a member receives one. From then on the share-partition exists
 * and every record written later is delivered; markers written before it started are never delivered.
 *
 * <p>Threading: a scenario runs on the test's thread; {@link Member}s poll on their own threads, one
 * consumer each (a {@link KafkaShareConsumer} is not thread-safe).
 */
final class ShareConsumerScenarios {
    /** {@code group.share.record.lock.duration.ms}: how long a delivered record stays acquired without an ack. */
    static final int RECORD_LOCK_DURATION_MS = 3_000;
    /** {@code group.share.delivery.count.limit}: deliveries of a record before it is archived. */
    static final int DELIVERY_COUNT_LIMIT = 3;

    /**
     * Broker settings the scenarios rely on, under Kafka's names. Kafka 4.4 checks each against its
     * {@code min} companion (record lock at least {@code group.share.min.record.lock.duration.ms}, itself
     * at least 1000; delivery count limit at least {@code group.share.min.delivery.count.limit}, 2 by default
     * and at least 2; heartbeat interval and session timeout between their {@code min} and {@code max}), so
     * the {@code min} settings are lowered with them. The 1 s heartbeat brings a joining member its
     * assignment sooner (Kafka computes it {@code group.share.assignment.interval.ms}, 1 s, after the join
     * and sends it with the next heartbeat); the 10 s session lets a killed member leave sooner.
     */
    static final Map<String, String> BROKER_OVERRIDES = orderedMap(
            "group.share.record.lock.duration.ms", Integer.toString(RECORD_LOCK_DURATION_MS),
            "group.share.min.record.lock.duration.ms", "1000",
            "group.share.delivery.count.limit", Integer.toString(DELIVERY_COUNT_LIMIT),
            "group.share.heartbeat.interval.ms", "1000",
            "group.share.min.heartbeat.interval.ms", "1000",
            "group.share.session.timeout.ms", "10000",
            "group.share.min.session.timeout.ms", "10000");

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final Duration PRIME_INTERVAL = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration CHILD_START_TIMEOUT = Duration.ofSeconds(60);
    private static final String PRIMER = "primer-";

    private ShareConsumerScenarios() {
    }

    // ---------------------------------------------------------------- scenarios

    /**
     * Three members share one partition: of {@code records} written in many small batches after they joined,
     * every one is delivered exactly once (delivery count 1) across the three and accepted (implicit
     * acknowledgement, the default): once they have closed, a new member of the group receives only a
     * record written after them. The records are spread over more than one member. Returns how many records
     * each member received.
     */
    static List<Integer> threeMembersShareOnePartitionAndEachRecordIsAcceptedOnce(String bootstrap, int records,
                                                                        int recordsPerBatch) {
        String topic = "share-three-members";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        List<Member> members = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int m = 0; m < 3; m++) {
                members.add(Member.start(bootstrap, group, topic, m));
            }
            awaitAssignment(bootstrap, group, 3, Set.of(p0));
            prime(producer, p0, () -> members.stream().anyMatch(m -> m.received(PRIMER)), () -> { });
            for (int i = 0; i < records; i++) {
                producer.send(record(p0, "record-" + i));
                if (i % recordsPerBatch == recordsPerBatch - 1) {
                    producer.flush(); // one batch per flush: many batches for the members to share
                }
            }
            producer.flush();
            await("all " + records + " records delivered", () -> distinct(members, "record-") == records,
                    () -> "delivered so far: " + distinct(members, "record-"));
        } finally {
            members.forEach(Member::close);
        }
        members.forEach(Member::assertNoErrors);

        Map<String, Integer> deliveries = new TreeMap<>();
        List<String> redelivered = new ArrayList<>();
        for (Member m : members) {
            for (Delivery d : m.deliveries) {
                if (d.value.startsWith("record-")) {
                    deliveries.merge(d.value, 1, Integer::sum);
                    if (d.deliveryCount != 1) {
                        redelivered.add(d.toString());
                    }
                }
            }
        }
        List<String> twice = deliveries.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), twice, "records delivered more than once across the members");
        assertEquals(records, deliveries.size(), "records delivered");
        assertEquals(List.of(), redelivered, "deliveries with a delivery count other than 1");
        List<Integer> perMember = members.stream().map(m -> m.count("record-")).toList();
        assertTrue(perMember.stream().filter(n -> n > 0).count() >= 2,
                "the records are spread over more than one member: records per member " + perMember);

        List<String> afterThem = new ArrayList<>();
        try (KafkaShareConsumer<byte[], byte[]> late = shareConsumer(bootstrap, group, "late", Map.of());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            late.subscribe(List.of(topic));
            producer.send(record(p0, "end"));
            producer.flush();
            pollUntil(late, r -> afterThem.add(value(r)), () -> afterThem.contains("end"), "the end marker");
        }
        assertEquals(List.of("end"), afterThem, "a member joining after the three finished receives only the record "
                + "written after them: everything before was accepted");
        return perMember;
    }

    /**
     * Explicit acknowledgement ({@code share.acknowledgement.mode=explicit}): of three records, the ACCEPTed
     * one is done, the RELEASEd one is delivered again with delivery count 2, and the REJECTed one is never
     * delivered again; {@code commitSync()} answers for the partition without an error, and the consumer
     * reports the broker's acquisition lock duration.
     */
    static void explicitAcknowledgementAcceptsReleasesAndRejects(String bootstrap) {
        String topic = "share-explicit";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group, "explicit",
                Map.of(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"));
             KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            consumer.subscribe(List.of(topic));
            List<String> primers = new ArrayList<>();
            prime(producer, p0, () -> !primers.isEmpty(), () -> pollOnce(consumer, r -> {
                consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                primers.add(value(r));
            }));
            assertNoErrors(consumer.commitSync(), "commitSync after accepting the primers");

            producer.send(record(p0, "accept-me"));
            producer.send(record(p0, "release-me"));
            producer.send(record(p0, "reject-me"));
            producer.flush();
            Map<String, Integer> firstDeliveries = new LinkedHashMap<>();
            pollUntil(consumer, r -> {
                String v = value(r);
                firstDeliveries.put(v, deliveryCount(r));
                consumer.acknowledge(r, switch (v) {
                    case "release-me" -> AcknowledgeType.RELEASE;
                    case "reject-me" -> AcknowledgeType.REJECT;
                    default -> AcknowledgeType.ACCEPT;
                });
            }, () -> firstDeliveries.size() == 3, "the three records");
            assertEquals(Map.of("accept-me", 1, "release-me", 1, "reject-me", 1), firstDeliveries,
                    "each record delivered once, with delivery count 1");
            Map<TopicIdPartition, Optional<KafkaException>> committed = consumer.commitSync();
            assertNoErrors(committed, "commitSync of ACCEPT, RELEASE and REJECT");
            assertEquals(Set.of(p0), committed.keySet().stream().map(TopicIdPartition::topicPartition)
                    .collect(Collectors.toSet()), "commitSync answers for the acknowledged partition");
            assertEquals(Optional.of(RECORD_LOCK_DURATION_MS), consumer.acquisitionLockTimeoutMs(),
                    "the acquisition lock duration the broker reported");

            List<String> again = new ArrayList<>();
            Map<String, Integer> againCounts = new HashMap<>();
            pollUntil(consumer, r -> {
                again.add(value(r));
                againCounts.put(value(r), deliveryCount(r));
                consumer.acknowledge(r, AcknowledgeType.ACCEPT);
            }, () -> again.contains("release-me"), "the released record again");
            assertEquals(List.of("release-me"), again, "only the released record comes back");
            assertEquals(2, againCounts.get("release-me"), "the released record's second delivery count");
            assertNoErrors(consumer.commitSync(), "commitSync of the second delivery's ACCEPT");

            producer.send(record(p0, "after"));
            producer.flush();
            List<String> later = new ArrayList<>();
            pollUntil(consumer, r -> {
                later.add(value(r));
                consumer.acknowledge(r, AcknowledgeType.ACCEPT);
            }, () -> later.contains("after"), "a record written later");
            assertEquals(List.of("after"), later, "neither the accepted nor the rejected record is delivered again");
            assertNoErrors(consumer.commitSync(), "the last commitSync");
        }
    }

    /**
     * {@code share.auto.offset.reset=earliest}, set on the group with the admin client before it first fetches:
     * the records written before the group existed are delivered, from the start of the log.
     */
    static void aGroupSetToEarliestStartsAtTheBeginningOfTheLog(String bootstrap) throws Exception {
        String topic = "share-earliest";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 5; i++) {
                producer.send(record(p0, "early-" + i));
            }
            producer.flush();
        }
        setGroupConfigs(bootstrap, group, Map.of("share.auto.offset.reset", "earliest"));
        try (KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group, "earliest", Map.of())) {
            consumer.subscribe(List.of(topic));
            List<String> seen = new ArrayList<>();
            pollUntil(consumer, r -> seen.add(value(r)), () -> seen.size() >= 5, "the five records written before");
            assertEquals(List.of("early-0", "early-1", "early-2", "early-3", "early-4"), seen,
                    "every record from the start of the log, in order, once");
        }
    }

    /**
     * {@code share.isolation.level=read_committed} on the group: a transactional producer writes an aborted
     * transaction, a committed one and one left open. The member receives the committed records only, then,
     * once the open transaction commits, its records too; never an aborted one.
     */
    static void aReadCommittedGroupGetsCommittedRecordsOnly(String bootstrap) throws Exception {
        String topic = "share-read-committed";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        setGroupConfigs(bootstrap, group, Map.of("share.auto.offset.reset", "earliest",
                "share.isolation.level", "read_committed"));
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-txn"));
             KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group, "committed", Map.of())) {
            producer.initTransactions();
            for (String kind : List.of("aborted", "committed", "open")) {
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    producer.send(record(p0, kind + "-" + i));
                }
                if (kind.equals("aborted")) {
                    producer.abortTransaction();
                } else if (kind.equals("committed")) {
                    producer.commitTransaction();
                } else {
                    producer.flush();
                }
            }
            consumer.subscribe(List.of(topic));
            List<String> seen = new ArrayList<>();
            pollUntil(consumer, r -> seen.add(value(r)), () -> seen.size() >= 3, "the committed transaction");
            long quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < quietUntil) {
                pollOnce(consumer, r -> seen.add(value(r)));
            }
            assertEquals(List.of("committed-0", "committed-1", "committed-2"), seen,
                    "neither the aborted nor the open transaction's records");
            producer.commitTransaction();
            pollUntil(consumer, r -> seen.add(value(r)), () -> seen.size() >= 6, "the transaction once committed");
            assertEquals(List.of("committed-0", "committed-1", "committed-2", "open-0", "open-1", "open-2"), seen);
            assertNoErrors(consumer.commitSync(), "the last commitSync");
        }
    }

    /**
     * {@code kafka-share-groups --reset-offsets} and {@code --delete-offsets} on an empty group. A group whose
     * member accepted every record is reset to the earliest offset: a new member receives every record again.
     * While a member is in the group, an alteration is refused (GroupNotEmptyException). Deleting the topic's
     * offsets leaves the group without state there; a topic the group never read answers
     * UNKNOWN_TOPIC_OR_PARTITION.
     */
    static void kafkaShareGroupsResetsAndDeletesTheOffsetsOfAnEmptyGroup(String bootstrap) throws Exception {
        String topic = "share-reset";
        String unread = "share-reset-unread";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        Clients.createTopic(bootstrap, unread, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        Member first = Member.start(bootstrap, group, topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            prime(producer, p0, () -> first.receivedOn(p0, PRIMER), () -> { });
            for (int i = 0; i < 5; i++) {
                producer.send(record(p0, "reset-" + i));
            }
            producer.flush();
            await("the five records delivered", () -> first.count("reset-") == 5,
                    () -> "delivered: " + first.count("reset-"));
        } finally {
            first.close(); // accepts them all, and leaves: the group is empty
        }
        first.assertNoErrors();

        ToolResult reset = shareGroups("--bootstrap-server", bootstrap, "--reset-offsets", "--group", group,
                "--topic", topic, "--to-earliest", "--execute");
        assertTrue(row(reset, group).contains("0"), "the new start offset, 0, is printed\n" + reset.describe());
        try (Admin admin = Clients.admin(bootstrap)) {
            assertEquals(0L, shareOffsets(admin, group).get(p0).startOffset(), "the start offset after the reset");
        }

        try (KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group, "after-reset", Map.of())) {
            consumer.subscribe(List.of(topic));
            Set<String> again = new TreeSet<>();
            pollUntil(consumer, r -> {
                if (value(r).startsWith("reset-")) {
                    again.add(value(r));
                }
            }, () -> again.size() == 5, "the five records again, after the reset");
            try (Admin admin = Clients.admin(bootstrap)) {
                ExecutionException refused = assertThrows(ExecutionException.class, () -> admin
                        .alterShareGroupOffsets(group, Map.of(p0, 0L)).all()
                        .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "an alteration with a member in");
                assertInstanceOf(GroupNotEmptyException.class, refused.getCause(), "why: " + refused);
            }
            assertNoErrors(consumer.commitSync(), "the commitSync after the reset");
        }

        ToolResult deleted = shareGroups("--bootstrap-server", bootstrap, "--delete-offsets", "--group", group,
                "--topic", topic);
        assertTrue(deleted.stdout().contains(topic), "the deleted topic is printed\n" + deleted.describe());
        try (Admin admin = Clients.admin(bootstrap)) {
            assertFalse(shareOffsets(admin, group).containsKey(p0), "no state left in " + p0);
            ExecutionException neverRead = assertThrows(ExecutionException.class, () -> admin
                    .deleteShareGroupOffsets(group, Set.of(unread)).topicResult(unread)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS), "deleting a topic the group never read");
            assertInstanceOf(UnknownTopicOrPartitionException.class, neverRead.getCause(), "why: " + neverRead);
        }
    }

    private static Map<TopicPartition, SharePartitionOffsetInfo> shareOffsets(Admin admin, String group)
            throws Exception {
        return admin.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec()))
                .partitionsToOffsetInfo(group).get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * In a cluster, the broker of a share group's coordinator (where every partition's leader keeps the group's
     * state, most of them through another broker) is killed ({@code kill}, given its id) after a member accepted
     * every record of a topic of {@code partitions} partitions: a new member then receives exactly the records
     * written after the kill, none of the accepted ones again. Before the kill, the group's lag is 0 in every
     * partition, as the coordinator learns it from each partition's leader.
     */
    static void acceptedRecordsStayDoneWhenTheCoordinatorsBrokerDies(String bootstrap, int partitions,
                                                                       IntConsumer kill) throws Exception {
        String topic = "share-coordinator-killed";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, partitions);
        setGroupConfigs(bootstrap, group, Map.of("share.auto.offset.reset", "earliest"));
        Set<String> before = produce(bootstrap, topic, partitions, "before-");
        int coordinator;
        try (KafkaShareConsumer<byte[], byte[]> first = shareConsumer(bootstrap, group, "first",
                Map.of(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"))) {
            first.subscribe(List.of(topic));
            Set<String> seen = new HashSet<>();
            pollUntil(first, r -> {
                seen.add(value(r));
                first.acknowledge(r, AcknowledgeType.ACCEPT);
            }, () -> seen.containsAll(before), "every record written before the kill");
            assertNoErrors(first.commitSync(), "commitSync of every record");
            try (Admin admin = Clients.admin(bootstrap)) {
                coordinator = describe(admin, group).orElseThrow().coordinator().id();
                Map<TopicPartition, Optional<Long>> lags = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
                shareOffsets(admin, group).forEach((tp, info) -> lags.put(tp, info.lag()));
                assertEquals(partitions, lags.size(), "every partition has state: " + lags);
                assertEquals(Set.of(Optional.of(0L)), Set.copyOf(lags.values()),
                        "no lag left in any partition, wherever its leader is: " + lags);
            }
        }
        kill.accept(coordinator);

        Set<String> after = produce(bootstrap, topic, partitions, "after-");
        try (KafkaShareConsumer<byte[], byte[]> next = shareConsumer(bootstrap, group, "next", Map.of())) {
            next.subscribe(List.of(topic));
            Map<String, Integer> delivered = new HashMap<>();
            pollUntil(next, r -> delivered.merge(value(r), 1, Integer::sum),
                    () -> delivered.keySet().containsAll(after), "every record written after the kill");
            Thread.sleep(1_000); // an accepted record delivered again late would show up here
            pollOnce(next, r -> delivered.merge(value(r), 1, Integer::sum));
            assertEquals(after, delivered.keySet(), "only the records written after the kill (broker "
                    + coordinator + ", the coordinator)");
            assertEquals(Set.of(1), Set.copyOf(delivered.values()), "each once");
        }
    }

    private static Set<String> produce(String bootstrap, String topic, int partitions, String prefix) {
        Set<String> values = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < 10; i++) {
                    String v = prefix + p + "-" + i;
                    producer.send(record(new TopicPartition(topic, p), v));
                    values.add(v);
                }
            }
            producer.flush();
        }
        return values;
    }

    /**
     * The group's place in a partition survives a restart of the broker ({@code restart}, after which
     * {@code bootstrapAfter} reaches it): of ten records, the five a member ACCEPTed before the restart are never
     * delivered again; the five it held unacknowledged are delivered to the next member, with delivery count 1
     * again (Kafka does not count a delivery the restart cut short); records written after the restart follow.
     */
    static void acknowledgementsSurviveABrokerRestart(String bootstrap, Runnable restart,
                                                      Supplier<String> bootstrapAfter) {
        String topic = "share-restart";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        KafkaShareConsumer<byte[], byte[]> first = shareConsumer(bootstrap, group, "before",
                Map.of(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"));
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            first.subscribe(List.of(topic));
            List<String> primers = new ArrayList<>();
            prime(producer, p0, () -> !primers.isEmpty(), () -> pollOnce(first, r -> {
                first.acknowledge(r, AcknowledgeType.ACCEPT);
                primers.add(value(r));
            }));
            assertNoErrors(first.commitSync(), "commitSync of the primers");
            for (int i = 0; i < 10; i++) {
                producer.send(record(p0, "r" + i));
            }
            producer.flush();
            Set<String> held = new HashSet<>();
            pollUntil(first, r -> {
                String v = value(r);
                if (v.startsWith("r")) {
                    held.add(v);
                    if (Integer.parseInt(v.substring(1)) < 5) {
                        first.acknowledge(r, AcknowledgeType.ACCEPT);
                    }
                } else {
                    first.acknowledge(r, AcknowledgeType.ACCEPT);
                }
            }, () -> held.size() == 10, "the ten records");
            assertNoErrors(first.commitSync(), "commitSync of r0-r4 (r5-r9 stay acquired)");
        }
        restart.run();
        first.close(Duration.ofSeconds(1)); // its broker is gone; its locks went with it

        String after = bootstrapAfter.get();
        try (KafkaShareConsumer<byte[], byte[]> next = shareConsumer(after, group, "after", Map.of());
             KafkaProducer<byte[], byte[]> producer = Clients.producer(after, Map.of())) {
            next.subscribe(List.of(topic));
            Map<String, Integer> delivered = new TreeMap<>();
            pollUntil(next, r -> delivered.put(value(r), deliveryCount(r)), () -> delivered.size() >= 5,
                    "the five records held at the restart");
            producer.send(record(p0, "later"));
            producer.flush();
            pollUntil(next, r -> delivered.put(value(r), deliveryCount(r)), () -> delivered.containsKey("later"),
                    "a record written after the restart");
            assertEquals(Map.of("r5", 1, "r6", 1, "r7", 1, "r8", 1, "r9", 1, "later", 1), delivered,
                    "only the records not acknowledged before the restart come back, their interrupted delivery not "
                            + "counted (as Kafka 4.4), then new ones");
            assertNoErrors(next.commitSync(), "commitSync after the restart");
        }
    }

    /**
     * A member holding acquired records is SIGKILLed (a child JVM, {@link ShareConsumerHolder}) without
     * acknowledging them; another member of the group then receives those records, each with delivery
     * count 2. Returns how long after the kill they arrived.
     */
    static Duration recordsOfAKilledMemberGoToAnotherMember(String bootstrap, Path workDir) {
        return recordsOfALostMemberGoToAnotherMember(bootstrap, workDir, "share-killed-member", ChildProcess::kill);
    }

    /**
     * A member holding acquired records freezes (SIGSTOP: its connections stay open, it sends nothing); when
     * the acquisition lock expires ({@link #RECORD_LOCK_DURATION_MS}) another member receives those records,
     * each with delivery count 2, and not before the lock expired. Returns how long after the freeze they
     * arrived.
     */
    static Duration recordsOfAFrozenMemberComeBackWhenTheLockExpires(String bootstrap, Path workDir) {
        Duration after = recordsOfALostMemberGoToAnotherMember(bootstrap, workDir, "share-frozen-member",
                ChildProcess::suspend);
        // The holder printed its records a moment after acquiring them, and was frozen after that.
        assertTrue(after.toMillis() >= RECORD_LOCK_DURATION_MS / 2, "the frozen member's records came back after "
                + after.toMillis() + " ms, before their " + RECORD_LOCK_DURATION_MS + " ms acquisition lock expired");
        return after;
    }

    private static Duration recordsOfALostMemberGoToAnotherMember(String bootstrap, Path workDir, String topic,
                                                                  Consumer<ChildProcess> lose) {
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        ChildProcess holder = startHolder(bootstrap, group, topic, workDir);
        try {
            holder.awaitLine(ShareConsumerHolder.SUBSCRIBED, CHILD_START_TIMEOUT);
            String acquired;
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                prime(producer, p0, () -> holder.findLine(ShareConsumerHolder.ACQUIRED).isPresent(), () -> {
                    if (!holder.isAlive()) {
                        throw new AssertionError("the holder exited:\n" + holder.logTail(40));
                    }
                });
                acquired = holder.findLine(ShareConsumerHolder.ACQUIRED).orElseThrow();
            }
            // "ACQUIRED 3,4 lock=3000"
            String[] parts = acquired.split(" ");
            Set<Long> held = new HashSet<>();
            for (String offset : parts[0].split(",")) {
                held.add(Long.parseLong(offset));
            }
            assertEquals("lock=" + RECORD_LOCK_DURATION_MS, parts[1], "the acquisition lock the holder was told");
            lose.accept(holder);
            long lostNs = System.nanoTime();

            Map<Long, Integer> received = new TreeMap<>();
            long[] arrivedNs = new long[1];
            try (KafkaShareConsumer<byte[], byte[]> survivor = shareConsumer(bootstrap, group, "survivor", Map.of())) {
                survivor.subscribe(List.of(topic));
                pollUntil(survivor, r -> received.putIfAbsent(r.offset(), deliveryCount(r)),
                        () -> {
                            boolean all = received.keySet().containsAll(held);
                            if (all && arrivedNs[0] == 0) {
                                arrivedNs[0] = System.nanoTime();
                            }
                            return all;
                        }, "the records the lost member held: " + held);
            }
            Map<Long, Integer> heldCounts = new TreeMap<>();
            held.forEach(o -> heldCounts.put(o, received.get(o)));
            Map<Long, Integer> expected = new TreeMap<>();
            held.forEach(o -> expected.put(o, 2));
            assertEquals(expected, heldCounts, "delivery counts of the lost member's records at the other member");
            return Duration.ofNanos(arrivedNs[0] - lostNs);
        } finally {
            if (holder.isAlive()) {
                holder.kill(); // SIGKILL also ends a stopped process
            }
        }
    }

    /**
     * A record RELEASEd at every delivery is delivered {@link #DELIVERY_COUNT_LIMIT} times, with delivery
     * counts 1, 2, ..., and then archived: never delivered again, while records written after it flow.
     */
    static void aRecordReleasedAtEveryDeliveryIsArchivedAtTheDeliveryCountLimit(String bootstrap) {
        String topic = "share-poison";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        List<Integer> poisonDeliveries = new ArrayList<>();
        List<String> others = new ArrayList<>();
        try (KafkaShareConsumer<byte[], byte[]> consumer = shareConsumer(bootstrap, group, "poison",
                Map.of(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"));
             KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            Consumer<ConsumerRecord<byte[], byte[]>> handler = r -> {
                if (value(r).equals("poison")) {
                    poisonDeliveries.add(deliveryCount(r));
                    consumer.acknowledge(r, AcknowledgeType.RELEASE);
                } else {
                    others.add(value(r));
                    consumer.acknowledge(r, AcknowledgeType.ACCEPT);
                }
            };
            consumer.subscribe(List.of(topic));
            prime(producer, p0, () -> others.stream().anyMatch(v -> v.startsWith(PRIMER)),
                    () -> pollOnce(consumer, handler));
            producer.send(record(p0, "poison"));
            producer.flush();
            pollUntil(consumer, handler, () -> poisonDeliveries.size() >= DELIVERY_COUNT_LIMIT,
                    DELIVERY_COUNT_LIMIT + " deliveries of the released record");
            for (int i = 0; i < 10; i++) {
                producer.send(record(p0, "after-" + i));
            }
            producer.flush();
            pollUntil(consumer, handler, () -> others.contains("after-9"), "the records written after it");
            assertNoErrors(consumer.commitSync(), "commitSync");
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= DELIVERY_COUNT_LIMIT; i++) {
            expected.add(i);
        }
        assertEquals(expected, poisonDeliveries, "the released record's delivery counts: delivered "
                + DELIVERY_COUNT_LIMIT + " times, then never again");
        List<String> after = others.stream().filter(v -> v.startsWith("after-")).toList();
        assertEquals(10, after.size(), "the records after it, each once: " + after);
    }

    /**
     * What an operator sees of a share group with two members over two partitions: {@code Admin.listGroups}
     * lists it as type SHARE, {@code Admin.describeShareGroups} shows the two members each assigned one
     * partition, and {@code kafka-share-groups} lists it and describes its state, members and offsets.
     */
    static void theAdminClientAndKafkaShareGroupsShowTheGroup(String bootstrap) throws Exception {
        String topic = "share-admin";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        List<Member> members = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int m = 0; m < 2; m++) {
                members.add(Member.start(bootstrap, group, topic, m));
            }
            ShareGroupDescription described = awaitAssignment(bootstrap, group, 2, Set.of(p0, p1));
            assertEquals(GroupState.STABLE, described.groupState(), "the group's state: " + described);
            for (ShareMemberDescription m : described.members()) {
                assertEquals(1, m.assignment().topicPartitions().size(),
                        "two members, two partitions: one each: " + described);
            }
            for (TopicPartition p : List.of(p0, p1)) {
                prime(producer, p, () -> members.stream().anyMatch(m -> m.receivedOn(p, PRIMER)), () -> { });
                for (int i = 0; i < 5; i++) {
                    producer.send(record(p, "admin-" + p.partition() + "-" + i));
                }
                producer.flush();
            }
            await("the 10 records delivered", () -> distinct(members, "admin-") == 10,
                    () -> "delivered: " + distinct(members, "admin-"));

            try (Admin admin = Clients.admin(bootstrap)) {
                Collection<GroupListing> all = admin.listGroups().all()
                        .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                GroupListing listing = all.stream().filter(l -> l.groupId().equals(group)).findFirst()
                        .orElseThrow(() -> new AssertionError("listGroups does not list " + group + ": " + all));
                assertEquals(Optional.of(GroupType.SHARE), listing.type(), "the listed type: " + listing);
                assertEquals(Optional.of(GroupState.STABLE), listing.groupState(), "the listed state: " + listing);
                Set<String> shareGroups = admin.listGroups(new ListGroupsOptions().withTypes(Set.of(GroupType.SHARE)))
                        .all().get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                        .map(GroupListing::groupId).collect(Collectors.toSet());
                assertTrue(shareGroups.contains(group), "listGroups of type SHARE: " + shareGroups);
                Set<String> consumerGroups = admin.listGroups(new ListGroupsOptions()
                                .withTypes(Set.of(GroupType.CONSUMER))).all()
                        .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                        .map(GroupListing::groupId).collect(Collectors.toSet());
                assertFalse(consumerGroups.contains(group), "not listed as a consumer group: " + consumerGroups);
            }

            ToolResult list = shareGroups("--bootstrap-server", bootstrap, "--list");
            assertTrue(list.stdoutLines().contains(group), "--list prints the group\n" + list.describe());

            ToolResult state = shareGroups("--bootstrap-server", bootstrap, "--describe", "--group", group, "--state");
            List<String> stateRow = row(state, group);
            assertTrue(stateRow.contains("Stable") && stateRow.getLast().equals("2"),
                    "--state: Stable, 2 members\n" + state.describe());

            ToolResult membersView = shareGroups("--bootstrap-server", bootstrap, "--describe", "--group", group,
                    "--members");
            List<String> memberRows = membersView.stdoutLines().stream().map(String::strip)
                    .filter(l -> l.startsWith(group + " ")).toList();
            assertEquals(2, memberRows.size(), "--members: one row per member\n" + membersView.describe());
            Set<String> assignments = memberRows.stream().map(l -> l.split("\\s+"))
                    .map(c -> c[c.length - 1]).collect(Collectors.toSet());
            assertEquals(Set.of(topic + ":0", topic + ":1"), assignments,
                    "--members: each member's assignment\n" + membersView.describe());

            // The start offsets move when the acknowledgements arrive, with the members' next polls.
            ToolResult[] offsets = new ToolResult[1];
            await("kafka-share-groups --describe shows every record done", () -> {
                offsets[0] = shareGroups("--bootstrap-server", bootstrap, "--describe", "--group", group);
                return offsets[0].stdoutLines().stream().map(String::strip)
                        .filter(l -> l.startsWith(group + " ")).map(l -> List.of(l.split("\\s+")))
                        .filter(c -> c.get(1).equals(topic) && c.getLast().equals("0")).count() == 2;
            }, () -> offsets[0].describe());
        } finally {
            members.forEach(Member::close);
        }
        members.forEach(Member::assertNoErrors);
    }

    /**
     * Kafka's console share consumer ({@code kafka-console-share-consumer}) prints the records a producer
     * writes while it runs, in order, and exits after {@code --max-messages}.
     */
    static void theConsoleShareConsumerPrintsWhatAProducerWrites(String bootstrap) throws Exception {
        String topic = "share-console";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition p0 = new TopicPartition(topic, 0);
        CompletableFuture<ToolResult> console = CompletableFuture.supplyAsync(() -> KafkaTool.run(
                "kafka-console-share-consumer", ConsoleShareConsumer.class, "--bootstrap-server", bootstrap,
                "--topic", topic, "--group", group, "--max-messages", "3", "--timeout-ms", "60000"));
        List<String> written = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            // The tool starts at the end of the partition when it first fetches: write until it has read 3.
            long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
            while (!console.isDone()) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new AssertionError("the console share consumer read fewer than 3 of " + written);
                }
                String line = "line-" + written.size();
                producer.send(record(p0, line));
                producer.flush();
                written.add(line);
                LockSupport.parkNanos(PRIME_INTERVAL.toNanos());
            }
        }
        ToolResult result = console.get();
        assertEquals(0, result.exitCode(), result.describe());
        List<String> printed = result.stdoutLines();
        assertEquals(3, printed.size(), "three records printed\n" + result.describe());
        int first = written.indexOf(printed.getFirst());
        assertTrue(first >= 0, "prints records the producer wrote\n" + result.describe());
        assertEquals(written.subList(first, first + 3), printed, "three consecutive records, in order\n"
                + result.describe());
        assertTrue(result.stderr().contains("Processed a total of 3 messages"), result.describe());
    }

    // ---------------------------------------------------------------- members

    /** One delivery to a member: the value, where it was, its delivery count and which member got it. */
    record Delivery(String value, TopicPartition partition, long offset, int deliveryCount, int member) {
    }

    /**
     * A share-group member on its own thread with implicit acknowledgement: polls, keeps every delivery;
     * each poll accepts the records of the one before, and {@link #close()} accepts the last (commitSync).
     */
    static final class Member {
        private final KafkaShareConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final int index;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final Collection<Delivery> deliveries = new ConcurrentLinkedQueue<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private Thread thread;

        private Member(String bootstrap, String group, String topic, int index) {
            this.consumer = shareConsumer(bootstrap, group, "member-" + index, Map.of());
            this.topic = topic;
            this.index = index;
        }

        static Member start(String bootstrap, String group, String topic, int index) {
            Member m = new Member(bootstrap, group, topic, index);
            m.thread = Thread.ofPlatform().name("share-member-" + index).start(m::run);
            return m;
        }

        private void run() {
            try (consumer) {
                consumer.subscribe(List.of(topic));
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        deliveries.add(new Delivery(value(r), new TopicPartition(r.topic(), r.partition()),
                                r.offset(), deliveryCount(r), index));
                    }
                }
                // close() alone would not accept the last poll's records: it sends only acknowledgements
                // already made, and the broker releases the rest when the share session closes.
                consumer.commitSync();
            } catch (RuntimeException e) {
                System.err.println("share member " + index + " of " + topic + " stopped by " + e); // fails the test
                errors.add(e);
            }
        }

        boolean received(String prefix) {
            return deliveries.stream().anyMatch(d -> d.value.startsWith(prefix));
        }

        boolean receivedOn(TopicPartition partition, String prefix) {
            return deliveries.stream().anyMatch(d -> d.partition.equals(partition) && d.value.startsWith(prefix));
        }

        int count(String prefix) {
            return (int) deliveries.stream().filter(d -> d.value.startsWith(prefix)).count();
        }

        /** Stops polling, accepts the last poll's records and closes the consumer (leaving the group). */
        void close() {
            running.set(false);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            if (thread.isAlive()) {
                errors.add(new AssertionError("share member " + index + " did not close within 60 s"));
            }
        }

        void assertNoErrors() {
            assertEquals(List.of(), errors, "errors of share member " + index);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Sets {@code configs} on {@code group} (its GROUP config resource) with the admin client. */
    private static void setGroupConfigs(String bootstrap, String group, Map<String, String> configs)
            throws Exception {
        List<AlterConfigOp> ops = new ArrayList<>();
        configs.forEach((name, value) -> ops.add(new AlterConfigOp(new ConfigEntry(name, value),
                AlterConfigOp.OpType.SET)));
        try (Admin admin = Clients.admin(bootstrap)) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), ops)).all()
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    static KafkaShareConsumer<byte[], byte[]> shareConsumer(String bootstrap, String group, String name,
                                                            Map<String, ?> overrides) {
        Map<String, Object> config = Clients.consumerConfig(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + name));
        config.putAll(overrides);
        return new KafkaShareConsumer<>(config);
    }

    /**
     * Writes a marker to {@code partition} every {@link #PRIME_INTERVAL} (calling {@code pollOnce} or waiting
     * in between) until {@code seen}: then the share-partition exists and later records will be delivered.
     */
    private static void prime(KafkaProducer<byte[], byte[]> producer, TopicPartition partition, BooleanSupplier seen,
                              Runnable pollOnce) {
        long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
        for (int i = 0; !seen.getAsBoolean(); i++) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("no member received any of " + i + " markers written to " + partition
                        + " within " + DEADLINE);
            }
            producer.send(record(partition, PRIMER + i));
            producer.flush();
            long nextNs = System.nanoTime() + PRIME_INTERVAL.toNanos();
            while (!seen.getAsBoolean() && System.nanoTime() - nextNs < 0) {
                pollOnce.run();
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }

    /** Waits until the group has {@code members} members and between them they are assigned {@code partitions}. */
    private static ShareGroupDescription awaitAssignment(String bootstrap, String group, int members,
                                                         Set<TopicPartition> partitions) {
        ShareGroupDescription[] last = new ShareGroupDescription[1];
        try (Admin admin = Clients.admin(bootstrap)) {
            await(members + " members assigned " + partitions, () -> {
                Optional<ShareGroupDescription> d = describe(admin, group);
                if (d.isEmpty()) {
                    return false; // no member has joined yet
                }
                last[0] = d.get();
                if (last[0].members().size() != members) {
                    return false;
                }
                Set<TopicPartition> assigned = new HashSet<>();
                for (ShareMemberDescription m : last[0].members()) {
                    if (m.assignment().topicPartitions().isEmpty()) {
                        return false;
                    }
                    assigned.addAll(m.assignment().topicPartitions());
                }
                return assigned.equals(partitions);
            }, () -> "last described: " + last[0]);
        }
        return last[0];
    }

    /** {@code Admin.describeShareGroups} for one group; empty while the group does not exist. */
    private static Optional<ShareGroupDescription> describe(Admin admin, String group) {
        try {
            return Optional.of(admin.describeShareGroups(List.of(group)).describedGroups().get(group)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Optional.empty();
            }
            throw new AssertionError("describeShareGroups(" + group + ") failed", e);
        } catch (TimeoutException e) {
            throw new AssertionError("describeShareGroups(" + group + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void pollOnce(KafkaShareConsumer<byte[], byte[]> consumer,
                                 Consumer<ConsumerRecord<byte[], byte[]>> handler) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
            handler.accept(r);
        }
    }

    /** Polls {@code consumer}, handing each record to {@code handler}, until {@code done}; fails after {@link #DEADLINE}. */
    private static void pollUntil(KafkaShareConsumer<byte[], byte[]> consumer,
                                  Consumer<ConsumerRecord<byte[], byte[]>> handler, BooleanSupplier done, String what) {
        long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("not received within " + DEADLINE + ": " + what);
            }
            pollOnce(consumer, handler);
        }
    }

    private static void await(String what, BooleanSupplier done, Supplier<String> state) {
        long deadlineNs = System.nanoTime() + DEADLINE.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadlineNs > 0) {
                throw new AssertionError("not reached within " + DEADLINE + ": " + what + "; " + state.get());
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos()); // the interval between two checks
        }
    }

    private static int distinct(List<Member> members, String prefix) {
        Set<String> values = new HashSet<>();
        members.forEach(m -> m.deliveries.forEach(d -> {
            if (d.value.startsWith(prefix)) {
                values.add(d.value);
            }
        }));
        return values.size();
    }

    private static void assertNoErrors(Map<TopicIdPartition, Optional<KafkaException>> results, String what) {
        Map<TopicIdPartition, KafkaException> failed = new HashMap<>();
        results.forEach((p, e) -> e.ifPresent(x -> failed.put(p, x)));
        assertEquals(Map.of(), failed, what + ": partitions that failed");
    }

    private static ToolResult shareGroups(String... args) {
        ToolResult r = KafkaTool.run("kafka-share-groups", ShareGroupCommand.class, args);
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }

    /** The columns of the one output row about {@code group}. */
    private static List<String> row(ToolResult result, String group) {
        List<String> rows = result.stdoutLines().stream().map(String::strip).filter(l -> l.startsWith(group + " "))
                .toList();
        assertEquals(1, rows.size(), "one row about " + group + "\n" + result.describe());
        return List.of(rows.getFirst().split("\\s+"));
    }

    private static ChildProcess startHolder(String bootstrap, String group, String topic, Path workDir) {
        try {
            Path classpathArgs = workDir.resolve(topic + ".classpath.args");
            String classpath = ApacheKafkaBroker.readClasspath() + java.io.File.pathSeparator
                    + ApacheKafkaBroker.targetDir().resolve("test-classes");
            Files.writeString(classpathArgs, "-cp \"" + classpath + "\"\n", StandardCharsets.UTF_8);
            List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "@" + classpathArgs, "-Xmx128m", ShareConsumerHolder.class.getName(), bootstrap, group, topic);
            return ChildProcess.start("share-consumer holder of " + group, command, workDir,
                    workDir.resolve(topic + ".holder.log"));
        } catch (IOException e) {
            throw new AssertionError("cannot start the holder of " + group, e);
        }
    }

    private static ProducerRecord<byte[], byte[]> record(TopicPartition partition, String value) {
        return new ProducerRecord<>(partition.topic(), partition.partition(), null,
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static String value(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8);
    }

    private static int deliveryCount(ConsumerRecord<byte[], byte[]> r) {
        return r.deliveryCount().map(Short::intValue)
                .orElseThrow(() -> new AssertionError("a share consumer's record has a delivery count: " + r));
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
