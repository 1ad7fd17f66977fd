package io.elasticstream.compat.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Share-group consume throughput (KIP-932), with Kafka 4.4's {@link KafkaShareConsumer} and its defaults
 * (implicit acknowledgement): the group is set to {@code share.auto.offset.reset=earliest}, then N consumers
 * of it start at once on one partition holding R records written before, until every record was delivered.
 * Records per second from the first delivery to the last record's first delivery, so the group's join (which
 * Kafka answers on its heartbeat interval, 5 s by default) is not counted; each consumer commits its last
 * acknowledgements before it closes.
 */
final class ShareConsume {
    private static final long TIMEOUT_MS = 180_000;

    private ShareConsume() {
    }

    static double recordsPerSec(String bootstrap, String topic, String group, int consumers, int records) {
        setEarliest(bootstrap, group);
        Set<Long> delivered = ConcurrentHashMap.newKeySet();
        AtomicLong firstNs = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        long end;
        try {
            for (int i = 0; i < consumers; i++) {
                int index = i;
                threads.add(Thread.ofPlatform().name("bench-share-" + i).start(() -> {
                    try {
                        consume(bootstrap, topic, group, index, delivered, firstNs, running);
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (delivered.size() < records) {
                if (failure.get() != null) {
                    throw new IllegalStateException("a share consumer failed", failure.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + delivered.size() + " of " + records
                            + " records delivered within " + TIMEOUT_MS + " ms");
                }
                sleepMillis(5); // the benchmark driver polling its consumers' progress
            }
            end = System.nanoTime();
        } finally {
            running.set(false);
            for (Thread t : threads) {
                try {
                    t.join(TimeUnit.SECONDS.toMillis(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return (records - 1) / ((end - firstNs.get()) / 1e9);
    }

    private static void consume(String bootstrap, String topic, String group, int index, Set<Long> delivered,
                                AtomicLong firstNs, AtomicBoolean running) {
        try (KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, group + "-" + index,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    delivered.add(r.offset());
                    firstNs.compareAndSet(0, System.nanoTime());
                }
            }
            consumer.commitSync();
        }
    }

    /** The group starts at the beginning of the log (Kafka's default is its end). */
    private static void setEarliest(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, group), List.of(
                    new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"),
                            AlterConfigOp.OpType.SET)))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot set share.auto.offset.reset on " + group, e);
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
