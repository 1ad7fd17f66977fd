package io.elasticstream.standalone;

import io.elasticstream.broker.Broker;
import io.elasticstream.common.Clock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Planned partition moves under load, end to end with real kafka-clients: two brokers on one placement
 * driver and one range server in this JVM, an idempotent acks=all producer writing continuously to four
 * partitions while Admin.alterPartitionReassignments moves them back and forth. Every acknowledged
 * record must be readable afterwards exactly once, at its acknowledged offset, in send order. Prints the
 * unavailability each move caused (the longest gap between consecutive acknowledgements of the moved
 * partition around the move) as p50/p99.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PlannedPartitionMoveTest {
    private static final String TOPIC = "moving";
    private static final int PARTITIONS = 4;
    private static final int MOVES = 24;
    /** Sends in flight at most, so the producer never buffers more than a move's worth. */
    private static final int MAX_IN_FLIGHT_SENDS = 64;
    /** Pace of the producer: about a thousand records a second over all partitions. */
    private static final long SEND_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** After a move is acknowledged, acknowledgements must have flowed this long before the move is measured. */
    private static final long SETTLE_MS = 1_000;
    private static final long WAIT_MS = 30_000;

    @TempDir
    Path dataDir;

    /** One acknowledged send: what was sent, where it landed, when its acknowledgement arrived. */
    private record Ack(long sequence, long offset, long atNanos) {
    }

    @Test
    void everyAcknowledgedRecordIsReadExactlyOnceInOrderAcrossRepeatedPlannedMoves() throws Exception {
        Clock clock = Clock.SYSTEM;
        try (StandaloneFixture server = new StandaloneFixture(dataDir)) {
            Broker second = server.startAnotherBroker(Map.of("node.id", "2", "listeners", "PLAINTEXT://127.0.0.1:0"));
            String bootstrap = server.bootstrapServers() + ",127.0.0.1:" + second.kafkaAddress().getPort();
            Map<Integer, ConcurrentLinkedDeque<Ack>> acks = new ConcurrentHashMap<>();
            List<Throwable> sendFailures = new CopyOnWriteArrayList<>();
            List<Long> unavailableMs = new ArrayList<>();
            Map<Integer, Long> sent = new HashMap<>();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                eventually("both brokers are live", () -> admin.describeCluster().nodes().get().size() == 2);
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
                for (int p = 0; p < PARTITIONS; p++) {
                    acks.put(p, new ConcurrentLinkedDeque<>());
                    sent.put(p, 0L);
                }
                AtomicBoolean producing = new AtomicBoolean(true);
                Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT_SENDS);
                Thread producerThread;
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
                    producerThread = Thread.ofPlatform().name("move-test-producer").start(() -> {
                        for (long n = 0; producing.get(); n++) {
                            int partition = (int) (n % PARTITIONS);
                            long sequence = sent.merge(partition, 1L, Long::sum) - 1;
                            try {
                                inFlight.acquire();
                            } catch (InterruptedException e) {
                                return;
                            }
                            LockSupport.parkNanos(SEND_INTERVAL_NANOS); // a steady load, not a flood
                            producer.send(new ProducerRecord<>(TOPIC, partition, null, partition + ":" + sequence),
                                    (metadata, error) -> {
                                        inFlight.release();
                                        if (error != null) {
                                            sendFailures.add(error);
                                        } else {
                                            acks.get(partition).add(new Ack(sequence, metadata.offset(), clock.nanoTime()));
                                        }
                                    });
                        }
                    });
                    for (int p = 0; p < PARTITIONS; p++) {
                        int partition = p;
                        eventually("partition " + p + " acknowledges sends", () -> !acks.get(partition).isEmpty());
                    }

                    for (int move = 0; move < MOVES; move++) {
                        int partition = move % PARTITIONS;
                        TopicPartition tp = new TopicPartition(TOPIC, partition);
                        int owner = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC)
                                .partitions().get(partition).leader().id();
                        int target = owner == 1 ? 2 : 1;
                        long startNanos = clock.nanoTime();
                        admin.alterPartitionReassignments(Map.of(tp, Optional.of(
                                new NewPartitionReassignment(List.of(target))))).all().get();
                        long settledNanos = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
                        ConcurrentLinkedDeque<Ack> partitionAcks = acks.get(partition);
                        eventually("partition " + partition + " acknowledges sends again after move " + move, () -> {
                            Ack last = partitionAcks.peekLast();
                            return last != null && last.atNanos() > settledNanos;
                        });
                        assertTrue(sendFailures.isEmpty(), "sends failed: " + sendFailures);
                        unavailableMs.add(longestGapMs(partitionAcks, startNanos, settledNanos));
                        int now = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC)
                                .partitions().get(partition).leader().id();
                        assertEquals(target, now, "owner of " + tp + " after move " + move);
                    }
                    assertTrue(admin.listPartitionReassignments().reassignments().get().isEmpty());
                    producing.set(false);
                    producerThread.join(WAIT_MS);
                    producer.flush();
                }
            }
            assertTrue(sendFailures.isEmpty(), "sends failed: " + sendFailures);
            verifyEveryAckIsReadOnceInOrder(bootstrap, acks);
            report(unavailableMs);
        }
    }

    @Test
    void partitionsOfABrokerThatShutsDownMoveAtOnceRatherThanAfterItsSessionTtl() throws Exception {
        long ttlMs = 30_000;
        try (StandaloneFixture server = new StandaloneFixture(dataDir, "member.session.ttl.ms=" + ttlMs)) {
            Broker second = server.startAnotherBroker(Map.of("node.id", "2", "listeners", "PLAINTEXT://127.0.0.1:0"));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    server.bootstrapServers()))) {
                eventually("both brokers are live", () -> admin.describeCluster().nodes().get().size() == 2);
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
                eventually("broker 2 owns partitions", () -> owners(admin).contains(2));

                long closedAtMs = Clock.SYSTEM.monotonicMillis();
                second.close();
                eventually("broker 1 owns every partition", () -> owners(admin).equals(List.of(1, 1, 1, 1)));
                long movedMs = Clock.SYSTEM.monotonicMillis() - closedAtMs;
                System.out.printf("partitions of a broker that shut down moved in %d ms (session TTL %d ms)%n",
                        movedMs, ttlMs);
                assertTrue(movedMs < ttlMs / 3, "moving took " + movedMs + " ms, as if the session had expired");
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(server.bootstrapServers()))) {
                for (int p = 0; p < PARTITIONS; p++) {
                    assertEquals(0, producer.send(new ProducerRecord<>(TOPIC, p, null, "after")).get().offset());
                }
            }
        }
    }

    /** The owner (leader) of each partition of {@link #TOPIC}, by partition. */
    private static List<Integer> owners(Admin admin) throws Exception {
        return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().stream()
                .map(p -> p.leader() == null ? -1 : p.leader().id()).toList();
    }

    private static Properties producerConfig(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return props;
    }

    /**
     * The longest time without an acknowledgement on the partition around a move: from the last
     * acknowledgement before the move started to the first after it settled, the largest gap between
     * consecutive acknowledgements.
     */
    private static long longestGapMs(Collection<Ack> acks, long startNanos, long settledNanos) {
        long previous = -1;
        long longest = 0;
        for (Ack ack : acks.stream().sorted((a, b) -> Long.compare(a.atNanos(), b.atNanos())).toList()) {
            if (ack.atNanos() < startNanos) {
                previous = ack.atNanos();
                continue;
            }
            if (previous >= 0) {
                longest = Math.max(longest, ack.atNanos() - previous);
            }
            previous = ack.atNanos();
            if (ack.atNanos() > settledNanos) {
                break;
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(longest);
    }

    private static void verifyEveryAckIsReadOnceInOrder(String bootstrap, Map<Integer, ConcurrentLinkedDeque<Ack>> acks) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            Map<Integer, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
            long deadline = Clock.SYSTEM.monotonicMillis() + WAIT_MS * 2;
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "read everything back in time");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r);
                }
            }
            for (int p = 0; p < PARTITIONS; p++) {
                Map<Long, String> byOffset = new HashMap<>();
                long lastSequence = -1;
                for (ConsumerRecord<byte[], byte[]> r : read.getOrDefault(p, List.of())) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    long sequence = Long.parseLong(value.substring(value.indexOf(':') + 1));
                    assertTrue(sequence > lastSequence, "partition " + p + ": " + value + " at " + r.offset()
                            + " after sequence " + lastSequence + " (a duplicate or out of order)");
                    lastSequence = sequence;
                    byOffset.put(r.offset(), value);
                }
                Collection<Ack> acked = acks.get(p);
                for (Ack ack : acked) {
                    assertEquals(p + ":" + ack.sequence(), byOffset.get(ack.offset()),
                            "partition " + p + ": acknowledged record at offset " + ack.offset());
                }
                System.out.printf("partition %d: %d acknowledged, %d read%n", p, acked.size(),
                        read.getOrDefault(p, List.of()).size());
            }
        }
    }

    private static void report(List<Long> unavailableMs) {
        List<Long> sorted = unavailableMs.stream().sorted().toList();
        long p50 = sorted.get((int) Math.ceil(0.50 * sorted.size()) - 1);
        long p99 = sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1);
        System.out.printf("planned partition move unavailability over %d moves: p50 %d ms, p99 %d ms, max %d ms, "
                + "all %s%n", sorted.size(), p50, p99, sorted.getLast(), unavailableMs);
    }

    private static void eventually(String what, Check check) throws Exception {
        long deadline = Clock.SYSTEM.monotonicMillis() + WAIT_MS;
        while (!check.holds()) {
            assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "timed out waiting until " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // poll, not spin: the moves are timed
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws Exception;
    }
}
