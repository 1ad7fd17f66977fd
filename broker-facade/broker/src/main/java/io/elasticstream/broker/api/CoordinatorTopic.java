package io.elasticstream.broker.api;

import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An internal topic whose partitions hold a coordinator's state ({@code __consumer_offsets} for groups,
 * {@code __transaction_state} for transactions): the coordinator of a key is the broker owning the key's
 * partition. The topic is created, compacted, the first time a client looks a coordinator up, as Kafka does.
 */
final class CoordinatorTopic {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorTopic.class);

    private final String name;
    private final int partitionCount;
    private final ToIntFunction<String> partitionFor;
    private final int nodeId;
    private final PlacementService placement;
    private final PartitionManager partitions;
    private CompletableFuture<?> creating;

    CoordinatorTopic(String name, int partitionCount, ToIntFunction<String> partitionFor, int nodeId,
                     PlacementService placement, PartitionManager partitions) {
        this.name = name;
        this.partitionCount = partitionCount;
        this.partitionFor = partitionFor;
        this.nodeId = nodeId;
        this.placement = placement;
        this.partitions = partitions;
    }

    String name() {
        return name;
    }

    /** The partition of the topic holding {@code key}'s state. */
    TopicPartition partitionOf(String key) {
        return new TopicPartition(name, partitionFor.applyAsInt(key));
    }

    /**
     * The coordinator of {@code key} among {@code brokers}, given the topic as PD describes it (empty: not
     * created yet, which starts its creation): COORDINATOR_NOT_AVAILABLE while there is none yet.
     */
    Coordinator find(String key, List<BrokerInfo> brokers, Optional<TopicInfo> topic) {
        Coordinator c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        if (key == null || key.isEmpty()) {
            return error(c, Errors.INVALID_REQUEST, "The coordinator key must not be empty");
        }
        if (topic.isEmpty()) {
            create();
            return error(c, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        TopicPartition tp = partitionOf(key);
        Optional<PartitionInfo> partition = topic.get().partitions().stream()
                .filter(info -> info.partition() == tp.partition()).findFirst();
        if (partition.isEmpty()) {
            return error(c, Errors.COORDINATOR_NOT_AVAILABLE, null);
        }
        int owner = partition.get().ownerBrokerId();
        if (owner == nodeId && partitions.get(tp) == null) {
            return error(c, Errors.COORDINATOR_NOT_AVAILABLE, null); // still opening here
        }
        return brokers.stream().filter(b -> b.id() == owner).findFirst()
                .map(b -> c.setNodeId(b.id()).setHost(b.host()).setPort(b.port()).setErrorCode(Errors.NONE.code()))
                .orElseGet(() -> error(c, Errors.COORDINATOR_NOT_AVAILABLE, null));
    }

    static Coordinator error(Coordinator c, Errors error, String message) {
        return c.setErrorCode(error.code()).setErrorMessage(message == null ? error.message() : message);
    }

    /** Creates the topic (compacted) once; concurrent callers share the attempt. */
    private synchronized void create() {
        if (creating != null && !creating.isDone()) {
            return;
        }
        creating = placement.createTopic(new NewTopic(name, partitionCount, Map.of("cleanup.policy", "compact")))
                .whenComplete((t, err) -> {
                    if (err != null && ErrorMapper.toErrors(err) != Errors.TOPIC_ALREADY_EXISTS) {
                        LOG.warn("Creating {} failed: {}", name, err.toString());
                    } else if (err == null) {
                        LOG.info("Created {} with {} partitions", name, t.partitions().size());
                    }
                });
    }
}
