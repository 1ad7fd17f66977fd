package io.elasticstream.broker.group;

import io.elasticstream.common.Checks;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data of one classic group and its state, changed only through {@link #transitionTo}, which
 * enforces this table (Kafka's):
 *
 * <pre>
 * from                  to                    on
 * Empty                 PreparingRebalance    first JoinGroup
 * Empty                 Dead                  DeleteGroups, or its last offset removed
 * PreparingRebalance    CompletingRebalance   every member rejoined (or the rebalance timeout hit) and some remain
 * PreparingRebalance    Empty                 rebalance completed with no member left
 * CompletingRebalance   Stable                the leader's SyncGroup assignment was persisted
 * CompletingRebalance   PreparingRebalance    a member joined, left, changed protocols or expired
 * Stable                PreparingRebalance    a member joined, left, changed protocols or expired; leader rejoined
 * any                   Dead                  the coordinator lost the group's partition
 * </pre>
 * {@link ClassicGroupProtocol} drives it (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, deadlines). Owned by the
 * coordinator thread; no synchronization.
 */
final class ClassicGroup extends Group {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroup.class);
    static final String CONSUMER_PROTOCOL = "consumer";

    private GroupState state = GroupState.EMPTY;
    int generationId;
    String protocolType;
    String protocolName;
    String leaderId;
    final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Members told MEMBER_ID_REQUIRED, with the time by which they must rejoin. */
    final Map<String, Long> pendingMembers = new HashMap<>();
    /** group.instance.id to member id. */
    final Map<String, String> staticMembers = new HashMap<>();
    /** PreparingRebalance: when the rebalance completes regardless of missing members. */
    long joinDeadlineMs;
    /** PreparingRebalance from Empty: no completion before this (group.initial.rebalance.delay.ms). */
    long initialDelayUntilMs;
    long rebalanceStartMs;
    boolean initialJoin;
    /** A member joined during the initial delay: extend it (up to the rebalance timeout). */
    boolean newMemberDuringInitialDelay;
    /** CompletingRebalance: members that have not sent SyncGroup by then are removed. */
    long syncDeadlineMs;

    ClassicGroup(String groupId, int partition) {
        this(groupId, partition, new GroupOffsets());
    }

    /** A classic group taking over {@code offsets} (of an empty consumer group it replaces). */
    ClassicGroup(String groupId, int partition, GroupOffsets offsets) {
        super(groupId, partition, offsets);
    }

    GroupState state() {
        return state;
    }

    boolean is(GroupState s) {
        return state == s;
    }

    void transitionTo(GroupState target) {
        Checks.state(state.next().contains(target), "group %s: illegal transition %s -> %s", groupId, state, target);
        state = target;
    }

    /** Unconditional (replay, partition unload). */
    void forceState(GroupState target) {
        state = target;
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    void add(GroupMember m) {
        if (members.isEmpty()) {
            protocolType = m.protocolType;
        }
        members.put(m.memberId, m);
        if (m.groupInstanceId != null) {
            staticMembers.put(m.groupInstanceId, m.memberId);
        }
        if (leaderId == null) {
            leaderId = m.memberId;
        }
    }

    GroupMember remove(String memberId) {
        GroupMember m = members.remove(memberId);
        if (m != null && m.groupInstanceId != null && memberId.equals(staticMembers.get(m.groupInstanceId))) {
            staticMembers.remove(m.groupInstanceId);
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return m;
    }

    boolean allMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(m -> m.awaitingJoin != null);
    }

    /** Protocols every member supports; the one most members prefer (Kafka's vote), or null. */
    String selectProtocol() {
        Map<String, Integer> votes = new LinkedHashMap<>();
        GroupMember first = members.values().iterator().next();
        for (String p : first.protocols.keySet()) {
            if (members.values().stream().allMatch(m -> m.protocols.containsKey(p))) {
                votes.put(p, 0);
            }
        }
        if (votes.isEmpty()) {
            return null;
        }
        for (GroupMember m : members.values()) {
            for (String p : m.protocols.keySet()) {
                if (votes.containsKey(p)) {
                    votes.merge(p, 1, Integer::sum);
                    break;
                }
            }
        }
        return votes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Whether a joining member's protocols fit the group (Kafka's supportsProtocols). */
    boolean supports(String memberProtocolType, Iterable<String> memberProtocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && memberProtocols.iterator().hasNext();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (String p : memberProtocols) {
            if (members.values().stream().allMatch(m -> m.protocols.containsKey(p))) {
                return true;
            }
        }
        return false;
    }

    /** NONE if {@code memberId} (with its {@code group.instance.id}, if static) is a member; else Kafka's error. */
    Errors validateMember(String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = staticMembers.get(groupInstanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    @Override
    String typeName() {
        return "classic";
    }

    @Override
    String stateName() {
        return state.kafkaName();
    }

    @Override
    boolean isDead() {
        return is(GroupState.DEAD);
    }

    @Override
    boolean isEmpty() {
        return is(GroupState.EMPTY);
    }

    @Override
    String protocolType() {
        return protocolType == null ? "" : protocolType;
    }

    /** Kafka 4's rules for classic groups: generation -1 on an empty group is a "simple" commit. */
    @Override
    Errors validateOffsetCommit(int generationId, String memberId, String groupInstanceId, boolean transactional,
                                short apiVersion) {
        if (is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && is(GroupState.EMPTY)) {
            return Errors.NONE; // a simple (admin or manually assigned) commit
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors invalid = validateMember(memberId, groupInstanceId);
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generationId != this.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && !is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return !transactional && is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    @Override
    void onOffsetCommit(String memberId, long nowMs) {
        GroupMember m = members.get(memberId);
        if (is(GroupState.STABLE) && m != null) {
            m.sessionDeadlineMs = nowMs + m.sessionTimeoutMs;
        }
    }

    @Override
    Set<String> subscribedTopics() {
        Set<String> topics = new HashSet<>();
        if (!CONSUMER_PROTOCOL.equals(protocolType) || protocolName == null) {
            return topics;
        }
        for (GroupMember m : members.values()) {
            byte[] metadata = m.protocols.get(protocolName);
            if (metadata != null) {
                try {
                    ConsumerPartitionAssignor.Subscription s = ConsumerProtocol.deserializeSubscription(
                            ByteBuffer.wrap(metadata));
                    topics.addAll(s.topics());
                } catch (RuntimeException e) {
                    LOG.debug("Unreadable subscription of member {} in group {}", m.memberId, groupId, e);
                }
            }
        }
        return topics;
    }

    @Override
    boolean allowsOffsetDeleteWithMembers() {
        return CONSUMER_PROTOCOL.equals(protocolType);
    }

    @Override
    void unload() {
        for (GroupMember m : members.values()) {
            m.completeJoin(ClassicResponses.joinError(m.memberId, Errors.NOT_COORDINATOR));
            m.completeSync(ClassicResponses.syncError(Errors.NOT_COORDINATOR));
        }
        forceState(GroupState.DEAD);
    }

    @Override
    boolean isHollow() {
        return offsets.isEmpty() && protocolType == null && generationId == 0;
    }
}
