package io.elasticstream.broker.group;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * One member of a KIP-848 consumer group: what it subscribes to, the epoch it is at and the partitions it
 * owns there, and where its reconciliation towards the group's target assignment stands ({@link State}).
 * Owned by the coordinator thread.
 */
final class ConsumerGroupMember {
    /** Where a member's reconciliation stands (Kafka's {@code MemberState}). */
    enum State {
        /** At the target epoch with everything the target gives it that is free. */
        STABLE,
        /** Told to give up {@link #pendingRevocation}; stays at its epoch until its heartbeat no longer owns them. */
        UNREVOKED_PARTITIONS,
        /** At the target epoch, but some of its target partitions are still owned by others. */
        UNRELEASED_PARTITIONS
    }

    /** The epoch of a static member that left, keeping its place for its instance id until its session ends. */
    static final int LEFT_STATIC_EPOCH = -2;

    final String memberId;
    String instanceId;
    String rackId;
    String clientId;
    String clientHost;
    int rebalanceTimeoutMs;
    List<String> subscribedTopicNames = List.of();
    String subscribedTopicRegex;
    String serverAssignor;
    /** Set on a member that speaks the classic protocol (JoinGroup, SyncGroup, Heartbeat); null otherwise. */
    ClassicMemberMetadata classic;

    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    Assignment assigned = Assignment.EMPTY;
    Assignment pendingRevocation = Assignment.EMPTY;
    /**
     * The epoch at which each partition it owns (assigned or being revoked) was assigned to it (KIP-1251): a
     * commit at an older member epoch is accepted for the partitions it owned at that epoch already.
     */
    Map<Uuid, Map<Integer, Integer>> assignmentEpochs = Map.of();

    /** When the member is removed unless it heartbeats; -1: not started (loaded from the log, see tick). */
    long sessionDeadlineMs = -1;
    /** When an {@link State#UNREVOKED_PARTITIONS} member is fenced if it has not revoked yet; -1: none. */
    long revocationDeadlineMs = -1;
    /** A classic member told to rejoin is removed unless its JoinGroup comes by then; -1: none. */
    long joinDeadlineMs = -1;
    /** A classic member answered a JoinGroup is removed unless its SyncGroup comes by then; -1: none. */
    long syncDeadlineMs = -1;

    ConsumerGroupMember(String memberId) {
        this.memberId = memberId;
    }

    /** A copy under a new member id (a static member rejoining with a new id takes over its place). */
    ConsumerGroupMember replacedBy(String newMemberId) {
        ConsumerGroupMember m = new ConsumerGroupMember(newMemberId);
        m.instanceId = instanceId;
        m.rackId = rackId;
        m.clientId = clientId;
        m.clientHost = clientHost;
        m.rebalanceTimeoutMs = rebalanceTimeoutMs;
        m.subscribedTopicNames = subscribedTopicNames;
        m.subscribedTopicRegex = subscribedTopicRegex;
        m.serverAssignor = serverAssignor;
        m.assigned = assigned;
        m.pendingRevocation = Assignment.EMPTY;
        m.assignmentEpochs = assignmentEpochs;
        return m;
    }

    /** What its record holds, with its target assignment. */
    ConsumerGroupRecords.MemberValue toValue(Assignment target) {
        return new ConsumerGroupRecords.MemberValue(instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs,
                subscribedTopicNames, subscribedTopicRegex, serverAssignor, memberEpoch, previousMemberEpoch, state,
                assigned, pendingRevocation, target, assignmentEpochs, classic);
    }

    /** The member a replayed record describes; its deadlines start when the coordinator next ticks. */
    static ConsumerGroupMember from(String memberId, ConsumerGroupRecords.MemberValue v) {
        ConsumerGroupMember m = new ConsumerGroupMember(memberId);
        m.instanceId = v.instanceId();
        m.rackId = v.rackId();
        m.clientId = v.clientId();
        m.clientHost = v.clientHost();
        m.rebalanceTimeoutMs = v.rebalanceTimeoutMs();
        m.subscribedTopicNames = v.subscribedTopicNames();
        m.subscribedTopicRegex = v.subscribedTopicRegex();
        m.serverAssignor = v.serverAssignor();
        m.memberEpoch = v.memberEpoch();
        m.previousMemberEpoch = v.previousMemberEpoch();
        m.state = v.state();
        m.assigned = v.assigned();
        m.pendingRevocation = v.pendingRevocation();
        m.assignmentEpochs = v.assignmentEpochs();
        m.classic = v.classic();
        return m;
    }

    /** Whether it speaks the classic protocol. */
    boolean usesClassicProtocol() {
        return classic != null;
    }

    /** Its session timeout: its own if it speaks the classic protocol, else the group's. */
    int sessionTimeoutMs(ConsumerGroupConfig config) {
        return classic != null ? classic.sessionTimeoutMs() : config.sessionTimeoutMs();
    }

    boolean hasLeftStatically() {
        return memberEpoch == LEFT_STATIC_EPOCH;
    }

    /** Whether it reached {@code targetEpoch} with nothing left to revoke or to wait for. */
    boolean isReconciledTo(int targetEpoch) {
        return state == State.STABLE && memberEpoch == targetEpoch;
    }

    /**
     * Sets what it owns: {@code assigned} and {@code revoking}; partitions new to it are assigned at
     * {@code epoch}, the others keep the epoch they were assigned at.
     */
    void own(Assignment assigned, Assignment revoking, int epoch) {
        Map<Uuid, Map<Integer, Integer>> epochs = new TreeMap<>();
        assigned.plus(revoking).forEach((t, p) -> {
            Integer at = assignmentEpochs.getOrDefault(t, Map.of()).get(p);
            epochs.computeIfAbsent(t, k -> new TreeMap<>()).put(p, at == null ? epoch : at);
        });
        epochs.replaceAll((t, ps) -> Map.copyOf(ps));
        this.assigned = assigned;
        this.pendingRevocation = revoking;
        this.assignmentEpochs = Map.copyOf(epochs);
    }

    /** The epoch at which it was assigned the partition it owns, or null if it does not own it. */
    Integer assignedAt(Uuid topicId, int partition) {
        return assignmentEpochs.getOrDefault(topicId, Map.of()).get(partition);
    }

    /** What the member owns as far as other members are concerned: its assignment and what it still must revoke. */
    Assignment owned() {
        return pendingRevocation.isEmpty() ? assigned : assigned.plus(pendingRevocation);
    }
}
