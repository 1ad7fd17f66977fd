package io.elasticstream.broker.group;

import io.elasticstream.broker.group.GroupCoordinator.LeaveResult;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Members of a KIP-848 {@link ConsumerGroup} that speak the classic protocol, as Kafka 4.4 serves them: the members
 * of a classic group upgraded in place ({@link GroupConversions}), and classic consumers joining a consumer group
 * that has members (unless {@code group.consumer.migration.policy} is {@code disabled}: INCONSISTENT_GROUP_PROTOCOL).
 * Each request does to the member what a ConsumerGroupHeartbeat would, through {@link ConsumerGroupProtocol}:
 * <ul>
 *   <li><b>JoinGroup</b> takes the subscription and owned partitions from the {@code ConsumerProtocol} metadata of
 *       the member's first protocol, bumps the group epoch if the subscription changed, and reconciles the member
 *       (revoke before assign). It is answered once that is durable, with the member epoch as generation, the
 *       member's preferred protocol and no leader: the assignment is the coordinator's.
 *   <li><b>SyncGroup</b> checks the generation against the member epoch and answers the member's assignment,
 *       encoded in the {@code ConsumerProtocol} version of its subscription; REBALANCE_IN_PROGRESS when the target
 *       assignment moved on since its JoinGroup.
 *   <li><b>Heartbeat</b> answers REBALANCE_IN_PROGRESS while the member has to rejoin: its epoch is behind the
 *       target assignment's, it has partitions to revoke, or partitions it waited for were released (Kafka 4.4).
 *   <li><b>LeaveGroup</b> removes the member, as a KIP-848 leave does (which may convert the group back).
 * </ul>
 * Its timeouts are the classic ones: its own session timeout from JoinGroup; a member told to rejoin must do so
 * within its rebalance timeout, and one answered a JoinGroup must sync within it, or it is removed
 * ({@link ConsumerGroupProtocol#tick}). Owned by the coordinator thread.
 */
final class ClassicMembersOfConsumerGroup {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicMembersOfConsumerGroup.class);

    private final GroupConfig groupConfig;
    private final ConsumerGroupProtocol consumer;
    private final GroupConversions conversions;
    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final Clock clock;

    ClassicMembersOfConsumerGroup(GroupConfig groupConfig, ConsumerGroupProtocol consumer,
                                  GroupConversions conversions, GroupStore groups, CoordinatorPartitions partitions,
                                  Clock clock) {
        this.groupConfig = groupConfig;
        this.consumer = consumer;
        this.conversions = conversions;
        this.groups = groups;
        this.partitions = partitions;
        this.clock = clock;
    }

    /**
     * The live consumer group with members that a classic request for {@code groupId} goes to, or null: then it
     * is {@link ClassicGroupProtocol}'s (which also turns an empty consumer group into a classic group).
     */
    ConsumerGroup groupFor(String groupId) {
        if (groupId == null || partitions.check(groupId) != Errors.NONE) {
            return null;
        }
        return groups.get(groupId) instanceof ConsumerGroup g && !g.isDead() && !g.isEmpty() ? g : null;
    }

    /** A refused classic request, with Kafka's error. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Errors error;

        Refused(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    // ---------------------------------------------------------------- JoinGroup

    CompletableFuture<JoinGroupResponseData> join(ConsumerGroup g, JoinGroupRequestData req, short version,
                                                  String clientId, String clientHost) {
        Errors invalid = ClassicGroupProtocol.invalidJoin(req, groupConfig);
        String requestedId = req.memberId();
        if (invalid != Errors.NONE) {
            return done(ClassicResponses.joinError(requestedId, invalid));
        }
        try {
            return doJoin(g, req, version, clientId, clientHost);
        } catch (Refused r) {
            LOG.debug("Group {}: JoinGroup of {} refused: {} {}", g.groupId, requestedId, r.error, r.getMessage());
            return done(ClassicResponses.joinError(requestedId, r.error));
        }
    }

    private CompletableFuture<JoinGroupResponseData> doJoin(ConsumerGroup g, JoinGroupRequestData req, short version,
                                                            String clientId, String clientHost) {
        if (consumer.config().migrationPolicy() == ConsumerGroupMigrationPolicy.DISABLED) {
            throw new Refused(Errors.INCONSISTENT_GROUP_PROTOCOL, "Cannot join the consumer group " + g.groupId
                    + " with the classic protocol because the group migration is disabled.");
        }
        boolean unknown = req.memberId().isEmpty();
        String memberId = unknown ? Uuid.randomUuid().toString() : req.memberId();
        if (!g.members.containsKey(memberId) && g.members.size() >= consumer.config().maxSize()) {
            throw new Refused(Errors.GROUP_MAX_SIZE_REACHED, "The consumer group has reached its maximum capacity of "
                    + consumer.config().maxSize() + " members.");
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        for (JoinGroupRequestProtocol p : req.protocols()) {
            protocols.putIfAbsent(p.name(), p.metadata());
        }
        if (!supports(g, req.protocolType(), protocols)) {
            throw new Refused(Errors.INCONSISTENT_GROUP_PROTOCOL, "Member " + memberId
                    + "'s protocols are not supported.");
        }
        if (unknown && req.groupInstanceId() == null && version >= 4) {
            // KIP-394, as for classic groups: the member comes back with the id it is given
            return done(ClassicResponses.joinError(memberId, Errors.MEMBER_ID_REQUIRED));
        }
        ConsumerPartitionAssignor.Subscription subscription;
        try {
            subscription = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(protocols.values().iterator().next()));
        } catch (SchemaException | IllegalArgumentException e) {
            throw new Refused(Errors.UNKNOWN_SERVER_ERROR, "Malformed embedded consumer protocol in subscription "
                    + "deserialization.");
        }

        long now = clock.monotonicMillis();
        ConsumerGroupMember existing = req.groupInstanceId() == null ? null : g.staticMember(req.groupInstanceId());
        ConsumerGroupMember member = memberFor(g, memberId, req.groupInstanceId(), unknown);
        boolean replaced = existing != null && existing != member;
        boolean isNew = !g.members.containsKey(member.memberId);
        List<String> topics = List.copyOf(new TreeSet<>(subscription.topics()));
        boolean subscriptionChanged = !topics.equals(member.subscribedTopicNames);
        member.subscribedTopicNames = topics;
        member.instanceId = req.groupInstanceId();
        subscription.rackId().filter(r -> !r.isEmpty()).ifPresent(r -> member.rackId = r);
        if (req.rebalanceTimeoutMs() != -1) {
            member.rebalanceTimeoutMs = req.rebalanceTimeoutMs();
        }
        member.clientId = clientId;
        member.clientHost = clientHost;
        member.classic = ClassicMemberMetadata.of(req.sessionTimeoutMs(), protocols);
        consumer.settle(g, member, isNew, subscriptionChanged,
                GroupConversions.toAssignment(subscription.ownedPartitions(), consumer.topics()), now);
        member.sessionDeadlineMs = now + req.sessionTimeoutMs();
        member.joinDeadlineMs = -1;
        member.syncDeadlineMs = now + member.rebalanceTimeoutMs;

        JoinGroupResponseData response = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setMemberId(member.memberId).setGenerationId(member.memberEpoch)
                .setProtocolType(ConsumerProtocol.PROTOCOL_TYPE).setProtocolName(member.classic.protocolName())
                .setLeader("");
        if (replaced) {
            // it may have replaced the last member using the consumer protocol: then the group is classic again
            conversions.maybeToClassicGroup(g, Set.of(), consumer.topics(), false);
        }
        return consumer.persisted(g, response, ClassicResponses.joinError(member.memberId, Errors.NOT_COORDINATOR));
    }

    /** The member joining: an existing one, a static member taking its instance id's place, or a new one. */
    private static ConsumerGroupMember memberFor(ConsumerGroup g, String memberId, String instanceId,
                                                 boolean unknown) {
        if (instanceId == null) {
            return g.members.getOrDefault(memberId, new ConsumerGroupMember(memberId));
        }
        ConsumerGroupMember existing = g.staticMember(instanceId);
        if (existing == null) {
            return g.members.getOrDefault(memberId, new ConsumerGroupMember(memberId));
        }
        if (existing.memberId.equals(memberId)) {
            return existing;
        }
        if (!unknown) {
            throw new Refused(Errors.FENCED_INSTANCE_ID, "Static member " + memberId + " with instance id "
                    + instanceId + " was fenced by member " + existing.memberId + ".");
        }
        // KIP-345: a static member restarting with a new member id takes its place and its assignment
        Assignment target = g.targetAssignment.get(existing.memberId);
        g.remove(existing);
        ConsumerGroupMember m = existing.replacedBy(memberId);
        if (target != null) {
            g.targetAssignment.put(memberId, target);
        }
        return m;
    }

    /** Kafka's {@code supportsClassicProtocols}: the consumer protocol type and a protocol every classic member has. */
    private static boolean supports(ConsumerGroup g, String protocolType, Map<String, byte[]> protocols) {
        if (!ConsumerProtocol.PROTOCOL_TYPE.equals(protocolType) || protocols.isEmpty()) {
            return false;
        }
        List<ConsumerGroupMember> classic = g.members.values().stream()
                .filter(ConsumerGroupMember::usesClassicProtocol).toList();
        return protocols.keySet().stream().anyMatch(name -> classic.stream()
                .allMatch(m -> m.classic.protocols().stream().anyMatch(p -> p.name().equals(name))));
    }

    // ---------------------------------------------------------------- SyncGroup, Heartbeat, LeaveGroup

    CompletableFuture<SyncGroupResponseData> sync(ConsumerGroup g, SyncGroupRequestData req) {
        try {
            ConsumerGroupMember m = classicMember(g, req.memberId(), req.groupInstanceId());
            checkGeneration(m, req.generationId());
            String protocolName = m.classic.protocolName();
            if ((req.protocolType() != null && !ConsumerProtocol.PROTOCOL_TYPE.equals(req.protocolType()))
                    || (req.protocolName() != null && !protocolName.equals(req.protocolName()))) {
                throw new Refused(Errors.INCONSISTENT_GROUP_PROTOCOL, "The protocol of member " + m.memberId
                        + "'s request is not the group's.");
            }
            long now = clock.monotonicMillis();
            if (g.assignmentEpoch > m.memberEpoch && m.state != ConsumerGroupMember.State.UNREVOKED_PARTITIONS) {
                mustRejoin(m, now);
                throw new Refused(Errors.REBALANCE_IN_PROGRESS, "A new rebalance is triggered in group " + g.groupId
                        + " and member " + m.memberId + " should rejoin to catch up.");
            }
            m.syncDeadlineMs = -1;
            m.sessionDeadlineMs = now + m.classic.sessionTimeoutMs();
            byte[] assignment = GroupConversions.encode(m.assigned, consumer.topics(),
                    m.classic.consumerProtocolVersion());
            return done(new SyncGroupResponseData().setErrorCode(Errors.NONE.code())
                    .setProtocolType(req.protocolType()).setProtocolName(req.protocolName()).setAssignment(assignment));
        } catch (Refused r) {
            return done(ClassicResponses.syncError(r.error));
        }
    }

    Errors heartbeat(ConsumerGroup g, String memberId, String instanceId, int generationId) {
        try {
            ConsumerGroupMember m = classicMember(g, memberId, instanceId);
            checkGeneration(m, generationId);
            long now = clock.monotonicMillis();
            m.sessionDeadlineMs = now + m.classic.sessionTimeoutMs();
            if (m.memberEpoch < g.assignmentEpoch || m.state == ConsumerGroupMember.State.UNREVOKED_PARTITIONS
                    || (m.state == ConsumerGroupMember.State.UNRELEASED_PARTITIONS && !g.waitsOnUnreleasedPartition(m))) {
                mustRejoin(m, now);
                return Errors.REBALANCE_IN_PROGRESS;
            }
            return Errors.NONE;
        } catch (Refused r) {
            return r.error;
        }
    }

    CompletableFuture<LeaveResult> leave(ConsumerGroup g, List<MemberIdentity> leaving) {
        List<MemberResponse> results = new ArrayList<>();
        List<ConsumerGroupMember> gone = new ArrayList<>();
        for (MemberIdentity who : leaving) {
            MemberResponse r = new MemberResponse().setMemberId(who.memberId()).setGroupInstanceId(who.groupInstanceId());
            try {
                ConsumerGroupMember m = who.groupInstanceId() != null && who.memberId().isEmpty()
                        ? staticClassicMember(g, who.groupInstanceId()) // an admin's removal by instance id
                        : classicMember(g, who.memberId(), who.groupInstanceId());
                if (!gone.contains(m)) {
                    gone.add(m);
                }
                r.setMemberId(m.memberId);
                LOG.info("Group {}: classic member {} leaves", g.groupId, m.memberId);
            } catch (Refused e) {
                r.setErrorCode(e.error.code());
            }
            results.add(r);
        }
        if (!gone.isEmpty()) {
            consumer.removeMembers(g, gone);
        }
        return consumer.persisted(g, new LeaveResult(Errors.NONE, results),
                new LeaveResult(Errors.NOT_COORDINATOR, List.of()));
    }

    /** The member, if it is one and speaks the classic protocol; else Kafka's UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID. */
    private static ConsumerGroupMember classicMember(ConsumerGroup g, String memberId, String instanceId) {
        ConsumerGroupMember m;
        if (instanceId == null) {
            m = g.members.get(memberId);
            if (m == null) {
                throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group "
                        + g.groupId + ".");
            }
        } else {
            m = staticClassicMember(g, instanceId);
            if (!m.memberId.equals(memberId)) {
                throw new Refused(Errors.FENCED_INSTANCE_ID, "Static member " + memberId + " with instance id "
                        + instanceId + " was fenced by member " + m.memberId + ".");
            }
        }
        if (!m.usesClassicProtocol()) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + m.memberId + " does not use the classic protocol.");
        }
        return m;
    }

    private static ConsumerGroupMember staticClassicMember(ConsumerGroup g, String instanceId) {
        ConsumerGroupMember m = g.staticMember(instanceId);
        if (m == null) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member with instance id " + instanceId
                    + " is not a member of group " + g.groupId + ".");
        }
        if (!m.usesClassicProtocol()) {
            throw new Refused(Errors.UNKNOWN_MEMBER_ID, "Member " + m.memberId + " does not use the classic protocol.");
        }
        return m;
    }

    private static void checkGeneration(ConsumerGroupMember m, int generationId) {
        if (generationId != m.memberEpoch) {
            throw new Refused(Errors.ILLEGAL_GENERATION, "The request generation id " + generationId
                    + " is not equal to the member epoch " + m.memberEpoch + " of member " + m.memberId + ".");
        }
    }

    /** The member is told to rejoin: it is removed unless its JoinGroup comes within its rebalance timeout. */
    private static void mustRejoin(ConsumerGroupMember m, long now) {
        if (m.joinDeadlineMs < 0) {
            m.joinDeadlineMs = now + m.rebalanceTimeoutMs;
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(Objects.requireNonNull(value));
    }
}
