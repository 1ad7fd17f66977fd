package io.elasticstream.broker.topic;

import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/** Topic lookups and creation with Kafka's validation, through PD. */
public final class TopicService {
    private final PlacementService placement;
    private final int defaultPartitions;

    public TopicService(PlacementService placement, int defaultPartitions) {
        this.placement = placement;
        this.defaultPartitions = defaultPartitions;
    }

    public static Uuid kafkaId(TopicId id) {
        return new Uuid(id.mostSignificantBits(), id.leastSignificantBits());
    }

    public CompletableFuture<List<TopicInfo>> all() {
        return placement.topics();
    }

    public CompletableFuture<Optional<TopicInfo>> byName(String name) {
        return placement.topic(name);
    }

    /** Topic ids to names, for requests that name topics by id (Fetch v13+, Produce v13). */
    public CompletableFuture<Map<Uuid, String>> namesById() {
        return placement.topics().thenApply(topics -> {
            Map<Uuid, String> names = new HashMap<>();
            topics.forEach(t -> names.put(kafkaId(t.topicId()), t.name()));
            return names;
        });
    }

    /**
     * Validates a creation request as Kafka does and, unless {@code validateOnly}, creates the topic.
     * {@code partitions} and {@code replicationFactor} of -1 mean the broker defaults. Throws (or fails
     * the future with) Kafka {@code ApiException}s for invalid input.
     */
    public CompletableFuture<TopicInfo> create(String name, int partitions, short replicationFactor,
                                               Map<String, String> configs, int liveBrokers, boolean validateOnly) {
        Topic.validate(name);
        int count = partitions == -1 ? defaultPartitions : partitions;
        if (count <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        short rf = replicationFactor == -1 ? 1 : replicationFactor;
        if (rf <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the "
                    + "default value.");
        }
        if (rf > liveBrokers) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                    + " time(s): The target replication factor of " + rf + " cannot be reached because only "
                    + liveBrokers + " broker(s) are registered.");
        }
        for (Map.Entry<String, String> c : configs.entrySet()) {
            if (!TopicConfigNames.isKnown(c.getKey())) {
                throw new InvalidConfigurationException("Unknown topic config name: " + c.getKey());
            }
            if (c.getValue() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic configs: " + c.getKey());
            }
        }
        if (validateOnly) {
            return CompletableFuture.completedFuture(null);
        }
        return placement.createTopic(new NewTopic(name, count, configs));
    }

    /**
     * The error for a partition this broker does not serve: NOT_LEADER_OR_FOLLOWER when the partition
     * exists (another broker owns it, or it is still opening here), else UNKNOWN_TOPIC_OR_PARTITION.
     */
    public CompletableFuture<Errors> notServedHere(TopicPartition tp) {
        return byName(tp.topic()).thenApply(t -> t.isPresent() && tp.partition() >= 0
                && tp.partition() < t.get().partitionCount() ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }
}
