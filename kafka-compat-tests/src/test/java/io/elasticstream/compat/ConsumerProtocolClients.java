package io.elasticstream.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Kafka 4.4 Java clients for KIP-848 group tests: consumers with {@code group.protocol=consumer} (or classic, for
 * the migration between the two), a steady producer.
 */
final class ConsumerProtocolClients {
    private ConsumerProtocolClients() {
    }

    /**
     * A group member on its own thread: polls, counts each record it processes, commits after every batch and
     * when its partitions are revoked (a classic member's eager rebalance revokes between batches).
     */
    static final class Member {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final Map<String, Integer> seen;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        /** The partitions it owns, as its rebalance listener last heard. */
        final Set<TopicPartition> owned = ConcurrentHashMap.newKeySet();
        private Thread thread;

        Member(String bootstrap, String group, String topic, String instanceId, Map<String, Integer> seen) {
            this(bootstrap, group, topic, instanceId, GroupProtocol.CONSUMER, seen);
        }

        Member(String bootstrap, String group, String topic, String instanceId, GroupProtocol protocol,
               Map<String, Integer> seen) {
            this.consumer = ConsumerProtocolClients.consumer(bootstrap, group, instanceId, protocol);
            this.topic = topic;
            this.seen = seen;
        }

        Member start() {
            thread = Thread.ofPlatform().name("kip848-member").start(this::run);
            return this;
        }

        private void run() {
            try (consumer) {
                consumer.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        consumer.commitSync();
                        owned.removeAll(partitions);
                    }

                    @Override
                    public void onPartitionsLost(Collection<TopicPartition> partitions) {
                        owned.removeAll(partitions); // someone else's already: nothing to commit
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        owned.addAll(partitions);
                    }
                });
                while (running.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        seen.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                    consumer.commitSync();
                }
            } catch (RuntimeException e) {
                System.err.println("group member of " + topic + " stopped by " + e); // the test fails on errors
                errors.add(e);
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, String instanceId) {
        return consumer(bootstrap, group, instanceId, GroupProtocol.CONSUMER);
    }

    /** A consumer of {@code protocol}; classic ones heartbeat every 500 ms, so that they rejoin quickly. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group, String instanceId,
                                                  GroupProtocol protocol) {
        Map<String, Object> overrides = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol.name().toLowerCase(Locale.ROOT),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000"));
        if (instanceId != null) {
            overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        }
        if (protocol == GroupProtocol.CLASSIC) {
            overrides.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
            overrides.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        }
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, overrides));
    }

    /** A steady stream, 50 records every 50 ms, while members come and go; counts what was acknowledged. */
    static void produceUntilStopped(String bootstrap, String topic, AtomicBoolean producing,
                                            AtomicInteger produced) {
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; producing.get(); i++) {
                producer.send(new ProducerRecord<>(topic, null, (topic + "-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS);
                produced.incrementAndGet();
                if (i % 50 == 49) {
                    Thread.sleep(50);
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("produce failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
