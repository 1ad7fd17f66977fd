package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The data of one KIP-848 consumer group: its members, the group epoch (bumped whenever membership, a
 * subscription or a subscribed topic changes), the target assignment computed at the assignment epoch, and
 * the topics its members subscribe to as last resolved. Its state is derived, as in Kafka:
 *
 * <pre>
 * Empty        no members
 * Assigning    the group epoch is ahead of the target assignment's epoch
 * Reconciling  some member has not reached the target assignment yet
 * Stable       every member is at the assignment epoch with all of its target
 * Dead         the coordinator lost the group's partition, or the group was deleted
 * </pre>
 * {@link ConsumerGroupProtocol} drives it. Owned by the coordinator thread; no synchronization.
 */
final class ConsumerGroup extends Group {
    static final String TYPE = "consumer";

    int groupEpoch;
    int assignmentEpoch;
    final Map<String, ConsumerGroupMember> members = new LinkedHashMap<>();
    /** Member id by instance id, for static members. */
    final Map<String, String> staticMembers = new HashMap<>();
    final Map<String, Assignment> targetAssignment = new HashMap<>();
    /** The subscribed topics (by name or regex) that exist, as of the last group epoch. */
    Map<String, TopicImage.Topic> subscribedTopics = Map.of();
    /** The topic names each subscribed regular expression matched, as of the last group epoch. */
    Map<String, Set<String>> resolvedRegexes = Map.of();
    /** The epochs and members as last written to the log: what a change has to write is the difference. */
    ConsumerGroupRecords.Epochs writtenEpochs;
    final Map<String, ConsumerGroupRecords.MemberValue> writtenMembers = new HashMap<>();
    /** Loaded from the log: its subscriptions are resolved again against the first topic image, without a bump. */
    boolean subscriptionsStale;
    /**
     * Records of a protocol conversion ({@link GroupConversions}) to write before anything else: the tombstone of
     * the classic group it replaced, or, once it was converted back, its own tombstones and the classic group's.
     */
    final List<KeyedRecordLog.Entry> conversionRecords = new ArrayList<>();
    private boolean dead;

    ConsumerGroup(String groupId, int partition, GroupOffsets offsets) {
        super(groupId, partition, offsets);
    }

    @Override
    String typeName() {
        return TYPE;
    }

