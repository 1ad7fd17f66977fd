package io.elasticstream.broker.group;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups of the loaded {@code __consumer_offsets} partitions, by id, and how a replay of a partition's
 * records ({@link GroupRecords}) rebuilds them. Owned by the coordinator thread.
 */
final class GroupStore {
    private static final Logger LOG = LoggerFactory.getLogger(GroupStore.class);
    private final Map<String, Group> groups = new HashMap<>();
    private final GroupConfig config;
    /** Each share group's members' timing. */
    private final Function<String, ShareMemberTiming> shareTiming;

    GroupStore(GroupConfig config, Function<String, ShareMemberTiming> shareTiming) {
        this.config = config;
        this.shareTiming = shareTiming;
    }

    Group get(String groupId) {
        return groups.get(groupId);
    }

    /** The group as a classic group, created (Empty) if there is none; null if it is of another kind. */
    ClassicGroup classic(String groupId) {
        Group g = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, config.partitionFor(id)));
        return g instanceof ClassicGroup c ? c : null;
    }

    /**
     * The group as a consumer group: the existing one, or (with {@code create}) a new one, or one replacing an
     * empty classic group (keeping its offsets, as Kafka does); null when there is none and none may be made.
     */
    ConsumerGroup consumer(String groupId, boolean create) {
        Group g = groups.get(groupId);
        if (g instanceof ConsumerGroup c) {
            return c;
        }
        if (!create || (g != null && !g.isEmpty())) {
            return null;
        }
        ConsumerGroup c = new ConsumerGroup(groupId, config.partitionFor(groupId),
                g == null ? new GroupOffsets() : g.offsets);
        groups.put(groupId, c);
        return c;
    }

    /**
     * The group as a share group: the existing one, or (with {@code create}) a new one at epoch 1 when there is
     * no group of that id; null otherwise (none, or of another kind).
     */
    ShareGroup share(String groupId, boolean create) {
        Group g = groups.get(groupId);
        if (g instanceof ShareGroup s) {
            return s;
        }
        if (!create || g != null) {
            return null;
        }
        ShareGroup s = new ShareGroup(groupId, config.partitionFor(groupId),
                new ShareGroupMembership(shareTiming.apply(groupId), 1));
        groups.put(groupId, s);
        return s;
    }

    /** Replaces an empty consumer group by an empty classic group with its offsets (a classic member joins). */
    ClassicGroup downgrade(ConsumerGroup c) {
        ClassicGroup g = new ClassicGroup(c.groupId, c.partition, c.offsets);
        c.unload();
        groups.put(c.groupId, g);
        return g;
    }

    /** Registers {@code g} in place of the group of its id (a protocol conversion, {@link GroupConversions}). */
    void replace(Group g) {
        groups.put(g.groupId, g);
    }

    /** The group if it is a classic group, else null. */
    ClassicGroup classicOrNull(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup c ? c : null;
    }

    /**
     * Kafka's GROUP_ID_NOT_FOUND message for {@code groupId} asked for as a {@code kind} group: {@code notFound}
     * when there is no live group of that id, else "Group X is not a {@code kind} group.".
     */
    String notOfKind(String groupId, String kind, String notFound) {
        Group other = groups.get(groupId);
        return other == null || other.isDead() ? notFound : "Group " + groupId + " is not a " + kind + " group.";
    }

    /** Whether {@code g} is still the group registered under its id (an async continuation's check). */
    boolean isCurrent(Group g) {
        return groups.get(g.groupId) == g;
    }

    /** The registered group with {@code g}'s id, or {@code g} registered again (it was dropped meanwhile). */
    Group currentOr(Group g) {
        return groups.computeIfAbsent(g.groupId, id -> g);
    }

    void remove(Group g) {
        groups.remove(g.groupId, g);
    }

    List<Group> all() {
        return List.copyOf(groups.values());
    }

    // ---------------------------------------------------------------- replay

    /** Applies one replayed record of partition {@code p} ({@code producerId}: its transaction, or -1). */
    void apply(int p, GroupRecords.Decoded record, long producerId) {
        Function<String, Group> create = id -> new ClassicGroup(id, p);
        switch (record) {
            case GroupRecords.OffsetRecord o -> {
                Group g = groups.computeIfAbsent(o.group(), create);
                TopicPartition tp = new TopicPartition(o.topic(), o.partition());
                if (producerId != RecordBatch.NO_PRODUCER_ID) {
                    if (o.value() != null) {
                        g.offsets.addPending(producerId, Map.of(tp, o.value()));
                    }
                } else if (o.value() == null) {
                    g.offsets.remove(tp);
                } else {
                    g.offsets.commit(tp, o.value());
                }
            }
            case ConsumerGroupRecords.GroupEpochs ge -> {
                if (ge.value() != null) {
                    ConsumerGroup c = replayed(ge.group(), p);
                    c.groupEpoch = ge.value().groupEpoch();
                    c.assignmentEpoch = ge.value().assignmentEpoch();
                    c.writtenEpochs = ge.value();
                } else if (groups.get(ge.group()) instanceof ConsumerGroup c) {
                    groups.put(ge.group(), new ClassicGroup(ge.group(), p, c.offsets)); // deleted or converted back
                }
            }
            case ConsumerGroupRecords.MemberRecord mr -> {
                if (mr.value() != null) {
                    ConsumerGroup c = replayed(mr.group(), p);
                    ConsumerGroupMember old = c.members.get(mr.memberId());
                    if (old != null) {
                        c.remove(old);
                    }
                    c.put(ConsumerGroupMember.from(mr.memberId(), mr.value()));
                    c.targetAssignment.put(mr.memberId(), mr.value().target());
                    c.writtenMembers.put(mr.memberId(), mr.value());
                } else if (groups.get(mr.group()) instanceof ConsumerGroup c) {
                    ConsumerGroupMember old = c.members.get(mr.memberId());
                    if (old != null) {
                        c.remove(old);
                    }
                    c.writtenMembers.remove(mr.memberId());
                }
            }
            case ShareGroupRecords.ShareGroupEpoch se -> {
                if (se.groupEpoch() == null) {
                    if (groups.get(se.group()) instanceof ShareGroup) {
                        groups.remove(se.group());
                    }
                } else {
                    ShareGroup s = new ShareGroup(se.group(), p, new ShareGroupMembership(
                            shareTiming.apply(se.group()), se.groupEpoch()));
                    s.writtenEpoch = se.groupEpoch();
                    if (groups.get(se.group()) instanceof ShareGroup replayedBefore) {
                        s.states.putAll(replayedBefore.states);
                        s.leaderEpochs.putAll(replayedBefore.leaderEpochs);
                    }
                    groups.put(se.group(), s);
                }
            }
            case ShareGroupRecords.ShareStateRecord sr -> {
                ShareGroup g = groups.get(sr.group()) instanceof ShareGroup existing ? existing : null;
                if (g == null && sr.state() != null) {
                    g = new ShareGroup(sr.group(), p,
                            new ShareGroupMembership(shareTiming.apply(sr.group()), 1));
                    groups.put(sr.group(), g);
                }
                if (g != null) {
                    GroupCoordinator.TopicIdPartitionKey key = new GroupCoordinator.TopicIdPartitionKey(sr.topicId(), sr.partition());
                    if (sr.state() == null) {
                        g.states.remove(key);
                        g.leaderEpochs.remove(key);
                    } else {
                        g.states.put(key, sr.state());
                        g.leaderEpochs.put(key, sr.leaderEpoch());
                    }
                }
            }
            case GroupRecords.GroupRecord gr -> {
                if (gr.value() == null) {
                    if (groups.get(gr.group()) instanceof ClassicGroup c) {
                        // deleted (its offsets' tombstones came first) or converted to a consumer group (they stay)
                        groups.put(gr.group(), new ClassicGroup(gr.group(), p, c.offsets));
                    }
                } else {
                    Group existing = groups.get(gr.group());
                    ClassicGroup g = existing instanceof ClassicGroup c ? c : new ClassicGroup(gr.group(), p,
                            existing == null ? new GroupOffsets() : existing.offsets); // a consumer group converted back
                    groups.put(gr.group(), g);
                    g.protocolType = gr.value().protocolType();
                    g.generationId = gr.value().generation();
                    g.protocolName = null;
                }
            }
        }
    }

    /** The consumer group a replayed record of partition {@code p} belongs to, made one if it is not yet. */
    private ConsumerGroup replayed(String groupId, int p) {
        Group g = groups.get(groupId);
        if (g instanceof ConsumerGroup c) {
            return c;
        }
        ConsumerGroup c = new ConsumerGroup(groupId, p, g == null ? new GroupOffsets() : g.offsets);
        c.subscriptionsStale = true;
        groups.put(groupId, c);
        return c;
    }

    /** The end of {@code producerId}'s transaction on partition {@code p}: the pending offsets of its groups. */
    void endTransaction(int p, long producerId, boolean commit) {
        for (Group g : groups.values()) {
            if (g.partition == p) {
                g.offsets.endTransaction(producerId, commit);
            }
        }
    }

    /** After a replay of {@code p}: groups that hold nothing (created, then emptied) are dropped. */
    void pruneLoaded(int p) {
        groups.values().removeIf(g -> g.partition == p && g.isHollow());
    }

    /** Partition {@code p} closed here: its groups go, their waiting requests answered NOT_COORDINATOR. */
    void unload(int p) {
        List<Group> gone = groups.values().stream().filter(g -> g.partition == p).toList();
        for (Group g : gone) {
            g.unload();
            groups.remove(g.groupId);
        }
        LOG.info("Unloaded {} groups of {}-{}", gone.size(), GroupConfig.OFFSETS_TOPIC, p);
    }
}
