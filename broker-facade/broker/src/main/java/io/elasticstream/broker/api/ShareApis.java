package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.share.SharePartitions;
import io.elasticstream.broker.share.ShareSessions;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareFetchRequest;

/**
 * ShareFetch and ShareAcknowledge (KIP-932) on the partitions this broker leads: the member's share session
 * ({@link ShareSessions}) says which partitions it fetches; its acknowledgements are applied first, all or
 * none per partition (AcknowledgeErrorCode INVALID_RECORD_STATE otherwise); then each partition of the
 * session is read (at most {@link #MAX_READ_BYTES}) from its share-partition's next fetch offset up to the high
 * watermark, or the last stable offset for a read_committed group, and the records acquired for the member
 * ({@link SharePartitions}) are returned with the batches that hold them. A share-partition opens with its
 * group's configs ({@code share.auto.offset.reset}, lock duration, delivery-count limit). Control batches and
 * aborted transactions' batches are never acquired: their offsets are passed over as gaps. With nothing
 * acquired, no error and no acknowledgement to report, the fetch waits, up to {@code max.wait.ms}, for an
 * append or a change of the share-partition that would let it acquire. A closed session (epoch -1), or whose
 * connection closed, releases what the member still holds in it. A timer expires acquisition locks every
 * {@link #LOCK_CHECK_MS} and drops the share-partitions of partitions no longer led here.
 */
final class ShareApis {
    static final long LOCK_CHECK_MS = 100;
    private static final String INVALID_BATCH = "Invalid acknowledgement batch.";

    private final TopicService topics;
    private final PartitionManager partitions;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final ShareSessions sessions;
    private final SharePartitions shares;
    private final GroupConfigs groupConfigs;

    ShareApis(TopicService topics, PartitionManager partitions, GroupConfigs groupConfigs, int maxSessions,
              SharePartitions.StateStore states, ScheduledExecutorService timer, Clock clock) {
        this.topics = topics;
        this.partitions = partitions;
        this.timer = timer;
        this.clock = clock;
        this.sessions = new ShareSessions(maxSessions, clock);
        this.groupConfigs = groupConfigs;
        this.shares = new SharePartitions(clock, states);
        timer.scheduleWithFixedDelay(this::upkeep, LOCK_CHECK_MS, LOCK_CHECK_MS, TimeUnit.MILLISECONDS);
    }

    /** A connection closed: the share sessions on it end, and what their members held is released, as in Kafka. */
    void connectionClosed(String connectionId) {
        for (ShareSessions.Closed c : sessions.connectionClosed(connectionId)) {
            release(c.key().groupId(), c.key().memberId(), c.partitions());
        }
    }

    /**
     * A member's session ended: the records it holds are released, and if it was its group's last session here,
     * the group's share-partitions close (see {@link SharePartitions#closeGroup}).
     */
    private void release(String groupId, String memberId, List<TopicIdPartition> where) {
        shares.releaseMember(groupId, memberId, where);
        if (!sessions.hasGroup(groupId)) {
            shares.closeGroup(groupId, () -> !sessions.hasGroup(groupId));
        }
    }

    private void upkeep() {
        shares.retainPartitions(tip -> partitions.get(tip.topicPartition()) != null);
        shares.expireLocks();
    }

    // ---------------------------------------------------------------- ShareFetch

