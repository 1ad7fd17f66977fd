package io.elasticstream.compat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Builds real Kafka clients for a test. Only what a test needs is set (bootstrap servers and byte-array
 * serdes); everything else stays at kafka-clients' defaults, so the producer is idempotent with acks=all.
 */
public final class Clients {
    /** Admin calls in tests are small; a server that takes longer than this is broken. */
    public static final long ADMIN_TIMEOUT_SECONDS = 30;

    private Clients() {
    }

    public static Map<String, Object> producerConfig(String bootstrapServers, Map<String, ?> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(overrides);
        return config;
    }

    /** A consumer without a group: tests {@code assign} partitions and seek explicitly. */
    public static Map<String, Object> consumerConfig(String bootstrapServers, Map<String, ?> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.putAll(overrides);
        return config;
    }

    public static Map<String, Object> adminConfig(String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return config;
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, ?> overrides) {
        return new KafkaProducer<>(producerConfig(bootstrapServers, overrides));
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return new KafkaConsumer<>(consumerConfig(bootstrapServers, Map.of()));
    }

    public static Admin admin(String bootstrapServers) {
        return Admin.create(adminConfig(bootstrapServers));
    }

    /** Creates a topic with {@code Admin.createTopics} (replication factor 1: one server). */
    public static void createTopic(String bootstrapServers, String topic, int partitions) {
        try (Admin admin = admin(bootstrapServers)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Admin.createTopics(" + topic + ", " + partitions + " partitions) failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code Admin.describeTopics} for one topic. */
    public static TopicDescription describeTopic(String bootstrapServers, String topic) {
        try (Admin admin = admin(bootstrapServers)) {
            return admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("Admin.describeTopics(" + topic + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** {@code Admin.describeConsumerGroups} for one group. */
    public static ConsumerGroupDescription describeGroup(String bootstrapServers, String group) {
        try (Admin admin = admin(bootstrapServers)) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("describeConsumerGroups(" + group + ") failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
