package io.elasticstream.broker.group;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;

/**
 * A group's offsets: the committed ones, and those committed in transactions not yet ended (TxnOffsetCommit),
 * by producer id, invisible until the transaction's marker makes them committed or drops them. Owned by the
 * coordinator thread.
 */
final class GroupOffsets {
    private final Map<TopicPartition, GroupRecords.OffsetValue> committed = new HashMap<>();
    private final Map<Long, Map<TopicPartition, GroupRecords.OffsetValue>> pending = new HashMap<>();

    GroupRecords.OffsetValue get(TopicPartition tp) {
        return committed.get(tp);
    }

    boolean has(TopicPartition tp) {
        return committed.containsKey(tp);
    }

    Map<TopicPartition, GroupRecords.OffsetValue> committed() {
        return committed;
    }

    void commit(TopicPartition tp, GroupRecords.OffsetValue value) {
        committed.put(tp, value);
    }

    void commitAll(Map<TopicPartition, GroupRecords.OffsetValue> values) {
        committed.putAll(values);
    }

    void remove(TopicPartition tp) {
        committed.remove(tp);
    }

    /** Offsets committed in {@code producerId}'s open transaction. */
    void addPending(long producerId, Map<TopicPartition, GroupRecords.OffsetValue> values) {
        pending.computeIfAbsent(producerId, k -> new LinkedHashMap<>()).putAll(values);
    }

    /** {@code producerId}'s transaction ended: its pending offsets become committed ones, or are dropped. */
    void endTransaction(long producerId, boolean commit) {
        Map<TopicPartition, GroupRecords.OffsetValue> values = pending.remove(producerId);
        if (values != null && commit) {
            committed.putAll(values);
        }
    }

    /** The partitions with an offset pending in an open transaction, among those {@code asked} accepts. */
    Set<TopicPartition> unstable(Predicate<TopicPartition> asked) {
        Set<TopicPartition> out = new java.util.HashSet<>();
        pending.values().forEach(values -> values.keySet().stream().filter(asked).forEach(out::add));
        return out;
    }

    boolean isEmpty() {
        return committed.isEmpty() && pending.isEmpty();
    }
}
