package io.elasticstream.placement.api;

import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What the rest of the system asks of the placement driver. Every method is asynchronous and
 * thread-safe. Failures complete the future exceptionally with a {@link PlacementException} subtype,
 * so callers can map them (e.g. to Kafka error codes) in one place.
 *
 * <p>Every mutation of a stream carries the caller's stream epoch and is refused with
 * {@link PlacementException.FencedEpoch} if a newer writer has opened the stream since.
 */
public interface PlacementService {

    // ---- membership -------------------------------------------------------------------------

    /**
     * Registers (or re-registers) a range server and starts its session: the server is live, and ranges
     * can be placed on it, until the session expires, which it does unless {@link #heartbeatRangeServer}
     * arrives within PD's session TTL. {@link io.elasticstream.placement.member.MemberSession} keeps a
     * session alive.
     */
    CompletableFuture<Void> registerRangeServer(RangeServerInfo server);

    /**
     * Registers (or re-registers) a broker and starts its session: the broker is live, and partitions
     * can be assigned to it, until the session expires (see {@link #heartbeatBroker}). When a broker's
     * session expires PD moves every partition it owned to the live brokers.
     */
    CompletableFuture<Void> registerBroker(BrokerInfo broker);

    /**
     * Keeps broker {@code brokerId}'s session alive and records its latest load. Fails with
     * {@link PlacementException.SessionExpired} if the session is gone: the broker must register again.
     */
    CompletableFuture<Void> heartbeatBroker(int brokerId, BrokerLoad load);

    /**
     * Keeps range server {@code serverId}'s session alive and records its latest load. Fails with
     * {@link PlacementException.SessionExpired} if the session is gone: the server must register again.
     */
    CompletableFuture<Void> heartbeatRangeServer(int serverId, RangeServerLoad load);

    /**
     * Ends broker {@code brokerId}'s session at once, as its expiry would (for a graceful shutdown): the
     * broker is no longer live, and PD moves every partition it owned to the live brokers right away
     * instead of after the session TTL. Completes normally if the broker has no session.
     */
    CompletableFuture<Void> unregisterBroker(int brokerId);

    /** Live brokers (registered, with a session that has not expired), ordered by id. */
    CompletableFuture<List<BrokerInfo>> brokers();

    // ---- topics and partitions --------------------------------------------------------------

    /**
     * Creates a topic: one stream per partition, partitions assigned to live brokers. Fails with
     * {@link PlacementException.TopicExists} if the name is taken, {@link PlacementException.NoLiveBroker}
     * if no broker can own the partitions. Name and config validation is the caller's job.
     */
    CompletableFuture<TopicInfo> createTopic(NewTopic topic);

    /**
     * Replaces the topic-level config overrides of a topic (validation is the caller's job). Fails with
     * {@link PlacementException.UnknownTopic}.
     */
    CompletableFuture<TopicInfo> alterTopicConfigs(String name, Map<String, String> configs);

    /**
     * Raises a topic's partition count to {@code newCount}: one new stream per new partition, assigned
     * to live brokers like at creation. Fails with {@link PlacementException.UnknownTopic}, or
     * {@link PlacementException.InvalidPartitionCount} unless {@code newCount} is above the current count.
     */
    CompletableFuture<TopicInfo> createPartitions(String name, int newCount);

    /** Deletes a topic and its partitions' streams. Fails with {@link PlacementException.UnknownTopic}. */
    CompletableFuture<Void> deleteTopic(String name);

    CompletableFuture<Optional<TopicInfo>> topic(String name);

    /** Every topic, ordered by name. */
    CompletableFuture<List<TopicInfo>> topics();

    /**
     * Moves partition ownership as planned (e.g. by an operator's reassignment): each partition moves to
     * its target broker with its leader epoch and stream epoch raised by one, which fences the old owner
     * at PD and at the range servers; owners learn of the move through {@link #watchPartitions}. Each
     * move gets a {@link PartitionMoveResult} in request order: an unknown topic or partition, a target
     * that is not live, or a partition listed twice fails that move only. Moves that succeed are applied
     * in guarded transactions of several partitions each, so a move is all or nothing per partition.
     */
    CompletableFuture<List<PartitionMoveResult>> movePartitions(List<PartitionMove> moves);

    /**
     * Subscribes to partition assignment changes. {@code listener} first receives the current
     * assignment of every partition, then every change (created, owner or epoch changed, deleted) in
     * order, on one thread.
     */
    Subscription watchPartitions(PartitionListener listener);

    // ---- group configs -----------------------------------------------------------------------