    @Override
    String stateName() {
        if (dead) {
            return "Dead";
        }
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerGroupMember m : members.values()) {
            if (!m.isReconciledTo(assignmentEpoch)) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    @Override
    boolean isDead() {
        return dead;
    }

    @Override
    boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    String protocolType() {
        return TYPE;
    }

    /** Kafka's rules: an empty group takes simple commits; a member commits at its current epoch. */
    @Override
    Errors validateOffsetCommit(int memberEpoch, String memberId, String groupInstanceId, boolean transactional,
                                short apiVersion) {
        if (dead) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (memberEpoch < 0 && members.isEmpty()) {
            return Errors.NONE;
        }
        ConsumerGroupMember m = members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (!transactional && apiVersion < 9 && !m.usesClassicProtocol()) {
            return Errors.UNSUPPORTED_VERSION;
        }
        // an older epoch is checked partition by partition (KIP-1251), a newer one is no epoch of this member
        if (memberEpoch > m.memberEpoch) {
            return m.usesClassicProtocol() ? Errors.ILLEGAL_GENERATION : Errors.STALE_MEMBER_EPOCH;
        }
        return Errors.NONE;
    }

    @Override
    Errors validateCommitPartition(int memberEpoch, String memberId, TopicPartition tp) {
        ConsumerGroupMember m = members.get(memberId);
        if (m == null || memberEpoch < 0 || memberEpoch == m.memberEpoch) {
            return Errors.NONE;
        }
        TopicImage.Topic topic = subscribedTopics.get(tp.topic());
        Integer at = topic == null ? null : m.assignedAt(topic.id(), tp.partition());
        return at != null && at <= memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    @Override
    Errors validateOffsetFetch(String memberId, int memberEpoch) {
        if (memberId == null && memberEpoch < 0) {
            return Errors.NONE;
        }
        ConsumerGroupMember m = members.get(memberId);
        if (m == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return memberEpoch == m.memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
    }

    @Override
    void onOffsetCommit(String memberId, long nowMs) {
        // KIP-848 members prove they are alive by heartbeating only
    }

    @Override
    Set<String> subscribedTopics() {
        Set<String> names = new HashSet<>();
        for (ConsumerGroupMember m : members.values()) {
            names.addAll(m.subscribedTopicNames);
            if (m.subscribedTopicRegex != null) {
                names.addAll(resolvedRegexes.getOrDefault(m.subscribedTopicRegex, Set.of()));
            }
        }
        return names;
    }

    @Override
    boolean allowsOffsetDeleteWithMembers() {
        return true;
    }

    @Override
    void unload() {
        dead = true;
    }

    @Override
    boolean isHollow() {
        return false; // its record says it is a consumer group until a tombstone says otherwise
    }

    /** The records that bring the log up to this group's state (written members, epochs), remembered as written. */
    List<KeyedRecordLog.Entry> changes() {
        List<KeyedRecordLog.Entry> out = new ArrayList<>(conversionRecords);
        conversionRecords.clear();
        if (dead) {
            return out; // unloaded, or converted back to a classic group: nothing of its own to write any more
        }
        ConsumerGroupRecords.Epochs epochs = new ConsumerGroupRecords.Epochs(groupEpoch, assignmentEpoch);
        if (!epochs.equals(writtenEpochs)) {
            out.add(new KeyedRecordLog.Entry(ConsumerGroupRecords.groupKey(groupId),
                    ConsumerGroupRecords.groupValue(epochs)));
            writtenEpochs = epochs;
        }
        for (ConsumerGroupMember m : members.values()) {
            ConsumerGroupRecords.MemberValue v = m.toValue(targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY));
            if (!v.equals(writtenMembers.get(m.memberId))) {
                out.add(new KeyedRecordLog.Entry(
                        ConsumerGroupRecords.memberKey(groupId, m.memberId), ConsumerGroupRecords.memberValue(v)));
                writtenMembers.put(m.memberId, v);
            }
        }
        for (String gone : List.copyOf(writtenMembers.keySet())) {
            if (!members.containsKey(gone)) {
                out.add(new KeyedRecordLog.Entry(
                        ConsumerGroupRecords.memberKey(groupId, gone), null));
                writtenMembers.remove(gone);
            }
        }
        return out;
    }

    /** The member holding {@code instanceId}, or null. */
    ConsumerGroupMember staticMember(String instanceId) {
        String id = instanceId == null ? null : staticMembers.get(instanceId);
        return id == null ? null : members.get(id);
    }

    /** Whether a member other than {@code except} owns the partition (assigned, or not revoked yet). */
    boolean ownedByOther(String except, Uuid topicId, int partition) {
        for (ConsumerGroupMember m : members.values()) {
            if (!m.memberId.equals(except) && (m.assigned.contains(topicId, partition)
                    || m.pendingRevocation.contains(topicId, partition))) {
                return true;
            }
        }
        return false;
    }

    /** Whether some partition of {@code m}'s target that it does not have yet is still owned by another member. */
    boolean waitsOnUnreleasedPartition(ConsumerGroupMember m) {
        Assignment missing = targetAssignment.getOrDefault(m.memberId, Assignment.EMPTY).minus(m.assigned);
        return !missing.filter((t, p) -> ownedByOther(m.memberId, t, p)).isEmpty();
    }

    /** Whether every member but those in {@code except} speaks the classic protocol. */
    boolean allUseClassicProtocolExcept(Set<String> except) {
        return members.values().stream().allMatch(m -> except.contains(m.memberId) || m.usesClassicProtocol());
    }

    void put(ConsumerGroupMember m) {
        members.put(m.memberId, m);
        if (m.instanceId != null) {
            staticMembers.put(m.instanceId, m.memberId);
        }
    }

    void remove(ConsumerGroupMember m) {
        members.remove(m.memberId);
        targetAssignment.remove(m.memberId);
        if (m.instanceId != null) {
            staticMembers.remove(m.instanceId, m.memberId);
        }
    }
}
