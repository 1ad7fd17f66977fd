package io.elasticstream.broker.group;

import io.elasticstream.broker.group.GroupCoordinator.LeaveResult;
import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) driving {@link ClassicGroup}'s
 * state machine, and its deadlines: session timeouts, the rebalance (join) timeout, the initial rebalance
 * delay and the pending-sync timeout, checked by {@link #tick} against the injected clock. JoinGroup and
 * SyncGroup answers complete later, when the rebalance gets there; the leader's assignment is answered only
 * once it is durable. Owned by the coordinator thread; every method is called there.
 */
final class ClassicGroupProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupProtocol.class);

    private final GroupConfig config;
    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final Clock clock;
    private final Executor owner;

    ClassicGroupProtocol(GroupConfig config, GroupStore groups, CoordinatorPartitions partitions, Clock clock,
                         Executor owner) {
        this.config = config;
        this.groups = groups;
        this.partitions = partitions;
        this.clock = clock;
        this.owner = owner;
    }

    private CompletableFuture<Void> persist(ClassicGroup g) {
        return partitions.append(g, List.of(record(g, clock.epochMillis())));
    }

    /** The record of the group's current generation. */
    static KeyedRecordLog.Entry record(ClassicGroup g, long nowMs) {
        GroupRecords.GroupValue v = new GroupRecords.GroupValue(g.protocolType, g.generationId, g.protocolName,
                g.leaderId, nowMs);
        return new KeyedRecordLog.Entry(GroupRecords.groupKey(g.groupId), GroupRecords.groupValue(v));
    }

    /**
     * Kafka's checks of a JoinGroup before the group is looked at, whatever kind of group it reaches: NONE, or the
     * error to answer.
     */
    static Errors invalidJoin(JoinGroupRequestData req, GroupConfig config) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        if (req.sessionTimeoutMs() < config.minSessionTimeoutMs() || req.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return Errors.INVALID_SESSION_TIMEOUT;
        }
        return Errors.NONE;
    }

    /**
     * A classic group just converted from a consumer group ({@link GroupConversions}): its members hold the
     * assignments they had there, their sessions start, and with {@code rebalance} they all rejoin, as in Kafka.
     */
    void converted(ClassicGroup g, boolean rebalance) {
        long now = clock.monotonicMillis();
        g.members.values().forEach(m -> m.sessionDeadlineMs = now + m.sessionTimeoutMs);
        if (rebalance) {
            prepareRebalance(g, "converted from a consumer group");
        }
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData req, short version, String clientId,
                                                  String clientHost) {
        String groupId = req.groupId();
        String memberId = req.memberId();
        Errors invalid = invalidJoin(req, config);
        if (invalid == Errors.INVALID_GROUP_ID) {
            return done(ClassicResponses.joinError(memberId, invalid));
        }
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return done(ClassicResponses.joinError(memberId, pe));
        }
        if (invalid != Errors.NONE) {
            return done(ClassicResponses.joinError(memberId, invalid));
        }
        boolean unknown = memberId.isEmpty();
        if (groups.get(groupId) instanceof ConsumerGroup c && !c.isDead()) {
            Checks.state(c.isEmpty(), "group %s: a JoinGroup for a consumer group with members is %s's",
                    groupId, ClassicMembersOfConsumerGroup.class.getSimpleName());
            // an empty consumer group becomes a classic group again, keeping its offsets (as Kafka does)
            groups.downgrade(c);
            partitions.append(c, List.of(new KeyedRecordLog.Entry(ConsumerGroupRecords.groupKey(groupId), null)));
        } else if (groups.get(groupId) != null && groups.classicOrNull(groupId) == null) {
            return done(ClassicResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        ClassicGroup g = groups.classicOrNull(groupId);
        if (g == null) {
            if (!unknown) {
                return done(ClassicResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
            g = groups.classic(groupId);
        }
        if (g.is(GroupState.DEAD)) {
            return done(ClassicResponses.joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        for (JoinGroupRequestProtocol p : req.protocols()) {
            protocols.putIfAbsent(p.name(), p.metadata());
        }
        if (!g.supports(req.protocolType(), protocols.keySet())) {
            return done(ClassicResponses.joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
        }
        int rebalanceTimeoutMs = version == 0 ? req.sessionTimeoutMs() : req.rebalanceTimeoutMs();
        Join join = new Join(req.groupInstanceId(), clientId, clientHost, rebalanceTimeoutMs, req.sessionTimeoutMs(),
                req.protocolType(), protocols);
        return unknown ? joinUnknownMember(g, join, version) : joinKnownMember(g, memberId, join);
    }

    private record Join(String groupInstanceId, String clientId, String clientHost, int rebalanceTimeoutMs,
                        int sessionTimeoutMs, String protocolType, Map<String, byte[]> protocols) {
    }

    private CompletableFuture<JoinGroupResponseData> joinUnknownMember(ClassicGroup g, Join join, short version) {
        if (g.members.size() >= config.maxGroupSize()) {
            return done(ClassicResponses.joinError("", Errors.GROUP_MAX_SIZE_REACHED));
        }
        // As Kafka: a static member's id starts with its group.instance.id, a dynamic member's with its client id.
        String newId = (join.groupInstanceId() != null ? join.groupInstanceId() : join.clientId()) + "-"
                + UUID.randomUUID();
        if (join.groupInstanceId() != null) {
            String oldId = g.staticMembers.get(join.groupInstanceId());
            if (oldId != null && g.hasMember(oldId)) {
                return rejoinStaticMember(g, oldId, newId, join);
            }
            return addMemberAndRebalance(g, newId, join);
        }
        if (version >= 4) {
            // KIP-394: the member must come back with the id we give it (older clients cannot).
            g.pendingMembers.put(newId, clock.monotonicMillis() + join.sessionTimeoutMs());
            return done(ClassicResponses.joinError(newId, Errors.MEMBER_ID_REQUIRED));
        }
        return addMemberAndRebalance(g, newId, join);
    }

    private CompletableFuture<JoinGroupResponseData> joinKnownMember(ClassicGroup g, String memberId, Join join) {
        if (g.pendingMembers.containsKey(memberId)) {
            return addMemberAndRebalance(g, memberId, join);
        }
        Errors invalid = g.validateMember(memberId, join.groupInstanceId());
        if (invalid != Errors.NONE) {
            return done(ClassicResponses.joinError(memberId, invalid));
        }
        GroupMember m = g.members.get(memberId);
        switch (g.state()) {
            case PREPARING_REBALANCE -> {
                return updateMemberAndRebalance(g, m, join);
            }
            case COMPLETING_REBALANCE -> {
                if (m.matches(join.protocols())) {
                    // The member missed the JoinGroup response: send it again.
                    return done(ClassicResponses.join(g, m, m.memberId.equals(g.leaderId)));
                }
                return updateMemberAndRebalance(g, m, join);
            }
            case STABLE -> {
                if (m.memberId.equals(g.leaderId) || !m.matches(join.protocols())) {
                    // A leader rejoining forces a rebalance (e.g. for topic metadata changes).
                    return updateMemberAndRebalance(g, m, join);
                }
                return done(ClassicResponses.join(g, m, false));
            }
            default -> {
                return done(ClassicResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(ClassicGroup g, String memberId, Join join) {
        GroupMember m = new GroupMember(memberId, join.groupInstanceId(), join.clientId(), join.clientHost(),
                join.rebalanceTimeoutMs(), join.sessionTimeoutMs(), join.protocols());
        m.protocolType = join.protocolType();
        m.isNew = true;
        m.awaitingJoin = new CompletableFuture<>();
        m.sessionDeadlineMs = clock.monotonicMillis() + config.newMemberJoinTimeoutMs();
        g.pendingMembers.remove(memberId);
        if (join.groupInstanceId() != null) {
            String old = g.staticMembers.get(join.groupInstanceId());
            if (old != null) {
                g.remove(old);
            }
        }
        g.add(m);
        if (g.is(GroupState.PREPARING_REBALANCE) && g.initialJoin) {
            g.newMemberDuringInitialDelay = true;
        }
        CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
        maybePrepareRebalance(g, "member " + memberId + " joined");
        return f;
    }

    private CompletableFuture<JoinGroupResponseData> updateMemberAndRebalance(ClassicGroup g, GroupMember m, Join join) {
        m.protocols = new LinkedHashMap<>(join.protocols());
        m.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        m.sessionTimeoutMs = join.sessionTimeoutMs();
        m.completeJoin(ClassicResponses.joinError(m.memberId, Errors.REBALANCE_IN_PROGRESS)); // a duplicate JoinGroup supersedes
        m.awaitingJoin = new CompletableFuture<>();
        CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
        maybePrepareRebalance(g, "member " + m.memberId + " rejoined");
        return f;
    }

    private CompletableFuture<JoinGroupResponseData> rejoinStaticMember(ClassicGroup g, String oldId, String newId,
                                                                        Join join) {
        GroupMember old = g.members.get(oldId);
        old.completeJoin(ClassicResponses.joinError(oldId, Errors.FENCED_INSTANCE_ID));
        old.completeSync(ClassicResponses.syncError(Errors.FENCED_INSTANCE_ID));
        boolean wasLeader = oldId.equals(g.leaderId);
        boolean sameProtocols = old.matches(join.protocols());
        GroupMember m = old.withId(newId, join.clientId(), join.clientHost());
        m.protocols = new LinkedHashMap<>(join.protocols());
        m.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        m.sessionTimeoutMs = join.sessionTimeoutMs();
        m.sessionDeadlineMs = clock.monotonicMillis() + m.sessionTimeoutMs;
        g.remove(oldId);
        g.add(m);
        if (wasLeader) {
            g.leaderId = newId;
        }
        if (g.is(GroupState.STABLE) && sameProtocols && !wasLeader) {
            // KIP-345: a static member coming back with the same subscription keeps its assignment.
            return done(ClassicResponses.join(g, m, false));
        }
        m.awaitingJoin = new CompletableFuture<>();
        CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
        maybePrepareRebalance(g, "static member " + join.groupInstanceId() + " rejoined");
        return f;
    }

    private void maybePrepareRebalance(ClassicGroup g, String reason) {
        switch (g.state()) {
            case EMPTY, STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(g);
            case DEAD -> {
            }
        }
    }

    private void prepareRebalance(ClassicGroup g, String reason) {
        if (g.is(GroupState.COMPLETING_REBALANCE)) {
            for (GroupMember m : g.members.values()) {
                m.assignment = ClassicResponses.EMPTY;
                m.completeSync(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
            }
        }
        boolean initial = g.is(GroupState.EMPTY);
        g.transitionTo(GroupState.PREPARING_REBALANCE);
        long now = clock.monotonicMillis();
        int rebalanceTimeoutMs = g.members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        g.rebalanceStartMs = now;
        g.joinDeadlineMs = now + rebalanceTimeoutMs;
        // As Kafka, the first rebalance of an empty group always waits for the timer, even with no delay
        // configured: members arriving until its next pass (and through each pass that saw a new member) join
        // that first generation together instead of forcing a second rebalance at once.
        g.initialJoin = initial;
        g.newMemberDuringInitialDelay = false;
        g.initialDelayUntilMs = now + Math.min(config.initialRebalanceDelayMs(), rebalanceTimeoutMs);
        LOG.info("Preparing to rebalance group {} in state {} with old generation {}: {}", g.groupId,
                g.state().kafkaName(), g.generationId, reason);
        tryCompleteJoin(g);
    }

    private void tryCompleteJoin(ClassicGroup g) {
        if (g.is(GroupState.PREPARING_REBALANCE) && !g.initialJoin && g.allMembersJoined()) {
            completeRebalanceJoin(g);
        }
    }

    /** Ends the join phase: members that did not rejoin are dropped, a new generation starts. */
    private void completeRebalanceJoin(ClassicGroup g) {
        for (GroupMember m : List.copyOf(g.members.values())) {
            if (m.awaitingJoin == null) {
                g.remove(m.memberId);
            }
        }
        g.generationId++;
        if (g.members.isEmpty()) {
            g.protocolName = null;
            g.leaderId = null;
            g.transitionTo(GroupState.EMPTY);
            persist(g);
            LOG.info("Group {} with generation {} is now empty", g.groupId, g.generationId);
            return;
        }
        g.protocolName = g.selectProtocol();
        if (g.leaderId == null || !g.hasMember(g.leaderId)) {
            g.leaderId = g.members.keySet().iterator().next();
        }
        g.transitionTo(GroupState.COMPLETING_REBALANCE);
        long now = clock.monotonicMillis();
        g.syncDeadlineMs = now + g.members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        LOG.info("Stabilized group {} generation {} with {} members", g.groupId, g.generationId, g.members.size());
        for (GroupMember m : g.members.values()) {
            m.isNew = false;
            m.sessionDeadlineMs = now + m.sessionTimeoutMs;
            m.completeJoin(ClassicResponses.join(g, m, m.memberId.equals(g.leaderId)));
        }
    }

    // ---------------------------------------------------------------- SyncGroup, Heartbeat, LeaveGroup

    CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
        Errors pe = partitions.check(req.groupId());
        if (pe != Errors.NONE) {
            return done(ClassicResponses.syncError(pe));
        }
        ClassicGroup g = groups.classicOrNull(req.groupId());
        if (g == null) {
            return done(ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        if (g.is(GroupState.DEAD)) {
            return done(ClassicResponses.syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        Errors invalid = g.validateMember(req.memberId(), req.groupInstanceId());
        if (invalid == Errors.NONE && req.generationId() != g.generationId) {
            invalid = Errors.ILLEGAL_GENERATION;
        }
        if (invalid == Errors.NONE && ((req.protocolType() != null && !req.protocolType().equals(g.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(g.protocolName)))) {
            invalid = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (invalid != Errors.NONE) {
            return done(ClassicResponses.syncError(invalid));
        }
        GroupMember m = g.members.get(req.memberId());
        switch (g.state()) {
            case PREPARING_REBALANCE -> {
                return done(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
            }
            case STABLE -> {
                m.sessionDeadlineMs = clock.monotonicMillis() + m.sessionTimeoutMs;
                return done(ClassicResponses.sync(g, m));
            }
            case COMPLETING_REBALANCE -> {
                m.completeSync(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                m.awaitingSync = new CompletableFuture<>();
                m.sessionDeadlineMs = clock.monotonicMillis() + m.sessionTimeoutMs;
                CompletableFuture<SyncGroupResponseData> f = m.awaitingSync;
                if (m.memberId.equals(g.leaderId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    for (SyncGroupRequestAssignment a : req.assignments()) {
                        assignments.put(a.memberId(), a.assignment());
                    }
                    g.members.values().forEach(each -> each.assignment =
                            assignments.getOrDefault(each.memberId, ClassicResponses.EMPTY));
                    int generation = g.generationId;
                    persist(g).whenCompleteAsync((v, err) -> {
                        if (!groups.isCurrent(g) || !g.is(GroupState.COMPLETING_REBALANCE)
                                || g.generationId != generation) {
                            return;
                        }
                        if (err != null) {
                            for (GroupMember each : g.members.values()) {
                                each.assignment = ClassicResponses.EMPTY;
                                each.completeSync(ClassicResponses.syncError(Errors.NOT_COORDINATOR));
                            }
                            prepareRebalance(g, "failed to persist the assignment");
                        } else {
                            g.transitionTo(GroupState.STABLE);
                            g.members.values().forEach(each -> each.completeSync(ClassicResponses.sync(g, each)));
                        }
                    }, owner);
                }
                return f;
            }
            default -> {
                return done(ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    Errors heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return pe;
        }
        ClassicGroup g = groups.classicOrNull(groupId);
        if (g == null || g.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (g.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = g.validateMember(memberId, groupInstanceId);
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (generationId != g.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        GroupMember m = g.members.get(memberId);
        m.sessionDeadlineMs = clock.monotonicMillis() + m.sessionTimeoutMs;
        return g.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    LeaveResult leave(String groupId, List<MemberIdentity> leaving) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return new LeaveResult(pe, List.of());
        }
        ClassicGroup g = groups.classicOrNull(groupId);
        List<MemberResponse> results = new ArrayList<>();
        if (g != null && g.is(GroupState.DEAD)) {
            return new LeaveResult(Errors.COORDINATOR_NOT_AVAILABLE, List.of());
        }
        for (MemberIdentity who : leaving) {
            MemberResponse r = new MemberResponse().setMemberId(who.memberId()).setGroupInstanceId(who.groupInstanceId());
            results.add(r.setErrorCode(leaveOne(g, who).code()));
        }
        return new LeaveResult(Errors.NONE, results);
    }

    private Errors leaveOne(ClassicGroup g, MemberIdentity who) {
        if (g == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        String memberId = who.memberId();
        if (who.groupInstanceId() != null) {
            String current = g.staticMembers.get(who.groupInstanceId());
            if (current == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!memberId.isEmpty() && !memberId.equals(current)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            memberId = current;
        } else if (g.pendingMembers.remove(memberId) != null) {
            tryCompleteJoin(g);
            return Errors.NONE;
        }
        if (!g.hasMember(memberId)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        removeMemberAndUpdateGroup(g, memberId, "member " + memberId + " left");
        return Errors.NONE;
    }

    private void removeMemberAndUpdateGroup(ClassicGroup g, String memberId, String reason) {
        GroupMember m = g.remove(memberId);
        m.completeJoin(ClassicResponses.joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        m.completeSync(ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        switch (g.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(g);
            default -> {
            }
        }
    }

    // ---------------------------------------------------------------- timers

    void tick(ClassicGroup g, long now) {
        if (g.pendingMembers.values().removeIf(deadline -> now >= deadline)) {
            tryCompleteJoin(g);
        }
        for (GroupMember m : List.copyOf(g.members.values())) {
            boolean keepAlive = m.awaitingJoin != null ? !m.isNew || now < m.sessionDeadlineMs : m.awaitingSync != null;
            if (!keepAlive && now >= m.sessionDeadlineMs && g.hasMember(m.memberId)) {
                LOG.info("Member {} of group {} expired (session timeout {} ms)", m.memberId, g.groupId,
                        m.sessionTimeoutMs);
                removeMemberAndUpdateGroup(g, m.memberId, "member " + m.memberId + " expired");
            }
        }
        if (g.is(GroupState.PREPARING_REBALANCE)) {
            if (g.initialJoin) {
                if (now >= g.initialDelayUntilMs) {
                    if (g.newMemberDuringInitialDelay && now < g.joinDeadlineMs) {
                        g.newMemberDuringInitialDelay = false;
                        g.initialDelayUntilMs = Math.min(now + config.initialRebalanceDelayMs(), g.joinDeadlineMs);
                    } else {
                        g.initialJoin = false;
                        completeRebalanceJoin(g);
                    }
                }
            } else if (now >= g.joinDeadlineMs) {
                completeRebalanceJoin(g);
            }
        } else if (g.is(GroupState.COMPLETING_REBALANCE) && now >= g.syncDeadlineMs) {
            List<GroupMember> missing = g.members.values().stream().filter(m -> m.awaitingSync == null).toList();
            if (!missing.isEmpty()) {
                missing.forEach(m -> g.remove(m.memberId));
                prepareRebalance(g, missing.size() + " members did not send SyncGroup in time");
            }
        }
    }
}
