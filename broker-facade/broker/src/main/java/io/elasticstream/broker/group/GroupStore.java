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

    GroupStore(GroupConfig config) {
        this.config = config;
    }

    Group get(String groupId) {
        return groups.get(groupId);
    }

    /** The group as a classic group, created (Empty) if there is none; null if it is of another kind. */
    ClassicGroup classic(String groupId) {
        Group g = groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, config.partitionFor(id)));
        return g instanceof ClassicGroup c ? c : null;
    }

    /** The group if it is a classic group, else null. */
    ClassicGroup classicOrNull(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup c ? c : null;
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
            case GroupRecords.GroupRecord gr -> {
                if (gr.value() == null) {
                    groups.remove(gr.group());
                } else if (groups.computeIfAbsent(gr.group(), create) instanceof ClassicGroup g) {
                    g.protocolType = gr.value().protocolType();
                    g.generationId = gr.value().generation();
                    g.protocolName = null;
                }
            }
        }
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