    /**
     * Replaces the dynamic config overrides of group {@code groupId} (Kafka's GROUP config resource,
     * {@code consumer.session.timeout.ms}, {@code share.auto.offset.reset}, ...) with {@code configs}; an empty
     * map removes them. As in Kafka, the group need not exist and its overrides outlive it. Validation is the
     * caller's job. Completes with the overrides now stored.
     */
    CompletableFuture<Map<String, String>> alterGroupConfigs(String groupId, Map<String, String> configs);

    /** The dynamic config overrides of group {@code groupId}; empty if it has none. */
    CompletableFuture<Map<String, String>> groupConfigs(String groupId);

    // ---- SCRAM credentials -------------------------------------------------------------------

    /**
     * Applies SCRAM credential changes at once: each of {@code upserts} replaces the credential of its user and
     * mechanism, each of {@code deletions} removes one (absent ones are ignored). Validation is the caller's job.
     */
    CompletableFuture<Void> alterScramCredentials(List<ScramCredential> upserts, List<ScramCredential.Key> deletions);

    /** Every stored SCRAM credential, by user then mechanism. */
    CompletableFuture<List<ScramCredential>> scramCredentials();

    /** The SCRAM credentials of {@code user} (one per mechanism it has); empty if none. */
    CompletableFuture<List<ScramCredential>> scramCredentials(String user);

    // ---- streams and ranges ------------------------------------------------------------------

    /** The stream and its ranges (sealed ones and the open last one, if any). */
    CompletableFuture<StreamInfo> describeStream(long streamId);

    /**
     * Makes the caller the stream's writer: raises the epoch by one and returns the stream as of
     * that epoch. Every older writer is fenced from then on.
     */
    CompletableFuture<StreamInfo> openStreamForWrite(long streamId);

    /**
     * Places a new open range {@code index} starting at {@code startOffset} on {@code replicaCount}
     * distinct live range servers (fails with {@link PlacementException.NotEnoughRangeServers} if fewer
     * are live). The previous range, if any, must be sealed and end at
     * {@code startOffset}.
     */
    default CompletableFuture<RangeInfo> createRange(long streamId, long epoch, int index, long startOffset) {
        return createRange(streamId, epoch, index, startOffset, Set.of());
    }

    /**
     * As {@link #createRange(long, long, int, long)}, leaving out {@code avoidServerIds}: range servers the
     * writer just saw fail, which PD may still count as live until their sessions expire. They are used
     * only if the others are fewer than the stream's ack count.
     */
    CompletableFuture<RangeInfo> createRange(long streamId, long epoch, int index, long startOffset,
                                             Set<Integer> avoidServerIds);

    /** Records that range {@code index} ends at {@code endOffset} (exclusive). Idempotent for the same end. */
    CompletableFuture<RangeInfo> sealRange(long streamId, long epoch, int index, long endOffset);

    /**
     * Moves the stream's start offset (its trim point) up to {@code newStartOffset}; completes with the
     * start offset now recorded. Monotonic: a {@code newStartOffset} at or below the current start
     * changes nothing and completes with the current start. Fails with
     * {@link PlacementException.FencedEpoch} unless {@code epoch} is the stream's current epoch, and with
     * {@link PlacementException.InvalidRangeState} if the stream's ranges are all sealed and end below
     * {@code newStartOffset}. Records below the start are no longer readable; range servers need not
     * reclaim their space yet.
     */
    CompletableFuture<Long> trimStream(long streamId, long epoch, long newStartOffset);

    /**
     * Stores {@code snapshot} as the stream's producer-state snapshot, replacing any earlier one. Fails
     * with {@link PlacementException.FencedEpoch} unless {@code epoch} is the stream's current epoch, and
     * {@link PlacementException.UnknownStream}. Deleted with the stream.
     */
    CompletableFuture<Void> putProducerSnapshot(long streamId, long epoch, ProducerSnapshot snapshot);

    /** The stream's producer-state snapshot, if one was stored. Fails with {@link PlacementException.UnknownStream}. */
    CompletableFuture<Optional<ProducerSnapshot>> producerSnapshot(long streamId);

    // ---- producer ids ------------------------------------------------------------------------

    /**
     * Reserves {@code count} producer ids never handed out before (across restarts and brokers);
     * completes with the first of the block {@code [first, first + count)}.
     */
    CompletableFuture<Long> allocateProducerIds(int count);

    /** A cancellable subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Receives partition assignment changes; called on one thread, must not block. */
    interface PartitionListener {
        void onPartitionChanged(PartitionInfo partition);

        void onPartitionDeleted(String topic, TopicId topicId, int partition);
    }
}
