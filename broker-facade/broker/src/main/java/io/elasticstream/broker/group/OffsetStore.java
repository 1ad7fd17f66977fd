package io.elasticstream.broker.group;

import io.elasticstream.broker.group.GroupCoordinator.OffsetDeleteResult;
import io.elasticstream.broker.group.GroupCoordinator.OffsetFetchResult;
import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.common.Clock;
import io.elasticstream.common.Failures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Committed offsets: OffsetCommit, TxnOffsetCommit (pending until the transaction's marker), OffsetFetch and
 * OffsetDelete, whatever the kind of group ({@link Group#validateOffsetCommit} says who may commit). A commit
 * is answered only once its records are durable in {@code __consumer_offsets}. Owned by the coordinator
 * thread; every method is called there, and returned stages complete there.
 */
final class OffsetStore {
    private final GroupConfig config;
    private final GroupStore groups;
    private final CoordinatorPartitions partitions;
    private final Clock clock;
    private final Executor owner;

    OffsetStore(GroupConfig config, GroupStore groups, CoordinatorPartitions partitions, Clock clock, Executor owner) {
        this.config = config;
        this.groups = groups;
        this.partitions = partitions;
        this.clock = clock;
        this.owner = owner;
    }

    /** The records of one commit, and the answer for each partition so far. */
    private record Prepared(Group group, Map<TopicPartition, Errors> result,
                            Map<TopicPartition, GroupRecords.OffsetValue> accepted,
                            List<KeyedRecordLog.Entry> entries) {
    }

    /**
     * Commits offsets (Kafka 4's rules: generation -1 on an empty or unknown group is a "simple" commit, which
     * creates the group). Completes once the records are durable, with one error per partition.
     */
    CompletableFuture<Map<TopicPartition, Errors>> commit(String groupId, int generationId, String memberId,
                                                          String groupInstanceId,
                                                          Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                          short version) {
        Prepared c = prepare(groupId, generationId, memberId, groupInstanceId, offsets, false, version >= 9, version);
        if (c.entries.isEmpty()) {
            return CompletableFuture.completedFuture(c.result);
        }
        return partitions.append(c.group, c.entries).handleAsync((v, err) -> {
            if (err != null) {
                c.accepted.keySet().forEach(tp -> c.result.put(tp, Errors.NOT_COORDINATOR));
            } else {
                groups.currentOr(c.group).offsets.commitAll(c.accepted);
            }
            return c.result;
        }, owner);
    }

    /**
     * Commits offsets in the transaction of {@code producerId} (TxnOffsetCommit, KIP-447: with a generation and
     * member the commit is fenced like a group member's). They stay pending, invisible to {@link #fetch}, until
     * the transaction's marker reaches this partition ({@link #endTransaction}).
     */
    CompletableFuture<Map<TopicPartition, Errors>> commitTransactional(String groupId, long producerId,
                                                                       short producerEpoch, int generationId,
                                                                       String memberId, String groupInstanceId,
                                                                       Map<TopicPartition, GroupRecords.OffsetValue> offsets,
                                                                       boolean groupIdNotFoundSupported) {
        Prepared c = prepare(groupId, generationId, memberId, groupInstanceId, offsets, true, groupIdNotFoundSupported,
                Short.MAX_VALUE);
        if (c.entries.isEmpty()) {
            return CompletableFuture.completedFuture(c.result);
        }
        return partitions.appendTransactional(c.group, c.entries, producerId, producerEpoch).handleAsync((v, err) -> {
            if (err != null) {
                Throwable cause = Failures.cause(err);
                // The partition refused the batch (a fenced producer epoch, say): Kafka's error; else move on.
                Errors answer = cause instanceof ApiException ? Errors.forException(cause) : Errors.NOT_COORDINATOR;
                c.accepted.keySet().forEach(tp -> c.result.put(tp, answer));
            } else {
                groups.currentOr(c.group).offsets.addPending(producerId, c.accepted);
            }
            return c.result;
        }, owner);
    }

    private Prepared prepare(String groupId, int generationId, String memberId, String groupInstanceId,
                             Map<TopicPartition, GroupRecords.OffsetValue> offsets, boolean transactional,
                             boolean groupIdNotFoundSupported, short version) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        Map<TopicPartition, GroupRecords.OffsetValue> accepted = new LinkedHashMap<>();
        List<KeyedRecordLog.Entry> entries = new ArrayList<>();
        Errors error = partitions.check(groupId);
        Group g = groups.get(groupId);
        if (error == Errors.NONE) {
            if (g == null) {
                if (generationId < 0) {
                    g = groups.classic(groupId);
                } else {
                    error = groupIdNotFoundSupported ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
                }
            } else {
                error = g.validateOffsetCommit(generationId, memberId, groupInstanceId, transactional, version);
            }
        }
        if (error != Errors.NONE) {
            Errors e = error;
            offsets.keySet().forEach(tp -> result.put(tp, e));
            return new Prepared(g, result, accepted, entries);
        }
        if (!transactional) {
            g.onOffsetCommit(memberId, clock.monotonicMillis());
        }
        Group group = g;
        offsets.forEach((tp, v) -> {
            Errors stale = group.validateCommitPartition(generationId, memberId, tp);
            if (stale != Errors.NONE) {
                result.put(tp, stale);
                return;
            }
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
        return new Prepared(g, result, accepted, entries);
    }

    /** A marker of {@code producerId}'s transaction reached partition {@code p}: its pending offsets resolve. */
    void endTransaction(int p, long producerId, boolean commit) {
        if (partitions.isReady(p)) {
            groups.endTransaction(p, producerId, commit);
        }
    }

    /**
     * Committed offsets of the given partitions (null: all the group has), read by {@code memberId} at
     * {@code memberEpoch} (null and -1: no member; a consumer group checks them). With {@code requireStable}, a
     * partition with an offset pending in an open transaction is listed as unstable (OffsetFetch v7+:
     * UNSTABLE_OFFSET_COMMIT, and the consumer asks again).
     */
    OffsetFetchResult fetch(String groupId, String memberId, int memberEpoch, List<TopicPartition> asked,
                            boolean requireStable) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return new OffsetFetchResult(pe, Map.of(), Set.of());
        }
        Group g = groups.get(groupId);
        Errors invalid = g == null ? Errors.NONE : g.validateOffsetFetch(memberId, memberEpoch);
        if (invalid != Errors.NONE) {
            return new OffsetFetchResult(invalid, Map.of(), Set.of());
        }
        Map<TopicPartition, GroupRecords.OffsetValue> result = new LinkedHashMap<>();
        if (asked == null) {
            if (g != null) {
                result.putAll(g.offsets.committed());
            }
        } else {
            asked.forEach(tp -> result.put(tp, g == null ? null : g.offsets.get(tp)));
        }
        Set<TopicPartition> unstable = requireStable && g != null
                ? g.offsets.unstable(tp -> asked == null || result.containsKey(tp)) : Set.of();
        return new OffsetFetchResult(Errors.NONE, result, unstable);
    }

    /** OffsetDelete: only offsets of topics no member subscribes to, and only where the group's kind allows. */
    CompletableFuture<OffsetDeleteResult> delete(String groupId, List<TopicPartition> asked) {
        Errors pe = partitions.check(groupId);
        if (pe != Errors.NONE) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(pe, Map.of()));
        }
        Group g = groups.get(groupId);
        Errors refused = g == null || g.isDead() ? Errors.GROUP_ID_NOT_FOUND : g.validateOffsetDelete();
        if (refused != Errors.NONE) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(refused, Map.of()));
        }
        if (!g.isEmpty() && !g.allowsOffsetDeleteWithMembers()) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.NON_EMPTY_GROUP, Map.of()));
        }
        Set<String> subscribed = g.subscribedTopics();
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        List<KeyedRecordLog.Entry> entries = new ArrayList<>();
        for (TopicPartition tp : asked) {
            if (subscribed.contains(tp.topic())) {
                result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
            } else {
                result.put(tp, Errors.NONE);
                if (g.offsets.has(tp)) {
                    entries.add(new KeyedRecordLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()),
                            null));
                }
            }
        }
        if (entries.isEmpty()) {
            return CompletableFuture.completedFuture(new OffsetDeleteResult(Errors.NONE, result));
        }
        return partitions.append(g, entries).handleAsync((v, err) -> {
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
    }

    /** The tombstones that delete every offset of {@code g} (DeleteGroups). */
    static List<KeyedRecordLog.Entry> tombstones(Group g) {
        List<KeyedRecordLog.Entry> entries = new ArrayList<>();
        g.offsets.committed().keySet().forEach(tp -> entries.add(new KeyedRecordLog.Entry(
                GroupRecords.offsetKey(g.groupId, tp.topic(), tp.partition()), null)));
        return entries;
    }
}
