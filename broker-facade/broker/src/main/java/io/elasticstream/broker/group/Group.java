package io.elasticstream.broker.group;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * What every kind of group has for the coordinator: its id, the {@code __consumer_offsets} partition that
 * holds it, and its committed offsets ({@link GroupOffsets}, shared by all kinds: a group converted from one
 * protocol to another keeps them). Each kind ({@link ClassicGroup}, {@link ConsumerGroup}, {@link ShareGroup}) keeps its own membership and state
 * machine and answers the questions the offset store and the admin APIs ask. Owned by the coordinator
 * thread.
 */
abstract class Group {
    final String groupId;
    final int partition;
    final GroupOffsets offsets;

    Group(String groupId, int partition, GroupOffsets offsets) {
        this.groupId = groupId;
        this.partition = partition;
        this.offsets = offsets;
    }

    /** ListGroups' group type: {@code classic}, {@code consumer}, ... */
    abstract String typeName();

    /** The state as Kafka names it (ListGroups, DescribeGroups). */
    abstract String stateName();

    abstract boolean isDead();

    /** No members (Kafka's Empty state): the group may be deleted, its offsets deleted or simply committed. */
    abstract boolean isEmpty();

    /** ListGroups' protocol type ("" when none). */
    abstract String protocolType();

    /**
     * Whether an offset commit (plain or in a transaction) from this member, generation or epoch may
     * proceed; NONE if so, else Kafka's error.
     */
    abstract Errors validateOffsetCommit(int generationId, String memberId, String groupInstanceId,
                                         boolean transactional, short apiVersion);

    /**
     * After {@link #validateOffsetCommit} let a commit through: whether this partition of it may be committed
     * (KIP-1251: a consumer group member behind its epoch commits only partitions it owned then).
     */
    Errors validateCommitPartition(int memberEpoch, String memberId, TopicPartition tp) {
        return Errors.NONE;
    }

    /** Whether OffsetFetch (v9+ names a member and its epoch) from this member may read; NONE if so. */
    Errors validateOffsetFetch(String memberId, int memberEpoch) {
        return Errors.NONE;
    }

    /** Whether OffsetDelete may go on for this kind of group; NONE if so. */
    Errors validateOffsetDelete() {
        return Errors.NONE;
    }

    /** A member's commit counts as a sign of life where the protocol says so. */
    abstract void onOffsetCommit(String memberId, long nowMs);

    /** The topics the members subscribe to (their offsets cannot be deleted: GROUP_SUBSCRIBED_TO_TOPIC). */
    abstract Set<String> subscribedTopics();

    /** Offsets may be deleted while members are there only where Kafka allows it (consumer protocol groups). */
    abstract boolean allowsOffsetDeleteWithMembers();

    /** The coordinator lost the group's partition: every waiting request gets NOT_COORDINATOR, the group is dead. */
    abstract void unload();

    /** A group found in the log that holds nothing worth keeping (replayed, then emptied). */
    abstract boolean isHollow();
}
