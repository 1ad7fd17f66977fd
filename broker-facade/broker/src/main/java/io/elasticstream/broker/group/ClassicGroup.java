package io.elasticstream.broker.group;

import io.elasticstream.common.Checks;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

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
 * Owned by the coordinator thread; no synchronization.
 */
final class ClassicGroup {
    final String groupId;
    final int partition;
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
    final Map<TopicPartition, GroupRecords.OffsetValue> offsets = new HashMap<>();
    /** Offsets committed in transactions not yet ended, by producer id (TxnOffsetCommit); not visible yet. */
    final Map<Long, Map<TopicPartition, GroupRecords.OffsetValue>> pendingTxnOffsets = new HashMap<>();
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
        this.groupId = groupId;
        this.partition = partition;
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
}
