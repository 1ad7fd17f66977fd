package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.share.SharePartitionStateCodec;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * ShareGroupHeartbeat and ShareGroupDescribe (KIP-932) on the coordinator's {@link ShareGroup}s: finds or
 * creates the group (a group id of another kind is GROUP_ID_NOT_FOUND "Group X is not a share group.", as
 * in Kafka), lets its {@link ShareGroupMembership} answer, and writes a changed group epoch before the answer
 * goes out. Session expiry runs on {@link #tick}. Owned by the coordinator thread.
 */
final class ShareGroupProtocol {
    /** The only share-group assignor Kafka 4.4 has. */
    static final String ASSIGNOR = "simple";

    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final Clock clock;
    private final Executor owner;
    private final Supplier<TopicImage> topics;

    ShareGroupProtocol(GroupStore groups, CoordinatorPartitions partitions, Clock clock, Executor owner,
                       Supplier<TopicImage> topics) {
        this.groups = groups;
        this.partitions = partitions;
        this.clock = clock;
        this.owner = owner;
        this.topics = topics;
    }

    /** Kafka's request checks, answered before the request reaches the owner thread; null when valid. */
    static ShareGroupHeartbeatResponseData invalid(ShareGroupHeartbeatRequestData req) {
        String invalid = ShareGroupMembership.invalid(req);
        return invalid == null ? null : ShareGroupMembership.error(Errors.INVALID_REQUEST,
                invalid.isEmpty() ? null : invalid);
    }

    CompletableFuture<ShareGroupHeartbeatResponseData> heartbeat(ShareGroupHeartbeatRequestData req, String clientId,
                                                                 String clientHost) {
        Errors pe = partitions.check(req.groupId());
        if (pe != Errors.NONE) {
            return CompletableFuture.completedFuture(ShareGroupMembership.error(pe, null));
        }
        TopicImage image = topics.get();
        if (image == null) {
            return CompletableFuture.completedFuture(ShareGroupMembership.error(Errors.COORDINATOR_LOAD_IN_PROGRESS,
                    null));
        }
        ShareGroup g = groups.share(req.groupId(), req.memberEpoch() == 0);
        if (g == null || g.isDead()) {
            String message = groups.notOfKind(req.groupId(), ShareGroup.TYPE, req.memberEpoch() == -1
                    ? "Group " + req.groupId() + " not found." : "Share group " + req.groupId() + " not found.");
            return CompletableFuture.completedFuture(ShareGroupMembership.error(Errors.GROUP_ID_NOT_FOUND, message));
        }
        ShareGroupHeartbeatResponseData response = g.membership.heartbeat(req, clientId, clientHost, image,
                clock.monotonicMillis());
        return persisted(g).handleAsync((v, err) -> err == null ? response
                : ShareGroupMembership.error(Errors.NOT_COORDINATOR, null), owner);
    }

    /** Expires the members of {@code g} silent for their session. */
    void tick(ShareGroup g, long nowMs) {
        if (!g.membership.expire(nowMs, topics.get()).isEmpty()) {
            persisted(g);
        }
    }

    /** The topics changed: groups whose assignment changes move to a new epoch. */
    void onTopics(TopicImage image, List<ShareGroup> loaded) {
        for (ShareGroup g : loaded) {
            if (g.membership.onTopics(image)) {
                persisted(g);
            }
        }
    }

    /** Writes the group's epoch if it moved; completes when it is durable (failed: the partition is lost). */
    private CompletableFuture<Void> persisted(ShareGroup g) {
        int epoch = g.membership.epoch();
        if (epoch == g.writtenEpoch) {
            return CompletableFuture.completedFuture(null);
        }
        g.writtenEpoch = epoch;
        return partitions.append(g, List.of(new KeyedRecordLog.Entry(ShareGroupRecords.groupKey(g.groupId),
                ShareGroupRecords.groupValue(epoch))));
    }

    /** The tombstones DeleteGroups writes for a share group: its states, then the group. */
    static List<KeyedRecordLog.Entry> tombstones(ShareGroup g) {
        List<KeyedRecordLog.Entry> out = new ArrayList<>();
        g.states.keySet().forEach(k -> out.add(ShareGroupRecords.stateEntry(g.groupId, k, null)));
        out.add(new KeyedRecordLog.Entry(ShareGroupRecords.groupKey(g.groupId), null));
        return out;
    }

    // ---------------------------------------------------------------- share state (the partitions' leaders)

    /**
     * The state a partition's leader last wrote for the group, read by the leader at {@code leaderEpoch} (-1: not
     * said), which fences the leaders of older epochs from then on (written with the state, when there is one,
     * before the answer): NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS when the group is not (yet) here,
     * GROUP_ID_NOT_FOUND when there is no such share group, FENCED_LEADER_EPOCH for an older leader.
     */
    CompletableFuture<GroupCoordinator.ShareStateRead> readState(String groupId, Uuid topicId, int partition,
                                                                 int leaderEpoch) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return done(new GroupCoordinator.ShareStateRead(pe, null));
        }
        ShareGroup g = groups.share(groupId, false);
        if (g == null || g.isDead()) {
            return done(new GroupCoordinator.ShareStateRead(Errors.GROUP_ID_NOT_FOUND, null));
        }
        GroupCoordinator.TopicIdPartitionKey key = new GroupCoordinator.TopicIdPartitionKey(topicId, partition);
        int known = g.leaderEpochs.getOrDefault(key, -1);
        if (isFenced(leaderEpoch, known)) {
            return done(new GroupCoordinator.ShareStateRead(Errors.FENCED_LEADER_EPOCH, null));
        }
        SharePartition.State state = g.states.get(key);
        if (leaderEpoch <= known) {
            return done(new GroupCoordinator.ShareStateRead(Errors.NONE, state));
        }
        g.leaderEpochs.put(key, leaderEpoch);
        if (state == null) {
            return done(new GroupCoordinator.ShareStateRead(Errors.NONE, null));
        }
        return append(g, key, new SharePartitionStateCodec.Stored(state, leaderEpoch)).thenApply(e ->
                new GroupCoordinator.ShareStateRead(e, e == Errors.NONE ? state : null));
    }

    /**
     * Writes the group's state in a partition, from its leader at {@code leaderEpoch} (-1: not said); completes
     * with NONE once it is durable, or the error (FENCED_LEADER_EPOCH for a leader older than one that read or
     * wrote it since).
     */
    CompletableFuture<Errors> writeState(String groupId, Uuid topicId, int partition, int leaderEpoch,
                                         SharePartition.State state) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return done(pe);
        }
        ShareGroup g = groups.share(groupId, false);
        if (g == null || g.isDead()) {
            return done(Errors.GROUP_ID_NOT_FOUND);
        }
        GroupCoordinator.TopicIdPartitionKey key = new GroupCoordinator.TopicIdPartitionKey(topicId, partition);
        int known = g.leaderEpochs.getOrDefault(key, -1);
        if (isFenced(leaderEpoch, known)) {
            return done(Errors.FENCED_LEADER_EPOCH);
        }
        int epoch = Math.max(known, leaderEpoch);
        g.leaderEpochs.put(key, epoch);
        return append(g, key, new SharePartitionStateCodec.Stored(state, epoch)).thenApply(e -> {
            if (e == Errors.NONE && groups.isCurrent(g)) {
                g.states.put(key, state);
            }
            return e;
        });
    }

    /** Whether a leader at {@code leaderEpoch} (-1: not said) is older than the {@code known} one. */
    private static boolean isFenced(int leaderEpoch, int known) {
        return leaderEpoch >= 0 && leaderEpoch < known;
    }

    /** Writes one share-partition's state record; NONE once durable, NOT_COORDINATOR if the partition was lost. */
    private CompletableFuture<Errors> append(ShareGroup g, GroupCoordinator.TopicIdPartitionKey key,
                                             SharePartitionStateCodec.Stored stored) {
        return partitions.append(g, List.of(ShareGroupRecords.stateEntry(g.groupId, key, stored)))
                .handleAsync((v, err) -> err == null ? Errors.NONE : Errors.NOT_COORDINATOR, owner);
    }

    /**
     * AlterShareGroupOffsets: each partition of {@code starts} starts afresh at its offset, nothing in flight.
     * As in Kafka, the group is created when there is none, and must be empty (NON_EMPTY_GROUP).
     */
    CompletableFuture<GroupCoordinator.ShareStateChange> alterStates(String groupId,
                                                                    Map<GroupCoordinator.TopicIdPartitionKey, Long> starts) {
        return onEmptyGroup(groupId, true, g -> {
            Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> fresh = new HashMap<>();
            starts.forEach((k, start) -> fresh.put(k, new SharePartition.State(start, List.of())));
            return fresh;
        });
    }

    /**
     * DeleteShareGroupOffsets: forgets the group's state in every partition of {@code topicIds}; the change
     * names the topics it had state in. The group must exist and be empty, as in Kafka.
     */
    CompletableFuture<GroupCoordinator.ShareStateChange> deleteStates(String groupId, Set<Uuid> topicIds) {
        return onEmptyGroup(groupId, false, g -> {
            Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> gone = new HashMap<>();
            g.states.keySet().stream().filter(k -> topicIds.contains(k.topicId())).forEach(k -> gone.put(k, null));
            return gone;
        });
    }

    /**
     * An admin change to the states of {@code groupId}: the states {@code changes} gives (a null one deleted)
     * are written, if the group is here, is a share group (created, with {@code create}, when there is none)
     * and is empty; otherwise Kafka's error.
     */
    private CompletableFuture<GroupCoordinator.ShareStateChange> onEmptyGroup(String groupId, boolean create,
            Function<ShareGroup, Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State>> changes) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return done(new GroupCoordinator.ShareStateChange(pe, null, Set.of()));
        }
        ShareGroup g = groups.share(groupId, create);
        if (g == null || g.isDead()) {
            return done(new GroupCoordinator.ShareStateChange(Errors.GROUP_ID_NOT_FOUND, groups.notOfKind(groupId,
                    ShareGroup.TYPE, "Group " + groupId + " not found."), Set.of()));
        }
        if (!g.isEmpty()) {
            return done(new GroupCoordinator.ShareStateChange(Errors.NON_EMPTY_GROUP, Errors.NON_EMPTY_GROUP.message(),
                    Set.of()));
        }
        return changeStates(g, changes.apply(g));
    }

    /** Writes {@code changes} (a null state deletes one), with the group's epoch if it is new; then keeps them. */
    private CompletableFuture<GroupCoordinator.ShareStateChange> changeStates(ShareGroup g,
            Map<GroupCoordinator.TopicIdPartitionKey, SharePartition.State> changes) {
        List<KeyedRecordLog.Entry> entries = new ArrayList<>();
        if (g.writtenEpoch != g.membership.epoch()) {
            g.writtenEpoch = g.membership.epoch();
            entries.add(new KeyedRecordLog.Entry(ShareGroupRecords.groupKey(g.groupId),
                    ShareGroupRecords.groupValue(g.writtenEpoch)));
        }
        changes.forEach((k, state) -> entries.add(ShareGroupRecords.stateEntry(g.groupId, k, state == null ? null
                : new SharePartitionStateCodec.Stored(state, g.leaderEpochs.getOrDefault(k, -1)))));
        Set<Uuid> topicIds = new HashSet<>();
        changes.keySet().forEach(k -> topicIds.add(k.topicId()));
        if (entries.isEmpty()) {
            return done(new GroupCoordinator.ShareStateChange(Errors.NONE, null, topicIds));
        }
        return partitions.append(g, entries).handleAsync((v, err) -> {
            if (err != null) {
                return new GroupCoordinator.ShareStateChange(Errors.NOT_COORDINATOR, null, Set.of());
            }
            if (groups.isCurrent(g)) {
                changes.forEach((k, state) -> {
                    if (state == null) {
                        g.states.remove(k);
                        g.leaderEpochs.remove(k);
                    } else {
                        g.states.put(k, state);
                    }
                });
            }
            return new GroupCoordinator.ShareStateChange(Errors.NONE, null, topicIds);
        }, owner);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    /** The states of a share group, for DescribeShareGroupOffsets; the error when it is not a share group here. */
    GroupCoordinator.ShareStates states(String groupId) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return new GroupCoordinator.ShareStates(pe, Map.of());
        }
        ShareGroup g = groups.share(groupId, false);
        if (g == null || g.isDead()) {
            return new GroupCoordinator.ShareStates(Errors.GROUP_ID_NOT_FOUND, Map.of());
        }
        return new GroupCoordinator.ShareStates(Errors.NONE, Map.copyOf(g.states));
    }

    DescribedGroup describe(String groupId) {
        DescribedGroup d = new DescribedGroup().setGroupId(groupId);
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return d.setErrorCode(pe.code());
        }
        Group any = groups.get(groupId);
        if (!(any instanceof ShareGroup g) || g.isDead()) {
            return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(groups.notOfKind(groupId,
                    ShareGroup.TYPE, "Group " + groupId + " not found."));
        }
        TopicImage image = topics.get();
        int epoch = g.membership.epoch();
        d.setGroupState(g.stateName()).setGroupEpoch(epoch).setAssignmentEpoch(epoch).setAssignorName(ASSIGNOR);
        for (ShareGroupMembership.MemberView m : g.membership.describe()) {
            ShareGroupDescribeResponseData.Assignment a = new ShareGroupDescribeResponseData.Assignment();
            m.assignment().forEach((topicId, ps) -> {
                TopicImage.Topic t = image == null ? null : image.byId().get(topicId);
                a.topicPartitions().add(new ShareGroupDescribeResponseData.TopicPartitions().setTopicId(topicId)
                        .setTopicName(t == null ? "" : t.name()).setPartitions(new ArrayList<>(ps)));
            });
            d.members().add(new ShareGroupDescribeResponseData.Member().setMemberId(m.memberId())
                    .setRackId(m.rackId()).setMemberEpoch(m.memberEpoch()).setClientId(m.clientId())
                    .setClientHost(m.clientHost()).setSubscribedTopicNames(m.subscribedTopicNames()).setAssignment(a));
        }
        return d;
    }
}
