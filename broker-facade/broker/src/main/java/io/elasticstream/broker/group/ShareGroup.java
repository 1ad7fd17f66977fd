package io.elasticstream.broker.group;

import io.elasticstream.broker.share.SharePartition;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * A KIP-932 share group as the coordinator holds it: its {@link ShareGroupMembership} (members, epochs,
 * assignment) and Kafka's states, Empty (no members), Stable, and Dead (its partition was lost or it was
 * deleted). It has no committed offsets: OffsetCommit, OffsetFetch and OffsetDelete are refused with Kafka's
 * GROUP_ID_NOT_FOUND "Group X is not a consumer group."; where the group is in each partition is its share
 * state there, which the partitions' leaders write here. Its epoch and those states are written to the log
 * ({@link ShareGroupRecords}): a coordinator taking the partition over knows the group and its states, and its
 * members, unknown there, rejoin. Owned by the
 * coordinator thread.
 */
final class ShareGroup extends Group {

    static final String TYPE = "share";

    final ShareGroupMembership membership;
    /** The group's state in each partition, as last written by the partitions' leaders. */
    final Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> states = new HashMap<>();
    /**
     * The highest leader epoch of each partition that read or wrote the group's state there: a leader of an
     * older epoch (one that lost the partition) is fenced, FENCED_LEADER_EPOCH, as by Kafka's share coordinator.
     */
    final Map<GroupCoordinator.TopicIdPartitionKey, Integer> leaderEpochs = new HashMap<>();
    /** The epoch last written to the log (-1: none). */
    int writtenEpoch = -1;
    private boolean dead;

    ShareGroup(String groupId, int partition, ShareGroupMembership membership) {
        super(groupId, partition, new GroupOffsets());
        this.membership = membership;
    }

    @Override
    String typeName() {
        return TYPE;
    }

    @Override
    String stateName() {
        return dead ? "Dead" : membership.isEmpty() ? "Empty" : "Stable";
    }

    @Override
    boolean isDead() {
        return dead;
    }

    @Override
    boolean isEmpty() {
        return membership.isEmpty();
    }

    @Override
    String protocolType() {
        return TYPE;
    }

    @Override
    Errors validateOffsetCommit(int generationId, String memberId, String groupInstanceId, boolean transactional,
                                short apiVersion) {
        return Errors.GROUP_ID_NOT_FOUND;
    }

    @Override
    Errors validateOffsetFetch(String memberId, int memberEpoch) {
        return Errors.GROUP_ID_NOT_FOUND;
    }

    @Override
    Errors validateOffsetDelete() {
        return Errors.GROUP_ID_NOT_FOUND;
    }

    @Override
    void onOffsetCommit(String memberId, long nowMs) {
        // never reached: commits are refused
    }

    @Override
    Set<String> subscribedTopics() {
        return membership.subscribedTopics();
    }

    @Override
    boolean allowsOffsetDeleteWithMembers() {
        return false;
    }

    @Override
    void unload() {
        dead = true;
    }

    @Override
    boolean isHollow() {
        return false; // its record says it is a share group until a tombstone says otherwise
    }
}
