package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator for the {@code __consumer_offsets} partitions open on this broker: the one entry
 * point of the api package, and the owner thread every piece of group state lives on. Each public method
 * queues its work there and returns a future. The work is done by:
 * <ul>
 *   <li>{@link CoordinatorPartitions}: which partitions are open and loaded here (replay of their records);
 *   <li>{@link GroupStore}: the groups of those partitions, and how replayed records rebuild them;
 *   <li>{@link ClassicGroupProtocol}: JoinGroup, SyncGroup, Heartbeat, LeaveGroup and their deadlines, on
 *       {@link ClassicGroup}'s state machine;
 *   <li>{@link ConsumerGroupProtocol}: ConsumerGroupHeartbeat and ConsumerGroupDescribe (KIP-848), on
 *       {@link ConsumerGroup}; {@link ClassicMembersOfConsumerGroup}: the classic requests of its members that
 *       speak the classic protocol; {@link GroupConversions}: online migration between the two protocols;
 *   <li>{@link ShareGroupProtocol}: ShareGroupHeartbeat and ShareGroupDescribe (KIP-932), on {@link ShareGroup};
 *   <li>{@link OffsetStore}: OffsetCommit, TxnOffsetCommit, OffsetFetch, OffsetDelete.
 * </ul>
 * The admin answers (ListGroups, DescribeGroups, DeleteGroups) are here. Deadlines are checked by
 * {@link #tick} against the injected clock (a timer calls it; tests call it after advancing a manual clock).
 */
public final class GroupCoordinator implements AutoCloseable {
    private static final long TICK_MS = 100;

    private final GroupConfig config;
    private final Clock clock;
    private final ExecutorService owner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("group-coordinator").daemon(true).factory());
    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final ClassicGroupProtocol classic;
    private final ConsumerGroupProtocol consumer;
    private final ClassicMembersOfConsumerGroup classicMembers;
    private final ShareGroupProtocol share;
    private final OffsetStore offsets;
    /** Whether a consumer or share group is loaded here: only then is the topic image worth refreshing. */
    private volatile boolean consumerGroupsLoaded;

    /**
     * Committed offsets of a group (value null: none), or the error for the whole group; {@code unstable}:
     * the partitions with an offset pending in an open transaction (asked for with requireStable).
     */
    public record OffsetFetchResult(Errors error, Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                    Set<TopicPartition> unstable) {
    }

    /** OffsetDelete: the top-level error, else one error per partition. */
    public record OffsetDeleteResult(Errors error, Map<TopicPartition, Errors> partitions) {
    }

    /** LeaveGroup: the top-level error and one result per leaving member. */
    public record LeaveResult(Errors error, List<MemberResponse> members) {
    }

    public GroupCoordinator(GroupConfig config, GroupLog.Partitions logs, Clock clock) {
        this(config, ConsumerGroupConfig.defaults(), logs, clock);
    }

    public GroupCoordinator(GroupConfig config, ConsumerGroupConfig consumerConfig, GroupLog.Partitions logs,
                            Clock clock) {
        this(config, consumerConfig, ShareGroupConfig.defaults(), logs, clock);
    }

    /** Share groups' members heartbeat and time out as the broker's {@code shareConfig} says, for every group. */
    public GroupCoordinator(GroupConfig config, ConsumerGroupConfig consumerConfig, ShareGroupConfig shareConfig,
                            GroupLog.Partitions logs, Clock clock) {
        this(config, consumerConfig, groupId -> ShareMemberTiming.of(shareConfig), logs, clock);
    }

    /** Share groups' members heartbeat and time out as each group's configs say ({@code groupConfigs}). */
    public GroupCoordinator(GroupConfig config, ConsumerGroupConfig consumerConfig, GroupConfigs groupConfigs,
                            GroupLog.Partitions logs, Clock clock) {
        this(config, consumerConfig, groupId -> ShareMemberTiming.of(groupConfigs, groupId), logs, clock);
    }

    private GroupCoordinator(GroupConfig config, ConsumerGroupConfig consumerConfig,
                             Function<String, ShareMemberTiming> shareTiming, GroupLog.Partitions logs, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.groups = new GroupStore(config, shareTiming);
        this.partitions = new CoordinatorPartitions(config, logs, groups, clock, owner);
        this.classic = new ClassicGroupProtocol(config, groups, partitions, clock, owner);
        GroupConversions conversions = new GroupConversions(config, consumerConfig, groups, classic, clock);
        this.consumer = new ConsumerGroupProtocol(consumerConfig, groups, partitions, clock, owner, conversions);
        this.classicMembers = new ClassicMembersOfConsumerGroup(config, consumer, conversions, groups, partitions,
                clock);
        this.share = new ShareGroupProtocol(groups, partitions, clock, owner, consumer::topics);
        this.offsets = new OffsetStore(config, groups, partitions, clock, owner);
    }

    /** A coordinator for the {@code __consumer_offsets} partitions open in {@code partitions}, ticked by {@code timer}. */
    public static GroupCoordinator start(GroupConfig config, ConsumerGroupConfig consumerConfig,
                                         GroupConfigs groupConfigs, PartitionManager partitions,
                                         ScheduledExecutorService timer, Clock clock) {
        GroupCoordinator c = new GroupCoordinator(config, consumerConfig, groupConfigs,
                PartitionGroupLog.of(partitions, clock), clock);
        timer.scheduleWithFixedDelay(c::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return c;
    }

    public GroupConfig config() {
        return config;
    }

    public ConsumerGroupConfig consumerConfig() {
        return consumer.config();
    }

    private <T> CompletableFuture<T> onOwner(Supplier<CompletableFuture<T>> work) {
        return CompletableFuture.supplyAsync(work, owner).thenCompose(f -> f);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    // ---------------------------------------------------------------- classic protocol

    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData req, short version, String clientId,
                                                              String clientHost) {
        return onOwner(() -> {
            ConsumerGroup g = classicMembers.groupFor(req.groupId());
            return g != null ? classicMembers.join(g, req, version, clientId, clientHost)
                    : classic.join(req, version, clientId, clientHost);
        });
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData req) {
        return onOwner(() -> {
            ConsumerGroup g = classicMembers.groupFor(req.groupId());
            return g != null ? classicMembers.sync(g, req) : classic.sync(req);
        });
    }

    public CompletableFuture<Errors> heartbeat(String groupId, String memberId, String groupInstanceId, int generationId) {
        return onOwner(() -> {
            ConsumerGroup g = classicMembers.groupFor(groupId);
            return done(g != null ? classicMembers.heartbeat(g, memberId, groupInstanceId, generationId)
                    : classic.heartbeat(groupId, memberId, groupInstanceId, generationId));
        });
    }

    public CompletableFuture<LeaveResult> leaveGroup(String groupId, List<MemberIdentity> leaving) {
        return onOwner(() -> {
            ConsumerGroup g = classicMembers.groupFor(groupId);
            return g != null ? classicMembers.leave(g, leaving) : done(classic.leave(groupId, leaving));
        });
    }

    // ---------------------------------------------------------------- consumer protocol (KIP-848)

    /**
     * ConsumerGroupHeartbeat: joins, heartbeats, reconciles and leaves a consumer group. {@code fresh}, when not
     * null, is a topic image newer than the last one (the request changes a subscription).
     */
    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData req, short version, String clientId, String clientHost, TopicImage fresh) {
        ConsumerGroupHeartbeatResponseData invalid = ConsumerGroupProtocol.invalid(req, version, consumer.config());
        if (invalid != null) {
            return done(invalid);
        }
        return onOwner(() -> {
            if (fresh != null) {
                consumer.onTopics(fresh, loadedConsumerGroups());
            }
            return consumer.heartbeat(req, clientId, clientHost).whenComplete((r, e) -> consumerGroupsLoaded = true);
        });
    }

    /** ConsumerGroupDescribe for one group. */
    public CompletableFuture<ConsumerGroupDescribeResponseData.DescribedGroup> consumerGroupDescribe(String groupId) {
        return onOwner(() -> done(consumer.describe(groupId)));
    }

    /** A newer view of the topics: consumer and share groups whose subscribed topics changed rebalance. */
    public CompletableFuture<Void> updateTopics(TopicImage image) {
        return onOwner(() -> {
            onTopics(image);
            return done(null);
        });
    }

    private void onTopics(TopicImage image) {
        consumer.onTopics(image, loadedConsumerGroups());
        share.onTopics(image, loadedShareGroups());
    }

    /** Whether a consumer or share group may be loaded here (the topic image is worth refreshing). */
    public boolean hasConsumerGroups() {
        return consumerGroupsLoaded;
    }

    /** The last topic image the coordinator saw, or null before the first (consumer groups wait for one). */
    public TopicImage topics() {
        return consumer.topics();
    }

    // ---------------------------------------------------------------- share groups (KIP-932)

    /**
     * ShareGroupHeartbeat: joins, heartbeats and leaves a share group. {@code fresh}, when not null, is a topic
     * image newer than the last one (the request changes a subscription).
     */
    public CompletableFuture<ShareGroupHeartbeatResponseData> shareGroupHeartbeat(ShareGroupHeartbeatRequestData req,
                                                                               String clientId, String clientHost,
                                                                               TopicImage fresh) {
        ShareGroupHeartbeatResponseData invalid = ShareGroupProtocol.invalid(req);
        if (invalid != null) {
            return done(invalid);
        }
        return onOwner(() -> {
            if (fresh != null) {
                onTopics(fresh);
            }
            return share.heartbeat(req, clientId, clientHost).whenComplete((r, e) -> consumerGroupsLoaded = true);
        });
    }

    /** ShareGroupDescribe for one group. */
    public CompletableFuture<ShareGroupDescribeResponseData.DescribedGroup> shareGroupDescribe(String groupId) {
        return onOwner(() -> done(share.describe(groupId)));
    }

    /**
     * Share state a partition's leader reads when it sets up the group's share-partition, or the error;
     * {@code state} null when none was written yet.
     */
    public record ShareStateRead(Errors error, SharePartition.State state) {
    }

    /**
     * The state the leader of {@code topicId}-{@code partition} last wrote for share group {@code groupId}, read
     * by its leader at {@code leaderEpoch} (-1: not said), which fences older leaders' writes from then on.
     */
    public CompletableFuture<ShareStateRead> readShareState(String groupId, Uuid topicId, int partition,
                                                           int leaderEpoch) {
        return onOwner(() -> share.readState(groupId, topicId, partition, leaderEpoch));
    }

    /**
     * Writes share group {@code groupId}'s state in a partition, from its leader at {@code leaderEpoch} (-1: not
     * said); NONE once durable, else the error (FENCED_LEADER_EPOCH for a leader older than the last one seen).
     */
    public CompletableFuture<Errors> writeShareState(String groupId, Uuid topicId, int partition, int leaderEpoch,
                                                     SharePartition.State state) {
        return onOwner(() -> share.writeState(groupId, topicId, partition, leaderEpoch, state));
    }

    /** The states of share group {@code groupId} in its partitions (DescribeShareGroupOffsets), or the error. */
    public record ShareStates(Errors error, Map<TopicIdPartitionKey, SharePartition.State> states) {
    }

    /** A partition by topic id, as share state is kept (a topic recreated under its name starts afresh). */
    public record TopicIdPartitionKey(Uuid topicId, int partition) {
    }

    /**
     * What AlterShareGroupOffsets or DeleteShareGroupOffsets did: NONE and the topics whose state changed, or
     * the group's error (NOT_COORDINATOR, GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP, ...) and Kafka's message.
     */
    public record ShareStateChange(Errors error, String message, Set<Uuid> topicIds) {
    }

    /** AlterShareGroupOffsets: the partitions of {@code starts} start afresh at their offsets. */
    public CompletableFuture<ShareStateChange> alterShareStates(String groupId, Map<TopicIdPartitionKey, Long> starts) {
        return onOwner(() -> share.alterStates(groupId, starts));
    }

    /** DeleteShareGroupOffsets: the group's state in the topics of {@code topicIds} is forgotten. */
    public CompletableFuture<ShareStateChange> deleteShareStates(String groupId, Set<Uuid> topicIds) {
        return onOwner(() -> share.deleteStates(groupId, topicIds));
    }

    public CompletableFuture<ShareStates> shareStates(String groupId) {
        return onOwner(() -> {
            return done(share.states(groupId));
        });
    }

    private List<ShareGroup> loadedShareGroups() {
        List<ShareGroup> out = new ArrayList<>();
        for (Group g : groups.all()) {
            if (g instanceof ShareGroup s && partitions.isReady(g.partition)) {
                out.add(s);
            }
        }
        return out;
    }

    private List<ConsumerGroup> loadedConsumerGroups() {
        List<ConsumerGroup> out = new ArrayList<>();
        for (Group g : groups.all()) {
            if (g instanceof ConsumerGroup c && partitions.isReady(g.partition)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * Loads partitions that opened here and unloads those that closed, expires sessions and ends join
     * phases whose deadline passed. Call periodically.
     */
    public CompletableFuture<Void> tick() {
        return onOwner(() -> {
            partitions.sync();
            long now = clock.monotonicMillis();
            boolean anyConsumerGroup = false;
            for (Group g : groups.all()) {
                if (!groups.isCurrent(g)) {
                    continue;
                }
                if (g instanceof ClassicGroup c) {
                    classic.tick(c, now);
                } else if (g instanceof ConsumerGroup c && partitions.isReady(c.partition)) {
                    anyConsumerGroup = true;
                    consumer.tick(c, now);
                } else if (g instanceof ShareGroup sg && partitions.isReady(sg.partition)) {
                    anyConsumerGroup = true;
                    share.tick(sg, now);
                }
            }
            consumerGroupsLoaded = anyConsumerGroup;
            return done(null);
        });
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
        return onOwner(() -> this.offsets.commit(groupId, generationId, memberId == null ? "" : memberId,
                groupInstanceId, offsets, version));
    }

    /**
     * Commits offsets in the transaction of {@code producerId} (TxnOffsetCommit, KIP-447: with a generation
     * and member the commit is fenced like a group member's). They stay pending, invisible to OffsetFetch,
     * until the transaction's marker reaches this partition ({@link #onMarker}).
     */
    public CompletableFuture<Map<TopicPartition, Errors>> commitTxnOffsets(String groupId, long producerId,
                                                                          short producerEpoch, int generationId,
                                                                          String memberId, String groupInstanceId,
                                                                          Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                                          boolean groupIdNotFoundSupported) {
        return onOwner(() -> this.offsets.commitTransactional(groupId, producerId, producerEpoch, generationId,
                memberId == null ? "" : memberId, groupInstanceId, offsets, groupIdNotFoundSupported));
    }

    /**
     * A marker of {@code producerId}'s transaction was written into {@code tp} (a partition of
     * {@code __consumer_offsets}): its pending offsets become the committed ones, or are dropped.
     */
    public void onMarker(TopicPartition tp, long producerId, boolean commit) {
        if (tp.topic().equals(GroupConfig.OFFSETS_TOPIC)) {
            owner.execute(() -> offsets.endTransaction(tp.partition(), producerId, commit));
        }
    }

    /**
     * Committed offsets of the given partitions (null: all the group has). With {@code requireStable}, a
     * partition with an offset pending in an open transaction is listed as unstable instead (OffsetFetch
     * v7+: UNSTABLE_OFFSET_COMMIT, and the consumer asks again).
     */
    public CompletableFuture<OffsetFetchResult> fetchOffsets(String groupId, List<TopicPartition> partitions,
                                                             boolean requireStable) {
        return fetchOffsets(groupId, null, -1, partitions, requireStable);
    }

    /** OffsetFetch v9+: as {@link #fetchOffsets(String, List, boolean)}, by a member of a consumer group at its epoch. */
    public CompletableFuture<OffsetFetchResult> fetchOffsets(String groupId, String memberId, int memberEpoch,
                                                             List<TopicPartition> partitions, boolean requireStable) {
        return onOwner(() -> done(offsets.fetch(groupId, memberId, memberEpoch, partitions, requireStable)));
    }

    public CompletableFuture<OffsetDeleteResult> deleteOffsets(String groupId, List<TopicPartition> partitions) {
        return onOwner(() -> offsets.delete(groupId, partitions));
    }

    // ---------------------------------------------------------------- admin

    /**
     * Groups on the loaded partitions, filtered by Kafka state names (empty filter: all); fails with
     * COORDINATOR_LOAD_IN_PROGRESS (clients retry) while an open partition is still loading or one of
     * {@code ownedPartitions} (assigned to this broker) is not open yet.
     */
    public CompletableFuture<List<ListedGroup>> listGroups(List<String> statesFilter, Set<Integer> ownedPartitions) {
        return onOwner(() -> {
            partitions.sync();
            if (!partitions.allReady(ownedPartitions)) {
                return CompletableFuture.failedFuture(Errors.COORDINATOR_LOAD_IN_PROGRESS.exception());
            }
            Set<String> states = new HashSet<>();
            statesFilter.forEach(s -> states.add(s.toLowerCase(Locale.ROOT)));
            List<ListedGroup> result = new ArrayList<>();
            for (Group g : groups.all()) {
                if (!partitions.isReady(g.partition) || g.isDead()) {
                    continue;
                }
                if (!states.isEmpty() && !states.contains(g.stateName().toLowerCase(Locale.ROOT))) {
                    continue;
                }
                result.add(new ListedGroup().setGroupId(g.groupId).setProtocolType(g.protocolType())
                        .setGroupState(g.stateName()).setGroupType(g.typeName()));
            }
            return done(result);
        });
    }

    /** DescribeGroups for one group; {@code notFoundError} is what Kafka answers for an unknown group. */
    public CompletableFuture<DescribedGroup> describeGroup(String groupId, Errors notFoundError) {
        return onOwner(() -> {
            DescribedGroup d = new DescribedGroup().setGroupId(groupId);
            Errors pe = partitions.check(groupId);
            if (pe != Errors.NONE) {
                return done(d.setErrorCode(pe.code()).setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("")
                        .setProtocolData(""));
            }
            ClassicGroup g = groups.classicOrNull(groupId);
            if (g == null || g.is(GroupState.DEAD)) {
                return done(d.setErrorCode(notFoundError.code()).setGroupState(GroupState.DEAD.kafkaName())
                        .setProtocolType("").setProtocolData("")
                        .setErrorMessage(notFoundError == Errors.NONE ? null : g == null && groups.get(groupId) != null
                                ? "Group " + groupId + " is not a classic group." : "Group " + groupId + " not found."));
            }
            boolean stable = g.is(GroupState.STABLE);
            d.setErrorCode(Errors.NONE.code()).setGroupState(g.state().kafkaName())
                    .setProtocolType(g.protocolType == null ? "" : g.protocolType)
                    .setProtocolData(stable && g.protocolName != null ? g.protocolName : "");
            for (GroupMember m : g.members.values()) {
                d.members().add(new DescribedGroupMember().setMemberId(m.memberId).setGroupInstanceId(m.groupInstanceId)
                        .setClientId(m.clientId).setClientHost(m.clientHost)
                        .setMemberMetadata(stable ? m.protocols.getOrDefault(g.protocolName, ClassicResponses.EMPTY)
                                : ClassicResponses.EMPTY)
                        .setMemberAssignment(stable ? m.assignment : ClassicResponses.EMPTY));
            }
            return done(d);
        });
    }

    /** DeleteGroups for one group: only an empty group can go; its offsets go with it. */
    public CompletableFuture<Errors> deleteGroup(String groupId) {
        return onOwner(() -> {
            Errors pe = partitions.check(groupId);
            if (pe != Errors.NONE) {
                return done(pe);
            }
            Group g = groups.get(groupId);
            if (g == null || g.isDead()) {
                return done(Errors.GROUP_ID_NOT_FOUND);
            }
            if (!g.isEmpty()) {
                return done(Errors.NON_EMPTY_GROUP);
            }
            List<KeyedRecordLog.Entry> entries = new ArrayList<>(OffsetStore.tombstones(g));
            switch (g) {
                case ConsumerGroup c -> entries.add(new KeyedRecordLog.Entry(ConsumerGroupRecords.groupKey(groupId), null));
                case ShareGroup sg -> entries.addAll(ShareGroupProtocol.tombstones(sg));
                default -> entries.add(new KeyedRecordLog.Entry(GroupRecords.groupKey(groupId), null));
            }
            return partitions.append(g, entries).handleAsync((v, err) -> {
                if (err != null) {
                    return Errors.NOT_COORDINATOR;
                }
                if (groups.isCurrent(g) && g.isEmpty()) {
                    g.unload();
                    groups.remove(g);
                }
                return Errors.NONE;
            }, owner);
        });
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
