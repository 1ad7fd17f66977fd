package io.elasticstream.compat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntPredicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Rebalance time of a consumer group, with Kafka 4.4's Java consumer and each protocol's defaults: N members
 * (one partition each) join at once, until every member owns its partition; then one member leaves, until
 * the others own all partitions again.
 */
final class GroupRebalance {
    private static final long TIMEOUT_MS = 120_000;

    /** Milliseconds until the joining group settled, and until it settled again after a member left. */
    record Times(double joinMs, double leaveMs) {
    }

    private GroupRebalance() {
    }

    static Times measure(String bootstrap, String topic, String group, String protocol, int members) {
        AtomicIntegerArray owned = new AtomicIntegerArray(members);
        List<AtomicBoolean> running = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        try {
            for (int i = 0; i < members; i++) {
                AtomicBoolean on = new AtomicBoolean(true);
                running.add(on);
                int index = i;
                threads.add(Thread.ofPlatform().name("bench-member-" + i).start(() ->
                        member(bootstrap, topic, group, protocol, index, owned, on)));
            }
            await(owned, members, i -> true, "all " + members + " members own a partition");
            double joinMs = (System.nanoTime() - start) / 1e6;
            long leaving = System.nanoTime();
            running.getFirst().set(false); // member 0 closes: it leaves the group
            await(owned, members, i -> i != 0, "the other members own every partition");
            return new Times(joinMs, (System.nanoTime() - leaving) / 1e6);
        } finally {
            running.forEach(on -> on.set(false));
            for (Thread t : threads) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static void member(String bootstrap, String topic, String group, String protocol, int index,
                               AtomicIntegerArray owned, AtomicBoolean running) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol,
                ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + index,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                consumer.poll(Duration.ofMillis(50));
                owned.set(index, consumer.assignment().size());
            }
            owned.set(index, 0);
        }
    }

    /** Until the members {@code counted} accepts each own one partition or more and all of them together. */
    private static void await(AtomicIntegerArray owned, int partitions, IntPredicate counted, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (true) {
            int total = 0;
            boolean everyone = true;
            for (int i = 0; i < owned.length(); i++) {
                if (counted.test(i)) {
                    total += owned.get(i);
                    everyone &= owned.get(i) > 0;
                }
            }
            if (everyone && total == partitions) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + TIMEOUT_MS + " ms: " + what);
            }
            try {
                Thread.sleep(5); // the benchmark driver polling its members' state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