    CompletableFuture<ApiMessage> fetch(RequestContext context, AbstractRequest request) {
        ShareFetchRequestData req = ((ShareFetchRequest) request).data();
        return topics.namesById().thenCompose(names -> {
            Errors invalid = invalidMember(req.groupId(), req.memberId());
            if (invalid != Errors.NONE) {
                return done(fetchError(invalid, null));
            }
            Map<TopicIdPartition, List<SharePartition.Acknowledgement>> acks = new LinkedHashMap<>();
            List<TopicIdPartition> added = new ArrayList<>();
            List<TopicIdPartition> unknown = new ArrayList<>(); // answered UNKNOWN_TOPIC_ID once, never in the session
            for (ShareFetchRequestData.FetchTopic t : req.topics()) {
                for (ShareFetchRequestData.FetchPartition p : t.partitions()) {
                    TopicIdPartition tip = new TopicIdPartition(t.topicId(), p.partitionIndex(), names.get(t.topicId()));
                    (tip.topic() == null ? unknown : added).add(tip);
                    List<SharePartition.Acknowledgement> parsed = parse(p.acknowledgementBatches(),
                            ShareFetchRequestData.AcknowledgementBatch::firstOffset,
                            ShareFetchRequestData.AcknowledgementBatch::lastOffset,
                            ShareFetchRequestData.AcknowledgementBatch::acknowledgeTypes);
                    if (parsed == null) {
                        return done(fetchError(Errors.INVALID_REQUEST, INVALID_BATCH));
                    }
                    if (!parsed.isEmpty()) {
                        acks.put(tip, parsed);
                    }
                }
            }
            if (req.shareSessionEpoch() == ShareSessions.INITIAL_EPOCH && !acks.isEmpty()) {
                return done(fetchError(Errors.INVALID_REQUEST,
                        "Acknowledge data present in initial ShareFetch request."));
            }
            List<TopicIdPartition> forgotten = new ArrayList<>();
            for (ShareFetchRequestData.ForgottenTopic f : req.forgottenTopicsData()) {
                f.partitions().forEach(p -> forgotten.add(new TopicIdPartition(f.topicId(), p, names.get(f.topicId()))));
            }
            ShareSessions.Key key = new ShareSessions.Key(req.groupId(), req.memberId());
            ShareSessions.Outcome session = sessions.onRequest(key, context.connectionId, req.shareSessionEpoch(),
                    added, forgotten);
            if (session.error() != Errors.NONE) {
                return done(fetchError(session.error(), null));
            }
            boolean full = req.shareSessionEpoch() == ShareSessions.INITIAL_EPOCH;
            return acknowledge(req.groupId(), req.memberId(), acks).thenCompose(ackResults -> {
                if (req.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
                    release(req.groupId(), req.memberId(), session.partitions());
                    return done(respond(req.groupId(), List.of(), ackResults, false));
                }
                if (req.isRenewAck()) {
                    return done(respond(req.groupId(), List.of(), ackResults, false)); // v2: a renewal fetches nothing
                }
                long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, req.maxWaitMs()));
                CompletableFuture<ApiMessage> result = new CompletableFuture<>();
                List<TopicIdPartition> wanted = new ArrayList<>(session.partitions());
                wanted.addAll(unknown);
                attempt(req, wanted, ackResults, full, deadlineNs, result);
                return result;
            });
        });
    }

    /** A partition's acknowledgement batches (of either request) as runs; null if one is malformed. */
    private static <B> List<SharePartition.Acknowledgement> parse(List<B> batches, ToLongFunction<B> first,
                                                                  ToLongFunction<B> last, Function<B, List<Byte>> types) {
        List<SharePartition.Acknowledgement> parsed = new ArrayList<>();
        for (B b : batches) {
            List<SharePartition.Acknowledgement> runs = SharePartitions.acknowledgements(first.applyAsLong(b),
                    last.applyAsLong(b), types.apply(b));
            if (runs == null) {
                return null;
            }
            parsed.addAll(runs);
        }
        return parsed;
    }

    /**
     * An empty member id is INVALID_REQUEST, as Kafka 4.4 answers. An empty group id is INVALID_GROUP_ID: Kafka
     * answers UNKNOWN_SERVER_ERROR for each partition there, which says nothing to whoever sent it.
     */
    private static Errors invalidMember(String groupId, String memberId) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        return memberId == null || memberId.isEmpty() ? Errors.INVALID_REQUEST : Errors.NONE;
    }

    private static CompletableFuture<ApiMessage> done(ApiMessage m) {
        return CompletableFuture.completedFuture(m);
    }

    private static ShareFetchResponseData fetchError(Errors error, String message) {
        return new ShareFetchResponseData().setThrottleTimeMs(0).setErrorCode(error.code()).setErrorMessage(message);
    }

    /** Applies each partition's acknowledgements; the result per partition, once they are durable. */
    private CompletableFuture<Map<TopicIdPartition, Errors>> acknowledge(
            String groupId, String memberId, Map<TopicIdPartition, List<SharePartition.Acknowledgement>> acks) {
        Map<TopicIdPartition, CompletableFuture<Errors>> pending = new LinkedHashMap<>();
        acks.forEach((tip, list) -> {
            if (tip.topic() == null) {
                pending.put(tip, CompletableFuture.completedFuture(Errors.UNKNOWN_TOPIC_ID));
            } else if (partitions.get(tip.topicPartition()) == null) {
                pending.put(tip, CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER));
            } else {
                pending.put(tip, shares.acknowledge(new SharePartitions.Key(groupId, tip), memberId, list));
            }
        });
        return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<TopicIdPartition, Errors> results = new LinkedHashMap<>();
            pending.forEach((tip, f) -> results.put(tip, f.join()));
            return results;
        });
    }

    private void attempt(ShareFetchRequestData req, List<TopicIdPartition> wanted, Map<TopicIdPartition, Errors> acks,
                         boolean full, long deadlineNs, CompletableFuture<ApiMessage> result) {
        List<ShareRead> reads = new ArrayList<>(wanted.size());
        for (TopicIdPartition tip : wanted) {
            reads.add(read(req, tip, deadlineNs));
        }
        CompletableFuture.allOf(reads.stream().map(r -> r.done).toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            boolean any = !acks.isEmpty();
            for (ShareRead r : reads) {
                any |= r.error != Errors.NONE || !r.acquired.isEmpty();
            }
            long remainingNs = deadlineNs - clock.nanoTime();
            if (any || remainingNs <= 0 || reads.isEmpty()) {
                result.complete(respond(req.groupId(), reads, acks, full));
                return;
            }
            waitForData(req.groupId(), reads, remainingNs,
                    () -> attempt(req, wanted, acks, full, deadlineNs, result));
        });
    }

    /**
     * Runs {@code retry} once: when a share-partition could hand out records again (new data in its log, a
     * record released, a lock freed by an acknowledgement), or when the wait times out.
     */
    private void waitForData(String groupId, List<ShareRead> reads, long remainingNs, Runnable retry) {
        List<AppendWait.Watched> watched = new ArrayList<>();
        for (ShareRead r : reads) {
            PartitionLog log = r.log;
            if (log != null) {
                SharePartitions.Key key = new SharePartitions.Key(groupId, r.tip);
                watched.add(new AppendWait.Watched(log, () -> shares.canAcquire(key, r.readableEnd(log)),
                        waiter -> shares.awaitChange(key, waiter)));
            }
        }
        AppendWait.retryOnAppend(timer, watched, remainingNs, retry);
    }

    private ShareRead read(ShareFetchRequestData req, TopicIdPartition tip, long deadlineNs) {
        ShareRead r = new ShareRead(tip);
        if (tip.topic() == null) {
            r.error = Errors.UNKNOWN_TOPIC_ID;
            return r;
        }
        TopicPartition tp = tip.topicPartition();
        long waitMs = TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNs - clock.nanoTime()));
        r.done = partitions.whenOpenedIfAssignedHere(tp, waitMs).thenCompose(v -> {
            PartitionLog log = partitions.get(tp);
            if (log == null) {
                return topics.notServedHere(tp).thenAccept(error -> r.error = error);
            }
            r.log = log;
            return readOpen(req, r, log);
        }).exceptionally(e -> {
            r.error = retriable(ErrorMapper.toErrors(e));
            return null;
        });
        return r;
    }

    /** Reads from the share-partition's next fetch offset and acquires what the read returned. */
    private CompletableFuture<Void> readOpen(ShareFetchRequestData req, ShareRead r, PartitionLog log) {
        SharePartitions.Key key = new SharePartitions.Key(req.groupId(), r.tip);
        return shares.open(key, () -> opening(req.groupId(), log)).thenCompose(p -> readFrom(req, r, log, p));
    }

    /**
     * How the group's share-partition of {@code log} opens: its limits, and where it starts without stored
     * state ({@code share.auto.offset.reset}: the log end, its start, or the first record at or after the
     * duration's timestamp as ListOffsets finds it, else the log end), from the group's configs as PD has them now.
     */
    private CompletableFuture<SharePartitions.Opening> opening(String groupId, PartitionLog log) {
        return groupConfigs.overrides(groupId).thenCompose(overrides -> {
            GroupConfigs.ShareSettings settings = groupConfigs.shareSettings(overrides);
            CompletableFuture<Long> start = switch (settings.autoOffsetReset().strategy()) {
                case LATEST -> CompletableFuture.completedFuture(log.highWatermark());
                case EARLIEST -> CompletableFuture.completedFuture(log.logStartOffset());
                case BY_DURATION -> ListOffsetsApi.firstAtOrAfter(log,
                        settings.autoOffsetReset().timestampMs(clock.epochMillis()))
                        .thenApply(offset -> offset >= 0 ? offset : log.highWatermark());
            };
            return start.thenApply(s -> new SharePartitions.Opening(s, settings.limits(), log.leaderEpoch()));
        });
    }

    /**
     * The most one share-partition's read takes from its log (Kafka's {@code max.partition.fetch.bytes} default;
     * at least one batch is always read). A share consumer asks for the whole {@code fetch.max.bytes} (50 MiB)
     * but acquires at most MaxRecords (500): reading more than this would read the backlog again and again.
     */
    static final int MAX_READ_BYTES = 1 << 20;

    /**
     * Reads from the share-partition's next fetch offset up to the high watermark, or, for a group whose
     * {@code share.isolation.level} is read_committed, up to the last stable offset, leaving out the batches of
     * aborted transactions (never delivered: archived as gaps, as Kafka archives them), and acquires what it read.
     */
    private CompletableFuture<Void> readFrom(ShareFetchRequestData req, ShareRead r, PartitionLog log,
                                             SharePartition p) {
        r.readCommitted = groupConfigs.shareIsolationLevel(req.groupId()) == IsolationLevel.READ_COMMITTED;
        long end = r.readableEnd(log);
        long from = shares.apply(p, sp -> {
            sp.onLogStartOffset(log.logStartOffset());
            return sp.nextFetchOffset();
        });
        if (from >= end) {
            return CompletableFuture.completedFuture(null);
        }
        List<ProducerSnapshot.AbortedTxn> aborted = r.readCommitted ? log.abortedTxns(from, end) : List.of();
        int maxBytes = Math.min(req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE, MAX_READ_BYTES);
        return log.read(from, maxBytes).thenAccept(batches -> {
            List<Long> offsets = new ArrayList<>();
            for (StoredBatch b : batches) {
                if (StoredBatchHeader.isControl(b.data().nioBuffer()) || isAborted(b, aborted)) {
                    continue;
                }
                for (long o = Math.max(b.baseOffset(), from); o < b.endOffset() && o < end; o++) {
                    offsets.add(o);
                }
            }
            int maxRecords = req.maxRecords() > 0 ? req.maxRecords() : Integer.MAX_VALUE;
            long readEnd = batches.isEmpty() ? from : Math.min(end, batches.getLast().endOffset());
            ShareSessions.Key member = new ShareSessions.Key(req.groupId(), req.memberId());
            r.acquired = shares.acquire(p, req.memberId(), offsets, maxRecords, readEnd, () -> sessions.isOpen(member));
            r.keep(batches);
        });
    }

    /** Whether {@code b} is a batch of one of the {@code aborted} transactions. */
    private static boolean isAborted(StoredBatch b, List<ProducerSnapshot.AbortedTxn> aborted) {
        if (aborted.isEmpty()) {
            return false;
        }
        StoredBatchHeader h = StoredBatchHeader.read(b.data().nioBuffer());
        if (!h.transactional()) {
            return false;
        }
        for (ProducerSnapshot.AbortedTxn a : aborted) {
            if (a.producerId() == h.producerId() && h.baseOffset() >= a.firstOffset()
                    && h.baseOffset() <= a.lastOffset()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The partition error a share consumer retries for a share-partition that could not open because its state
     * could not be had from the group's coordinator (moving, loading) or a newer leader of the partition read it:
     * Kafka 4.4's share consumer fails on a coordinator error code there, and refreshes its metadata and
     * fetches again on NOT_LEADER_OR_FOLLOWER.
     */
    private static Errors retriable(Errors e) {
        return switch (e) {
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS, FENCED_LEADER_EPOCH ->
                    Errors.NOT_LEADER_OR_FOLLOWER;
            default -> e;
        };
    }

    /**
     * The answer: the first fetch of a session ({@code full}) answers every partition of the session, as Kafka
     * 4.4 does once its share-partitions are set up; a later one only those with records acquired, an error or
     * an acknowledgement result.
     */
    private ShareFetchResponseData respond(String groupId, List<ShareRead> reads, Map<TopicIdPartition, Errors> acks,
                                           boolean full) {
        ShareFetchResponseData response = new ShareFetchResponseData().setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setAcquisitionLockTimeoutMs(groupConfigs.shareRecordLockDurationMs(groupId));
        Map<Uuid, ShareFetchResponseData.ShareFetchableTopicResponse> byTopic = new LinkedHashMap<>();
        Map<TopicIdPartition, ShareFetchResponseData.PartitionData> byPartition = new LinkedHashMap<>();
        for (ShareRead r : reads) {
            ShareFetchResponseData.PartitionData p = partitionData(byTopic, byPartition, r.tip);
            p.setErrorCode(r.error.code()).setRecords(MemoryRecords.readableRecords(
                    StoredBatchBytes.copy(r.batches, r.batches.size())));
            r.acquired.forEach(a -> p.acquiredRecords().add(new ShareFetchResponseData.AcquiredRecords()
                    .setFirstOffset(a.firstOffset()).setLastOffset(a.lastOffset())
                    .setDeliveryCount((short) a.deliveryCount())));
            r.release();
            if (!full && r.error == Errors.NONE && r.acquired.isEmpty() && !acks.containsKey(r.tip)) {
                byPartition.remove(r.tip);
                byTopic.get(r.tip.topicId()).partitions().remove(p); // nothing new here
            }
        }
        acks.forEach((tip, e) -> partitionData(byTopic, byPartition, tip).setAcknowledgeErrorCode(e.code()));
        byTopic.values().removeIf(t -> t.partitions().isEmpty());
        response.responses().addAll(byTopic.values());
        return response;
    }

    private ShareFetchResponseData.PartitionData partitionData(
            Map<Uuid, ShareFetchResponseData.ShareFetchableTopicResponse> byTopic,
            Map<TopicIdPartition, ShareFetchResponseData.PartitionData> byPartition, TopicIdPartition tip) {
        return byPartition.computeIfAbsent(tip, k -> {
            ShareFetchResponseData.PartitionData p = new ShareFetchResponseData.PartitionData()
                    .setPartitionIndex(tip.partition()).setRecords(MemoryRecords.EMPTY)
                    .setCurrentLeader(new ShareFetchResponseData.LeaderIdAndEpoch()
                            .setLeaderId(leaderOf(tip)).setLeaderEpoch(leaderEpochOf(tip)));
            byTopic.computeIfAbsent(tip.topicId(), id -> new ShareFetchResponseData.ShareFetchableTopicResponse()
                    .setTopicId(id)).partitions().add(p);
            return p;
        });
    }

    private int leaderOf(TopicIdPartition tip) {
        return tip.topic() == null ? -1 : partitions.ownerOf(tip.topicPartition());
    }

    private int leaderEpochOf(TopicIdPartition tip) {
        PartitionLog log = tip.topic() == null ? null : partitions.get(tip.topicPartition());
        return log == null ? -1 : log.leaderEpoch();
    }

    /** One partition's part of a share fetch attempt. */
    private static final class ShareRead {
        final TopicIdPartition tip;
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        volatile Errors error = Errors.NONE;
        volatile PartitionLog log;
        volatile List<SharePartition.Acquired> acquired = List.of();
        volatile List<StoredBatch> batches = List.of();
        /** The group reads committed records only ({@code share.isolation.level}). */
        volatile boolean readCommitted;

        ShareRead(TopicIdPartition tip) {
            this.tip = tip;
        }

        /** Where what the group may read of {@code log} ends: its last stable offset or its high watermark. */
        long readableEnd(PartitionLog log) {
            return readCommitted ? log.lastStableOffset() : log.highWatermark();
        }

        /** Keeps the batches holding an acquired record; releases the others. */
        void keep(List<StoredBatch> read) {
            List<StoredBatch> kept = new ArrayList<>();
            for (StoredBatch b : read) {
                boolean holds = false;
                for (SharePartition.Acquired a : acquired) {
                    holds |= a.firstOffset() < b.endOffset() && a.lastOffset() >= b.baseOffset();
                }
                if (holds) {
                    kept.add(b);
                } else {
                    b.data().release();
                }
            }
            batches = kept;
        }

        void release() {
            List<StoredBatch> bs = batches;
            batches = List.of();
            bs.forEach(b -> b.data().release());
        }
    }

    // ---------------------------------------------------------------- ShareAcknowledge

    CompletableFuture<ApiMessage> acknowledge(RequestContext context, AbstractRequest request) {
        ShareAcknowledgeRequestData req = ((ShareAcknowledgeRequest) request).data();
        return topics.namesById().thenCompose(names -> {
            Errors invalid = invalidMember(req.groupId(), req.memberId());
            if (invalid != Errors.NONE) {
                return done(acknowledgeError(invalid, null));
            }
            if (req.shareSessionEpoch() == ShareSessions.INITIAL_EPOCH) {
                return done(acknowledgeError(Errors.INVALID_SHARE_SESSION_EPOCH, null));
            }
            Map<TopicIdPartition, List<SharePartition.Acknowledgement>> acks = new LinkedHashMap<>();
            for (ShareAcknowledgeRequestData.AcknowledgeTopic t : req.topics()) {
                for (ShareAcknowledgeRequestData.AcknowledgePartition p : t.partitions()) {
                    TopicIdPartition tip = new TopicIdPartition(t.topicId(), p.partitionIndex(), names.get(t.topicId()));
                    List<SharePartition.Acknowledgement> parsed = parse(p.acknowledgementBatches(),
                            ShareAcknowledgeRequestData.AcknowledgementBatch::firstOffset,
                            ShareAcknowledgeRequestData.AcknowledgementBatch::lastOffset,
                            ShareAcknowledgeRequestData.AcknowledgementBatch::acknowledgeTypes);
                    if (parsed == null) {
                        return done(acknowledgeError(Errors.INVALID_REQUEST, INVALID_BATCH));
                    }
                    acks.put(tip, parsed);
                }
            }
            ShareSessions.Key key = new ShareSessions.Key(req.groupId(), req.memberId());
            ShareSessions.Outcome session = sessions.onRequest(key, context.connectionId, req.shareSessionEpoch(),
                    List.of(), List.of());
            if (session.error() != Errors.NONE) {
                return done(acknowledgeError(session.error(), null));
            }
            return acknowledge(req.groupId(), req.memberId(), acks).thenApply(results -> {
                if (req.shareSessionEpoch() == ShareSessions.FINAL_EPOCH) {
                    release(req.groupId(), req.memberId(), session.partitions());
                }
                return acknowledged(req.groupId(), results);
            });
        });
    }

    private ShareAcknowledgeResponseData acknowledged(String groupId, Map<TopicIdPartition, Errors> results) {
        ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData().setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code())
                .setAcquisitionLockTimeoutMs(groupConfigs.shareRecordLockDurationMs(groupId));
        Map<Uuid, ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse> byTopic = new LinkedHashMap<>();
        results.forEach((tip, e) -> byTopic.computeIfAbsent(tip.topicId(),
                id -> new ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse().setTopicId(id))
                .partitions().add(new ShareAcknowledgeResponseData.PartitionData()
                        .setPartitionIndex(tip.partition()).setErrorCode(e.code())
                        .setCurrentLeader(new ShareAcknowledgeResponseData.LeaderIdAndEpoch()
                                .setLeaderId(leaderOf(tip)).setLeaderEpoch(leaderEpochOf(tip)))));
        response.responses().addAll(byTopic.values());
        return response;
    }

    private static ShareAcknowledgeResponseData acknowledgeError(Errors error, String message) {
        return new ShareAcknowledgeResponseData().setThrottleTimeMs(0).setErrorCode(error.code())
                .setErrorMessage(message);
    }
}
