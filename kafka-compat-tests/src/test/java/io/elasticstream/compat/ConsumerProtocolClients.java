package io.elasticstream.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Kafka 4.4 Java clients for KIP-848 group tests: consumers with {@code group.protocol=consumer}, a steady producer. */
final class ConsumerProtocolClients {
    private ConsumerProtocolClients() {
    }

    /** A group member on its own thread: polls, counts each record it processes, commits after every batch. */
    static final class Member {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final Map<String, Integer> seen;
        private final AtomicBoolean running = new AtomicBoolean(true);
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        private Thread thread;

        Member(String bootstrap, String group, String topic, String instanceId, Map<String, Integer> seen) {
            this.consumer = ConsumerProtocolClients.consumer(bootstrap, group, instanceId);
            this.topic = topic;
            this.seen = seen;
        }

        Member start() {
            thread = Thread.ofPlatform().name("kip848-member").start(this::run);
            return this;
        }

        private void run() {
            try (consumer) {
                consumer.subscribe(List.of(topic));
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
        Map<String, Object> overrides = new HashMap<>(Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, "1000"));
        if (instanceId != null) {
            overrides.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
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
