package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group coordinator for the {@code __consumer_offsets} partitions open on this broker.
 *
 * <p>All state lives on one owner thread: each public method queues its work there and returns a
 * future; JoinGroup and SyncGroup futures complete later, when the rebalance gets there. A partition is
 * loaded (its records replayed) on the first request for one of its groups after it opened here;
 * until then requests get COORDINATOR_LOAD_IN_PROGRESS, and NOT_COORDINATOR when it is not open here.
 * Offset commits and the leader's assignment are answered only once their records are durable.
 * Deadlines (session, rebalance, initial join delay, pending sync) are checked by {@link #tick}.
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final byte[] EMPTY = new byte[0];
    private static final String CONSUMER_PROTOCOL = "consumer";
    private static final long TICK_MS = 100;

    private final GroupConfig config;
    private final GroupLog.Partitions logs;
    private final Clock clock;
    private final ExecutorService owner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("group-coordinator").daemon(true).factory());
    private final Map<String, ClassicGroup> groups = new HashMap<>();
    private final Map<Integer, LoadState> loaded = new HashMap<>();

    /** One opening of a {@code __consumer_offsets} partition, and whether its replay finished. */
    private static final class LoadState {
        final GroupLog log;
        boolean ready;

        LoadState(GroupLog log) {
            this.log = log;
        }
    }

    /**
     * Committed offsets of a group (value null: none), or the error for the whole group; {@code unstable}:
     * the partitions with an offset pending in an open transaction (asked for with requireStable).
     */
    public record OffsetFetchResult(Errors error, Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                    Set<TopicPartition> unstable) {
    }

    /** LeaveGroup: the top-level error and one result per leaving member. */
    public record LeaveResult(Errors error, List<MemberResponse> members) {
    }

    public GroupCoordinator(GroupConfig config, GroupLog.Partitions logs, Clock clock) {
        this.config = config;
        this.logs = logs;
        this.clock = clock;
    }

    /** A coordinator for the {@code __consumer_offsets} partitions open in {@code partitions}, ticked by {@code timer}. */
    public static GroupCoordinator start(GroupConfig config, PartitionManager partitions, ScheduledExecutorService timer,
                                         Clock clock) {
        GroupCoordinator c = new GroupCoordinator(config, PartitionGroupLog.of(partitions, clock), clock);
        timer.scheduleWithFixedDelay(c::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return c;
    }

    public GroupConfig config() {
        return config;
    }

    private <T> CompletableFuture<T> onOwner(Supplier<CompletableFuture<T>> work) {
        return CompletableFuture.supplyAsync(work, owner).thenCompose(f -> f);
    }

    private long now() {
        return clock.monotonicMillis();
    }

    // ---------------------------------------------------------------- partitions and loading

    /** NONE when the group's partition is open and loaded here; else why not. Owner thread. */
    private Errors checkPartition(String groupId) {
        int p = config.partitionFor(groupId);
        GroupLog log = logs.get(p);
        LoadState st = loaded.get(p);
        if (log == null) {
            if (st != null) {
                unload(p);
            }
            return Errors.NOT_COORDINATOR;
        }
        if (st == null || !st.log.equals(log)) {
            if (st != null) {
                unload(p);
            }
            startLoad(p, log);
            st = loaded.get(p);
        }
        return st.ready ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** Starts loading every open partition not loaded yet; unloads the ones no longer open. */
    private void syncPartitions() {
        for (int p = 0; p < config.offsetsTopicPartitions(); p++) {
            GroupLog log = logs.get(p);
            LoadState st = loaded.get(p);
            if (log == null && st != null) {
                unload(p);
            } else if (log != null && (st == null || !st.log.equals(log))) {
                if (st != null) {
                    unload(p);
                }
                startLoad(p, log);
            }
        }
    }

    private void startLoad(int p, GroupLog log) {
        LoadState st = new LoadState(log);
        loaded.put(p, st);
        List<Runnable> replayed = Collections.synchronizedList(new ArrayList<>());
        long startMs = now();
        log.replay(new GroupLog.Replay() {
            @Override
            public void onRecord(GroupRecords.Decoded record, long producerId) {
                replayed.add(() -> apply(p, record, producerId));
            }

            @Override
            public void onMarker(long producerId, boolean commit) {
                replayed.add(() -> endTransaction(p, producerId, commit));
            }
        }).whenCompleteAsync((v, err) -> {
            if (loaded.get(p) != st) {
                return;
            }
            if (err != null) {
                LOG.warn("Loading groups of {}-{} failed; will retry on the next request: {}", GroupConfig.OFFSETS_TOPIC,
                        p, err.toString());
                loaded.remove(p);
                return;
            }
            synchronized (replayed) {
                replayed.forEach(Runnable::run);
            }
            groups.values().removeIf(g -> g.partition == p && g.offsets.isEmpty() && g.pendingTxnOffsets.isEmpty()
                    && g.protocolType == null && g.generationId == 0);
            st.ready = true;
            LOG.info("Loaded {} records of {}-{} in {} ms", replayed.size(), GroupConfig.OFFSETS_TOPIC, p,
                    now() - startMs);
        }, owner);
    }

    private void apply(int p, GroupRecords.Decoded record, long producerId) {
        switch (record) {
            case GroupRecords.OffsetRecord o -> {
                ClassicGroup g = groups.computeIfAbsent(o.group(), id -> new ClassicGroup(id, p));
                TopicPartition tp = new TopicPartition(o.topic(), o.partition());
                if (producerId != RecordBatch.NO_PRODUCER_ID) {
                    if (o.value() != null) {
                        g.pendingTxnOffsets.computeIfAbsent(producerId, k -> new LinkedHashMap<>()).put(tp, o.value());
                    }
                } else if (o.value() == null) {
                    g.offsets.remove(tp);
                } else {
                    g.offsets.put(tp, o.value());
                }
            }
            case GroupRecords.GroupRecord gr -> {
                if (gr.value() == null) {
                    groups.remove(gr.group());
                } else {
                    ClassicGroup g = groups.computeIfAbsent(gr.group(), id -> new ClassicGroup(id, p));
                    g.protocolType = gr.value().protocolType();
                    g.generationId = gr.value().generation();
                    g.protocolName = null;
                }
            }
        }
    }

    private void unload(int p) {
        loaded.remove(p);
        List<ClassicGroup> gone = groups.values().stream().filter(g -> g.partition == p).toList();
        for (ClassicGroup g : gone) {
            for (GroupMember m : g.members.values()) {
                completeJoin(m, joinError(m.memberId, Errors.NOT_COORDINATOR));
                completeSync(m, syncError(Errors.NOT_COORDINATOR));
            }
            g.forceState(GroupState.DEAD);
            groups.remove(g.groupId);
        }
        LOG.info("Unloaded {} groups of {}-{}", gone.size(), GroupConfig.OFFSETS_TOPIC, p);
    }

    private GroupLog logOf(ClassicGroup g) {
        return loaded.get(g.partition).log;
    }

    /** Appends on the group's partition; the continuation runs on the owner thread. */
    private CompletableFuture<Void> append(ClassicGroup g, List<KeyedRecordLog.Entry> entries) {
        LoadState st = loaded.get(g.partition);
        return st.log.append(entries).whenCompleteAsync((v, err) -> {
            if (err != null) {
                LOG.warn("Append to {}-{} failed: {}", GroupConfig.OFFSETS_TOPIC, g.partition, err.toString());
                if (loaded.get(g.partition) == st) {
                    unload(g.partition);
                }
                logs.failed(g.partition);
            }
        }, owner);
    }

    private CompletableFuture<Void> persistGroup(ClassicGroup g) {
        GroupRecords.GroupValue v = new GroupRecords.GroupValue(g.protocolType, g.generationId, g.protocolName,
                g.leaderId, clock.epochMillis());
        return append(g, List.of(new KeyedRecordLog.Entry(GroupRecords.groupKey(g.groupId), GroupRecords.groupValue(v))));
    }

    // ---------------------------------------------------------------- JoinGroup

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData req, short version, String clientId,
                                                              String clientHost) {
        return onOwner(() -> join(req, version, clientId, clientHost));
    }

    private CompletableFuture<JoinGroupResponseData> join(JoinGroupRequestData req, short version, String clientId,
                                                          String clientHost) {
        String groupId = req.groupId();
        String memberId = req.memberId();
        if (groupId == null || groupId.isEmpty()) {
            return done(joinError(memberId, Errors.INVALID_GROUP_ID));
        }
        Errors pe = checkPartition(groupId);
        if (pe != Errors.NONE) {
            return done(joinError(memberId, pe));
        }
        if (req.sessionTimeoutMs() < config.minSessionTimeoutMs() || req.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            return done(joinError(memberId, Errors.INVALID_SESSION_TIMEOUT));
        }
        boolean unknown = memberId.isEmpty();
        ClassicGroup g = groups.get(groupId);
        if (g == null) {
            if (!unknown) {
                return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
            g = new ClassicGroup(groupId, config.partitionFor(groupId));
            groups.put(groupId, g);
        }
        if (g.is(GroupState.DEAD)) {
            return done(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
        }
        Map<String, byte[]> protocols = new LinkedHashMap<>();
        for (JoinGroupRequestProtocol p : req.protocols()) {
            protocols.putIfAbsent(p.name(), p.metadata());
        }
        if (!g.supports(req.protocolType(), protocols.keySet())) {
            return done(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
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
            return done(joinError("", Errors.GROUP_MAX_SIZE_REACHED));
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
            g.pendingMembers.put(newId, now() + join.sessionTimeoutMs());
            return done(joinError(newId, Errors.MEMBER_ID_REQUIRED));
        }
        return addMemberAndRebalance(g, newId, join);
    }

    private CompletableFuture<JoinGroupResponseData> joinKnownMember(ClassicGroup g, String memberId, Join join) {
        if (g.pendingMembers.containsKey(memberId)) {
            return addMemberAndRebalance(g, memberId, join);
        }
        Errors invalid = validateMember(g, memberId, join.groupInstanceId());
        if (invalid != Errors.NONE) {
            return done(joinError(memberId, invalid));
        }
        GroupMember m = g.members.get(memberId);
        switch (g.state()) {
            case PREPARING_REBALANCE -> {
                return updateMemberAndRebalance(g, m, join);
            }
            case COMPLETING_REBALANCE -> {
                if (m.matches(join.protocols())) {
                    // The member missed the JoinGroup response: send it again.
                    return done(joinResponse(g, m, m.memberId.equals(g.leaderId)));
                }
                return updateMemberAndRebalance(g, m, join);
            }
            case STABLE -> {
                if (m.memberId.equals(g.leaderId) || !m.matches(join.protocols())) {
                    // A leader rejoining forces a rebalance (e.g. for topic metadata changes).
                    return updateMemberAndRebalance(g, m, join);
                }
                return done(joinResponse(g, m, false));
            }
            default -> {
                return done(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(ClassicGroup g, String memberId, Join join) {
        GroupMember m = new GroupMember(memberId, join.groupInstanceId(), join.clientId(), join.clientHost(),
                join.rebalanceTimeoutMs(), join.sessionTimeoutMs(), join.protocols());
        m.protocolType = join.protocolType();
        m.isNew = true;
        m.awaitingJoin = new CompletableFuture<>();
        m.sessionDeadlineMs = now() + config.newMemberJoinTimeoutMs();
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
        completeJoin(m, joinError(m.memberId, Errors.REBALANCE_IN_PROGRESS)); // a duplicate JoinGroup supersedes
        m.awaitingJoin = new CompletableFuture<>();
        CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
        maybePrepareRebalance(g, "member " + m.memberId + " rejoined");
        return f;
    }

    private CompletableFuture<JoinGroupResponseData> rejoinStaticMember(ClassicGroup g, String oldId, String newId,
                                                                        Join join) {
        GroupMember old = g.members.get(oldId);
        completeJoin(old, joinError(oldId, Errors.FENCED_INSTANCE_ID));
        completeSync(old, syncError(Errors.FENCED_INSTANCE_ID));
        boolean wasLeader = oldId.equals(g.leaderId);
        boolean sameProtocols = old.matches(join.protocols());
        GroupMember m = old.withId(newId, join.clientId(), join.clientHost());
        m.protocols = new LinkedHashMap<>(join.protocols());
        m.rebalanceTimeoutMs = join.rebalanceTimeoutMs();
        m.sessionTimeoutMs = join.sessionTimeoutMs();
        m.sessionDeadlineMs = now() + m.sessionTimeoutMs;
        g.remove(oldId);
        g.add(m);
        if (wasLeader) {
            g.leaderId = newId;
        }
        if (g.is(GroupState.STABLE) && sameProtocols && !wasLeader) {
            // KIP-345: a static member coming back with the same subscription keeps its assignment.
            return done(joinResponse(g, m, false));
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
                m.assignment = EMPTY;
                completeSync(m, syncError(Errors.REBALANCE_IN_PROGRESS));
            }
        }
        boolean initial = g.is(GroupState.EMPTY);
        g.transitionTo(GroupState.PREPARING_REBALANCE);
        long now = now();
        int rebalanceTimeoutMs = g.members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        g.rebalanceStartMs = now;
        g.joinDeadlineMs = now + rebalanceTimeoutMs;
        g.initialJoin = initial && config.initialRebalanceDelayMs() > 0;
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
            persistGroup(g);
            LOG.info("Group {} with generation {} is now empty", g.groupId, g.generationId);
            return;
        }
        g.protocolName = g.selectProtocol();
        if (g.leaderId == null || !g.hasMember(g.leaderId)) {
            g.leaderId = g.members.keySet().iterator().next();
        }
        g.transitionTo(GroupState.COMPLETING_REBALANCE);
        long now = now();
        g.syncDeadlineMs = now + g.members.values().stream().mapToInt(m -> m.rebalanceTimeoutMs).max().orElse(0);
        LOG.info("Stabilized group {} generation {} with {} members", g.groupId, g.generationId, g.members.size());
        for (GroupMember m : g.members.values()) {
            m.isNew = false;
            m.sessionDeadlineMs = now + m.sessionTimeoutMs;
            completeJoin(m, joinResponse(g, m, m.memberId.equals(g.leaderId)));
        }
    }

    private JoinGroupResponseData joinResponse(ClassicGroup g, GroupMember m, boolean withMembers) {
        JoinGroupResponseData r = new JoinGroupResponseData().setErrorCode(Errors.NONE.code())
                .setGenerationId(g.generationId).setProtocolType(g.protocolType).setProtocolName(g.protocolName)
                .setLeader(g.leaderId).setMemberId(m.memberId);
        if (withMembers) {
            for (GroupMember each : g.members.values()) {
                r.members().add(new JoinGroupResponseMember().setMemberId(each.memberId)
                        .setGroupInstanceId(each.groupInstanceId)
                        .setMetadata(each.protocols.getOrDefault(g.protocolName, EMPTY)));
            }
        }
        return r;
    }

    private static JoinGroupResponseData joinError(String memberId, Errors error) {
        return new JoinGroupResponseData().setErrorCode(error.code()).setGenerationId(-1).setProtocolName(null)
                .setLeader("").setMemberId(memberId);
    }

    private static void completeJoin(GroupMember m, JoinGroupResponseData response) {
        if (m.awaitingJoin != null) {
            CompletableFuture<JoinGroupResponseData> f = m.awaitingJoin;
            m.awaitingJoin = null;
            f.complete(response);
        }
    }

    // ---------------------------------------------------------------- SyncGroup, Heartbeat, LeaveGroup

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData req) {
        return onOwner(() -> sync(req));
    }

    private CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
        Errors pe = checkPartition(req.groupId());
        if (pe != Errors.NONE) {
            return done(syncError(pe));
        }
        ClassicGroup g = groups.get(req.groupId());
        if (g == null) {
            return done(syncError(Errors.UNKNOWN_MEMBER_ID));
        }
        if (g.is(GroupState.DEAD)) {
            return done(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        Errors invalid = validateMember(g, req.memberId(), req.groupInstanceId());
        if (invalid == Errors.NONE && req.generationId() != g.generationId) {
            invalid = Errors.ILLEGAL_GENERATION;
        }
        if (invalid == Errors.NONE && ((req.protocolType() != null && !req.protocolType().equals(g.protocolType))
                || (req.protocolName() != null && !req.protocolName().equals(g.protocolName)))) {
            invalid = Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        if (invalid != Errors.NONE) {
            return done(syncError(invalid));
        }
        GroupMember m = g.members.get(req.memberId());
        switch (g.state()) {
            case PREPARING_REBALANCE -> {
                return done(syncError(Errors.REBALANCE_IN_PROGRESS));
            }
            case STABLE -> {
                m.sessionDeadlineMs = now() + m.sessionTimeoutMs;
                return done(syncResponse(g, m));
            }
            case COMPLETING_REBALANCE -> {
                completeSync(m, syncError(Errors.REBALANCE_IN_PROGRESS));
                m.awaitingSync = new CompletableFuture<>();
                m.sessionDeadlineMs = now() + m.sessionTimeoutMs;
                CompletableFuture<SyncGroupResponseData> f = m.awaitingSync;
                if (m.memberId.equals(g.leaderId)) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    for (SyncGroupRequestAssignment a : req.assignments()) {
                        assignments.put(a.memberId(), a.assignment());
                    }
                    g.members.values().forEach(each -> each.assignment = assignments.getOrDefault(each.memberId, EMPTY));
                    int generation = g.generationId;
                    persistGroup(g).whenCompleteAsync((v, err) -> {
                        if (groups.get(g.groupId) != g || !g.is(GroupState.COMPLETING_REBALANCE)
                                || g.generationId != generation) {
                            return;
                        }
                        if (err != null) {
                            for (GroupMember each : g.members.values()) {
                                each.assignment = EMPTY;
                                completeSync(each, syncError(Errors.NOT_COORDINATOR));
                            }
                            prepareRebalance(g, "failed to persist the assignment");
                        } else {
                            g.transitionTo(GroupState.STABLE);
                            g.members.values().forEach(each -> completeSync(each, syncResponse(g, each)));
                        }
                    }, owner);
                }
                return f;
            }
            default -> {
                return done(syncError(Errors.UNKNOWN_MEMBER_ID));
            }
        }
    }

    private static SyncGroupResponseData syncResponse(ClassicGroup g, GroupMember m) {
        return new SyncGroupResponseData().setErrorCode(Errors.NONE.code()).setProtocolType(g.protocolType)
                .setProtocolName(g.protocolName).setAssignment(m.assignment);
    }

    private static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(EMPTY);
    }

    private static void completeSync(GroupMember m, SyncGroupResponseData response) {
        if (m.awaitingSync != null) {
            CompletableFuture<SyncGroupResponseData> f = m.awaitingSync;
            m.awaitingSync = null;
            f.complete(response);
        }
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        return onOwner(() -> done(doHeartbeat(groupId, memberId, groupInstanceId, generationId)));
    }

    private Errors doHeartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        Errors pe = checkPartition(groupId);
        if (pe != Errors.NONE) {
            return pe;
        }
        ClassicGroup g = groups.get(groupId);
        if (g == null || g.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        if (g.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = validateMember(g, memberId, groupInstanceId);
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (generationId != g.generationId) {
            return Errors.ILLEGAL_GENERATION;
        }
        GroupMember m = g.members.get(memberId);
        m.sessionDeadlineMs = now() + m.sessionTimeoutMs;
        return g.is(GroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return onOwner(() -> done(leave(groupId, leaving)));
    }

    private LeaveResult leave(String groupId, List<MemberIdentity> leaving) {
        Errors pe = checkPartition(groupId);
        if (pe != Errors.NONE) {
            return new LeaveResult(pe, List.of());
        }
        ClassicGroup g = groups.get(groupId);
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
        completeJoin(m, joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        completeSync(m, syncError(Errors.UNKNOWN_MEMBER_ID));
        switch (g.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(g, reason);
            case PREPARING_REBALANCE -> tryCompleteJoin(g);
            default -> {
            }
        }
    }

    private static Errors validateMember(ClassicGroup g, String memberId, String groupInstanceId) {
        if (groupInstanceId != null) {
            String current = g.staticMembers.get(groupInstanceId);
            if (current != null && !current.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return g.hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    // ---------------------------------------------------------------- timers

    /**
     * Loads partitions that opened here and unloads those that closed, expires sessions and ends join
     * phases whose deadline passed. Call periodically.
     */
    public CompletableFuture<Void> tick() {
        return onOwner(() -> {
            syncPartitions();
            long now = now();
            for (ClassicGroup g : List.copyOf(groups.values())) {
                if (groups.get(g.groupId) == g) {
                    tick(g, now);
                }
            }
            return done(null);
        });
    }

    private void tick(ClassicGroup g, long now) {
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

    // ---------------------------------------------------------------- offsets

    /**
     * Commits offsets (Kafka 4's rules for classic groups: generation -1 on an empty or unknown group is a
     * "simple" commit). Completes once the records are durable, with one error per partition.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitOffsets(String groupId, int generationId, String memberId,
                                                                       String groupInstanceId,
                                                                       Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                                       short version) {
        return onOwner(() -> commit(groupId, generationId, memberId == null ? "" : memberId, groupInstanceId, offsets,
                version));
    }

    private CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generationId, String memberId,
                                                                 String groupInstanceId,
                                                                 Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                                 short version) {
        Errors error = checkPartition(groupId);
        ClassicGroup g = groups.get(groupId);
        if (error == Errors.NONE) {
            if (g == null) {
                if (generationId < 0) {
                    g = new ClassicGroup(groupId, config.partitionFor(groupId));
                    groups.put(groupId, g);
                } else {
                    error = version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                }
            } else {
                error = validateOffsetCommit(g, generationId, memberId, groupInstanceId, false);
            }
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        if (error != Errors.NONE) {
            Errors e = error;
            offsets.keySet().forEach(tp -> result.put(tp, e));
            return done(result);
        }
        if (g.is(GroupState.STABLE) && g.hasMember(memberId)) {
            GroupMember m = g.members.get(memberId);
            m.sessionDeadlineMs = now() + m.sessionTimeoutMs;
        }
        List<KeyedRecordLog.Entry> entries = new ArrayList<>();
        Map<TopicPartition, GroupRecords.OffsetValue> accepted = new LinkedHashMap<>();
        offsets.forEach((tp, v) -> {
            String metadata = v.metadata() == null ? "" : v.metadata();
            if (metadata.length() > config.offsetMetadataMaxBytes()) {
                result.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                return;
            }
            GroupRecords.OffsetValue value = new GroupRecords.OffsetValue(v.offset(), v.leaderEpoch(), metadata,
                    clock.epochMillis());
            accepted.put(tp, value);
            entries.add(new KeyedRecordLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()),
                    GroupRecords.offsetValue(value)));
            result.put(tp, Errors.NONE);
        });
        if (entries.isEmpty()) {
            return done(result);
        }
        ClassicGroup group = g;
        return append(g, entries).handleAsync((v, err) -> {
            if (err != null) {
                accepted.keySet().forEach(tp -> result.put(tp, Errors.NOT_COORDINATOR));
            } else {
                ClassicGroup current = groups.computeIfAbsent(groupId, id -> group);
                current.offsets.putAll(accepted);
            }
            return result;
        }, owner);
    }

    /**
     * Commits offsets in the transaction of {@code producerId} (TxnOffsetCommit, KIP-447: with a generation
     * and member the commit is fenced like a group member's). They stay pending, invisible to OffsetFetch,
     * until the transaction's marker reaches this partition ({@link #endTransaction}).
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTxnOffsets(String groupId, long producerId,
                                                                          short producerEpoch, int generationId,
                                                                          String memberId, String groupInstanceId,
                                                                          Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                                          boolean groupIdNotFoundSupported) {
        return onOwner(() -> {
            Errors error = checkPartition(groupId);
            String member = memberId == null ? "" : memberId;
            ClassicGroup g = groups.get(groupId);
            if (error == Errors.NONE) {
                if (g == null) {
                    if (generationId < 0) {
                        g = new ClassicGroup(groupId, config.partitionFor(groupId));
                        groups.put(groupId, g);
                    } else {
                        error = groupIdNotFoundSupported ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                    }
                } else {
                    error = validateOffsetCommit(g, generationId, member, groupInstanceId, true);
                }
            }
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            if (error != Errors.NONE) {
                Errors e = error;
                offsets.keySet().forEach(tp -> result.put(tp, e));
                return done(result);
            }
            List<KeyedRecordLog.Entry> entries = new ArrayList<>();
            Map<TopicPartition, GroupRecords.OffsetValue> accepted = new LinkedHashMap<>();
            offsets.forEach((tp, v) -> {
                String metadata = v.metadata() == null ? "" : v.metadata();
                if (metadata.length() > config.offsetMetadataMaxBytes()) {
                    result.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
                    return;
                }
                GroupRecords.OffsetValue value = new GroupRecords.OffsetValue(v.offset(), v.leaderEpoch(), metadata,
                        clock.epochMillis());
                accepted.put(tp, value);
                entries.add(new KeyedRecordLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()),
                        GroupRecords.offsetValue(value)));
                result.put(tp, Errors.NONE);
            });
            if (entries.isEmpty()) {
                return done(result);
            }
            ClassicGroup group = g;
            LoadState st = loaded.get(g.partition);
            return st.log.appendTransactional(entries, producerId, producerEpoch).handleAsync((v, err) -> {
                if (err != null) {
                    LOG.warn("Transactional offset commit to {}-{} failed: {}", GroupConfig.OFFSETS_TOPIC,
                            group.partition, err.toString());
                    Throwable cause = unwrap(err);
                    // The partition refused the batch (a fenced producer epoch, say): Kafka's error; else move on.
                    Errors answer = cause instanceof ApiException ? Errors.forException(cause) : Errors.NOT_COORDINATOR;
                    accepted.keySet().forEach(tp -> result.put(tp, answer));
                    if (answer == Errors.NOT_COORDINATOR) {
                        if (loaded.get(group.partition) == st) {
                            unload(group.partition);
                        }
                        logs.failed(group.partition);
                    }
                } else {
                    ClassicGroup current = groups.computeIfAbsent(groupId, id -> group);
                    current.pendingTxnOffsets.computeIfAbsent(producerId, k -> new LinkedHashMap<>()).putAll(accepted);
                }
                return result;
            }, owner);
        });
    }

    private static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * A marker of {@code producerId}'s transaction was written into {@code tp} (a partition of
     * {@code __consumer_offsets}): its pending offsets become the committed ones, or are dropped.
     */
    public void onMarker(TopicPartition tp, long producerId, boolean commit) {
        if (!tp.topic().equals(GroupConfig.OFFSETS_TOPIC)) {
            return;
        }
        owner.execute(() -> {
            LoadState st = loaded.get(tp.partition());
            if (st != null && st.ready) {
                endTransaction(tp.partition(), producerId, commit);
            }
        });
    }

    /** Owner thread: resolves {@code producerId}'s pending offsets in the groups of partition {@code p}. */
    private void endTransaction(int p, long producerId, boolean commit) {
        for (ClassicGroup g : groups.values()) {
            if (g.partition != p) {
                continue;
            }
            Map<TopicPartition, GroupRecords.OffsetValue> pending = g.pendingTxnOffsets.remove(producerId);
            if (pending != null && commit) {
                g.offsets.putAll(pending);
            }
        }
    }

    private static Errors validateOffsetCommit(ClassicGroup g, int generationId, String memberId, String groupInstanceId,
                                               boolean transactional) {
        if (g.is(GroupState.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generationId < 0 && g.is(GroupState.EMPTY)) {
            return Errors.NONE; // a simple (admin or manually assigned) commit
        }
        if (generationId >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors invalid = validateMember(g, memberId, groupInstanceId);
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generationId != g.generationId) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && !g.is(GroupState.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return !transactional && g.is(GroupState.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }

    /**
     * Committed offsets of the given partitions (null: all the group has). With {@code requireStable}, a
     * partition with an offset pending in an open transaction is listed as unstable instead (OffsetFetch
     * v7+: UNSTABLE_OFFSET_COMMIT, and the consumer asks again).
     */
    public CompletableFuture<OffsetFetchResult> fetchOffsets(String groupId, List<TopicPartition> partitions,
                                                             boolean requireStable) {
        return onOwner(() -> {
            Errors pe = checkPartition(groupId);
            if (pe != Errors.NONE) {
                return done(new OffsetFetchResult(pe, Map.of(), Set.of()));
            }
            ClassicGroup g = groups.get(groupId);
            Map<TopicPartition, GroupRecords.OffsetValue> result = new LinkedHashMap<>();
            if (partitions == null) {
                if (g != null) {
                    result.putAll(g.offsets);
                }
            } else {
                partitions.forEach(tp -> result.put(tp, g == null ? null : g.offsets.get(tp)));
            }
            Set<TopicPartition> unstable = new HashSet<>();
            if (requireStable && g != null) {
                g.pendingTxnOffsets.values().forEach(pending -> pending.keySet().forEach(tp -> {
                    if (partitions == null || result.containsKey(tp)) {
                        unstable.add(tp);
                    }
                }));
            }
            return done(new OffsetFetchResult(Errors.NONE, result, unstable));
        });
    }

    /** OffsetDelete: the top-level error, else one error per partition. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return onOwner(() -> {
            Errors pe = checkPartition(groupId);
            if (pe != Errors.NONE) {
                return done(new OffsetDeleteResult(pe, Map.of()));
            }
            ClassicGroup g = groups.get(groupId);
            if (g == null || g.is(GroupState.DEAD)) {
                return done(new OffsetDeleteResult(Errors.GROUP_ID_NOT_FOUND, Map.of()));
            }
            if (!g.is(GroupState.EMPTY) && !CONSUMER_PROTOCOL.equals(g.protocolType)) {
                return done(new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
            }
            Set<String> subscribed = subscribedTopics(g);
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            List<KeyedRecordLog.Entry> entries = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (subscribed.contains(tp.topic())) {
                    result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    result.put(tp, Errors.NONE);
                    if (g.offsets.containsKey(tp)) {
                        entries.add(new KeyedRecordLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null));
                    }
                }
            }
            if (entries.isEmpty()) {
                return done(new OffsetDeleteResult(Errors.NONE, result));
            }
            return append(g, entries).handleAsync((v, err) -> {
                if (err != null) {
                    return new OffsetDeleteResult(Errors.NOT_COORDINATOR, Map.of());
                }
                result.forEach((tp, e) -> {
                    if (e == Errors.NONE) {
                        g.offsets.remove(tp);
                    }
                });
                return new OffsetDeleteResult(Errors.NONE, result);
            }, owner);
        });
    }

    private static Set<String> subscribedTopics(ClassicGroup g) {
        Set<String> topics = new HashSet<>();
        if (!CONSUMER_PROTOCOL.equals(g.protocolType) || g.protocolName == null) {
            return topics;
        }
        for (GroupMember m : g.members.values()) {
            byte[] metadata = m.protocols.get(g.protocolName);
            if (metadata != null) {
                try {
                    ConsumerPartitionAssignor.Subscription s = ConsumerProtocol.deserializeSubscription(
                            ByteBuffer.wrap(metadata));
                    topics.addAll(s.topics());
                } catch (RuntimeException e) {
                    LOG.debug("Unreadable subscription of member {} in group {}", m.memberId, g.groupId, e);
                }
            }
        }
        return topics;
    }

    // ---------------------------------------------------------------- admin

    /**
     * Groups on the loaded partitions, filtered by Kafka state names (empty filter: all); fails with
     * COORDINATOR_LOAD_IN_PROGRESS (clients retry) while an open partition is still loading or one of
     * {@code ownedPartitions} (assigned to this broker) is not open yet.
     */
    public CompletableFuture<List<ListedGroup>> listGroups(List<String> statesFilter, Set<Integer> ownedPartitions) {
        return onOwner(() -> {
            syncPartitions();
            if (loaded.values().stream().anyMatch(st -> !st.ready) || ownedPartitions.stream().anyMatch(p -> {
                LoadState st = loaded.get(p);
                return st == null || !st.ready;
            })) {
                return CompletableFuture.failedFuture(Errors.COORDINATOR_LOAD_IN_PROGRESS.exception());
            }
            Set<String> states = new HashSet<>();
            statesFilter.forEach(s -> states.add(s.toLowerCase(java.util.Locale.ROOT)));
            List<ListedGroup> result = new ArrayList<>();
            for (ClassicGroup g : groups.values()) {
                LoadState st = loaded.get(g.partition);
                if (st == null || !st.ready || g.is(GroupState.DEAD)) {
                    continue;
                }
                if (!states.isEmpty() && !states.contains(g.state().kafkaName().toLowerCase(java.util.Locale.ROOT))) {
                    continue;
                }
                result.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType == null ? ""
                        : g.protocolType).setGroupState(g.state().kafkaName()).setGroupType("classic"));
            }
            return done(result);
        });
    }

    /** DescribeGroups for one group; {@code notFoundError} is what Kafka answers for an unknown group. */
    public CompletableFuture<DescribedGroup> describeGroup(String groupId, Errors notFoundError) {
        return onOwner(() -> {
            DescribedGroup d = new DescribedGroup().setGroupId(groupId);
            Errors pe = checkPartition(groupId);
            if (pe != Errors.NONE) {
                return done(d.setErrorCode(pe.code()).setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("")
                        .setProtocolData(""));
            }
            ClassicGroup g = groups.get(groupId);
            if (g == null || g.is(GroupState.DEAD)) {
                return done(d.setErrorCode(notFoundError.code()).setGroupState(GroupState.DEAD.kafkaName())
                        .setProtocolType("").setProtocolData("")
                        .setErrorMessage(notFoundError == Errors.NONE ? null : "Group " + groupId + " not found."));
            }
            boolean stable = g.is(GroupState.STABLE);
            d.setErrorCode(Errors.NONE.code()).setGroupState(g.state().kafkaName())
                    .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setProtocolData(stable && g.protocolName != null ? g.protocolName : "");
            for (GroupMember m : g.members.values()) {
                d.members().add(new DescribedGroupMember().setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId)
                        .setClientId(m.clientId).setClientHost(m.clientHost)
                        .setMemberMetadata(stable ? m.protocols.getOrDefault(g.protocolName, EMPTY) : EMPTY)
                        .setMemberAssignment(stable ? m.assignment : EMPTY));
            }
            return done(d);
        });
    }

    /** DeleteGroups for one group: only an empty group can go; its offsets go with it. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return onOwner(() -> {
            Errors pe = checkPartition(groupId);
            if (pe != Errors.NONE) {
                return done(pe);
            }
            ClassicGroup g = groups.get(groupId);
            if (g == null || g.is(GroupState.DEAD)) {
                return done(Errors.GROUP_ID_NOT_FOUND);
            }
            if (!g.is(GroupState.EMPTY)) {
                return done(Errors.NON_EMPTY_GROUP);
            }
            List<KeyedRecordLog.Entry> entries = new ArrayList<>();
            g.offsets.keySet().forEach(tp -> entries.add(new KeyedRecordLog.Entry(
                    GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null)));
            entries.add(new KeyedRecordLog.Entry(GroupRecords.groupKey(groupId), null));
            return append(g, entries).handleAsync((v, err) -> {
                if (err != null) {
                    return Errors.NOT_COORDINATOR;
                }
                if (groups.get(groupId) == g && g.is(GroupState.EMPTY)) {
                    g.transitionTo(GroupState.DEAD);
                    groups.remove(groupId);
                }
                return Errors.NONE;
            }, owner);
        });
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void close() {
        owner.shutdownNow();
        try {
            owner.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
