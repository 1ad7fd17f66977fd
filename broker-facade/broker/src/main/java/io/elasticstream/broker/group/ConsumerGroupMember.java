package io.elasticstream.broker.group;

import java.util.List;

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

    int memberEpoch;
    int previousMemberEpoch;
    State state = State.STABLE;
    Assignment assigned = Assignment.EMPTY;
    Assignment pendingRevocation = Assignment.EMPTY;

    /** When the member is removed unless it heartbeats; -1: not started (loaded from the log, see tick). */
    long sessionDeadlineMs = -1;
    /** When an {@link State#UNREVOKED_PARTITIONS} member is fenced if it has not revoked yet; -1: none. */
    long revocationDeadlineMs = -1;

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
        return m;
    }

    /** What its record holds, with its target assignment. */
    ConsumerGroupRecords.MemberValue toValue(Assignment target) {
        return new ConsumerGroupRecords.MemberValue(instanceId, rackId, clientId, clientHost, rebalanceTimeoutMs,
                subscribedTopicNames, subscribedTopicRegex, serverAssignor, memberEpoch, previousMemberEpoch, state,
                assigned, pendingRevocation, target);
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
        return m;
    }

    boolean hasLeftStatically() {
        return memberEpoch == LEFT_STATIC_EPOCH;
    }

    /** Whether it reached {@code targetEpoch} with nothing left to revoke or to wait for. */
    boolean isReconciledTo(int targetEpoch) {
        return state == State.STABLE && memberEpoch == targetEpoch;
    }

    /** What the member owns as far as other members are concerned: its assignment and what it still must revoke. */
    Assignment owned() {
        return pendingRevocation.isEmpty() ? assigned : assigned.plus(pendingRevocation);
    }
}
