package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.share.SharePartitions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Where a partition's leader keeps the share-partition states of its partitions: at each group's coordinator
 * (the broker owning the group's {@code __consumer_offsets} partition), which writes them to the group's
 * partition ({@link GroupCoordinator#writeShareState}). Locally when that is this broker, else through
 * ReadShareGroupState / WriteShareGroupState to it ({@link PeerRequests}); a coordinator that cannot be
 * reached or has moved fails the call with a retriable error.
 */
final class ShareStates implements SharePartitions.StateStore {
    /** The share-state requests to another broker. */
    interface Remote {
        CompletableFuture<GroupCoordinator.ShareStateRead> read(int brokerId, String groupId, TopicIdPartition partition,
                                                                int leaderEpoch);

        CompletableFuture<Errors> write(int brokerId, String groupId, TopicIdPartition partition, int leaderEpoch,
                                        SharePartition.State state);
    }

    private final int nodeId;
    private final GroupCoordinator coordinator;
    private final CoordinatorTopic groupsTopic;
    private final PartitionManager partitions;
    private final Remote remote;
    /** The last remote write of each share-partition, which the next one waits for. */
    private final Map<SharePartitions.Key, CompletableFuture<Errors>> remoteWrites = new ConcurrentHashMap<>();

    ShareStates(int nodeId, GroupCoordinator coordinator, CoordinatorTopic groupsTopic, PartitionManager partitions,
                Remote remote) {
        this.nodeId = nodeId;
        this.coordinator = coordinator;
        this.groupsTopic = groupsTopic;
        this.partitions = partitions;
        this.remote = remote;
    }

    @Override
    public CompletableFuture<Optional<SharePartition.State>> read(String groupId, TopicIdPartition partition,
                                                                  int leaderEpoch) {
        return atCoordinator(groupId, new GroupCoordinator.ShareStateRead(Errors.COORDINATOR_NOT_AVAILABLE, null),
                () -> coordinator.readShareState(groupId, partition.topicId(), partition.partition(), leaderEpoch),
                owner -> remote.read(owner, groupId, partition, leaderEpoch))
                .thenCompose(r -> r.error() == Errors.NONE
                        ? CompletableFuture.completedFuture(Optional.ofNullable(r.state()))
                        : CompletableFuture.failedFuture(r.error().exception()));
    }

    @Override
    public CompletableFuture<Void> write(String groupId, TopicIdPartition partition, int leaderEpoch,
                                         SharePartition.State state) {
        return atCoordinator(groupId, Errors.COORDINATOR_NOT_AVAILABLE,
                () -> coordinator.writeShareState(groupId, partition.topicId(), partition.partition(), leaderEpoch,
                        state),
                owner -> afterRemoteWrites(new SharePartitions.Key(groupId, partition),
                        () -> remote.write(owner, groupId, partition, leaderEpoch, state)))
                .thenCompose(e -> e == Errors.NONE ? CompletableFuture.<Void>completedFuture(null)
                        : CompletableFuture.failedFuture(e.exception()));
    }

    /**
     * Sends a share-partition's remote writes one after another: requests sent at once could reach the
     * coordinator out of order, and an older state written last would undo newer acknowledgements. (Local
     * writes are appended in call order by the coordinator's thread, so they need no such wait.)
     */
    private CompletableFuture<Errors> afterRemoteWrites(SharePartitions.Key key,
                                                        Supplier<CompletableFuture<Errors>> write) {
        CompletableFuture<Errors> next = new CompletableFuture<>();
        CompletableFuture<Errors> previous = remoteWrites.put(key, next);
        (previous == null ? CompletableFuture.completedFuture(Errors.NONE) : previous)
                .handle((v, err) -> null)
                .thenCompose(v -> write.get())
                .whenComplete((e, err) -> {
                    remoteWrites.remove(key, next);
                    if (err != null) {
                        next.completeExceptionally(err);
                    } else {
                        next.complete(e);
                    }
                });
        return next;
    }

    /** {@code local} when this broker coordinates {@code groupId}, {@code remote} to the broker that does, else {@code none}. */
    private <T> CompletableFuture<T> atCoordinator(String groupId, T none, Supplier<CompletableFuture<T>> local,
                                                   IntFunction<CompletableFuture<T>> remote) {
        int owner = partitions.ownerOf(groupsTopic.partitionOf(groupId));
        return owner < 0 ? CompletableFuture.completedFuture(none) : owner == nodeId ? local.get() : remote.apply(owner);
    }
}
