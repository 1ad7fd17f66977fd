package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * Fetch: reads whole stored batches from each partition's stream up to the high watermark and returns
 * them as stored. Long-polls: when less than {@code min.bytes} is available it waits for appends, up to
 * {@code max.wait.ms}. Limits as Kafka: {@code partitionMaxBytes} per partition and {@code maxBytes} per
 * response, except that the first partition with data always returns at least one whole batch.
 *
 * <p>A partition this broker was just assigned and is still opening is waited for, within the fetch's
 * {@code max.wait.ms}, as {@code ProduceApi} does, instead of answering NOT_LEADER_OR_FOLLOWER at once.
 *
 * <p>Fetch sessions (KIP-227, {@link FetchSessionCache}): a full fetch with epoch 0 opens a session
 * (when the cache has room), incremental fetches name only what changed and get only partitions with
 * news; an unknown session gets FETCH_SESSION_ID_NOT_FOUND, a wrong epoch INVALID_FETCH_SESSION_EPOCH,
 * and a fetch with the final epoch closes its session and is answered without one.
 */
final class FetchApi implements RequestHandler {
    private final TopicService topics;
    private final PartitionManager partitions;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final FetchSessionCache sessions;

    FetchApi(TopicService topics, PartitionManager partitions, ScheduledExecutorService timer, Clock clock) {
        this.topics = topics;
        this.partitions = partitions;
        this.timer = timer;
        this.clock = clock;
        this.sessions = new FetchSessionCache(FetchSessionCache.DEFAULT_MAX_SESSIONS,
                FetchSessionCache.DEFAULT_EVICTION_MS, clock);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        FetchRequest req = (FetchRequest) request;
        FetchMetadata metadata = req.metadata();
        return topics.namesById().thenCompose(names -> {
            Map<TopicIdPartition, FetchRequest.PartitionData> wanted;
            FetchSessionCache.Session session = null;
            if (metadata.isFull()) {
                if (metadata.sessionId() != FetchMetadata.INVALID_SESSION_ID) {
                    sessions.remove(metadata.sessionId()); // a full fetch replaces (or, final, closes) the session
                }
                wanted = new LinkedHashMap<>(req.fetchData(names));
            } else {
                session = sessions.get(metadata.sessionId());
                if (session == null) {
                    return CompletableFuture.completedFuture(sessionError(Errors.FETCH_SESSION_ID_NOT_FOUND));
                }
                Errors error = session.update(metadata.epoch(), req.fetchData(names), req.forgottenTopics(names));
                if (error != Errors.NONE) {
                    return CompletableFuture.completedFuture(sessionError(error));
                }
                wanted = session.fetchData();
            }
            Reply reply = new Reply(context.apiVersion(), session,
                    metadata.isFull() && metadata.epoch() == FetchMetadata.INITIAL_EPOCH);
            long deadlineNs = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, req.maxWait()));
            CompletableFuture<ApiMessage> result = new CompletableFuture<>();
            attempt(req, reply, wanted, deadlineNs, result);
            return result;
        });
    }

    private static FetchResponseData sessionError(Errors error) {
        return new FetchResponseData().setThrottleTimeMs(0).setErrorCode(error.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID);
    }

    /**
     * How to answer: the version, and the session: an existing one (incremental: only partitions with
     * news), one to create from this full fetch, or none.
     */
    private record Reply(short version, FetchSessionCache.Session session, boolean createSession) {
    }

    private void attempt(FetchRequest req, Reply reply, Map<TopicIdPartition, FetchRequest.PartitionData> wanted,
                         long deadlineNs, CompletableFuture<ApiMessage> result) {
        List<PartitionRead> reads = new ArrayList<>(wanted.size());
        for (Map.Entry<TopicIdPartition, FetchRequest.PartitionData> e : wanted.entrySet()) {
            reads.add(read(e.getKey(), e.getValue(), Math.min(e.getValue().maxBytes, Math.max(req.maxBytes(), 1)),
                    deadlineNs, req.isolationLevel() == IsolationLevel.READ_COMMITTED));
        }
        CompletableFuture.allOf(reads.stream().map(r -> r.done).toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            try {
                completeOrWait(req, reply, wanted, deadlineNs, result, reads);
            } catch (RuntimeException failure) {
                reads.forEach(PartitionRead::release);
                result.completeExceptionally(failure);
            }
        });
    }

    private void completeOrWait(FetchRequest req, Reply reply, Map<TopicIdPartition, FetchRequest.PartitionData> wanted,
                                long deadlineNs, CompletableFuture<ApiMessage> result, List<PartitionRead> reads) {
        {
            long available = 0;
            boolean anyError = false;
            for (PartitionRead r : reads) {
                available += r.bytes();
                anyError |= r.error != Errors.NONE;
            }
            long remainingNs = deadlineNs - clock.nanoTime();
            if (available >= req.minBytes() || anyError || remainingNs <= 0) {
                result.complete(respond(req, reply, reads));
                return;
            }
            reads.forEach(PartitionRead::release);
            waitForData(reads, remainingNs, () -> attempt(req, reply, wanted, deadlineNs, result));
        }
    }

    /** Runs {@code retry} once: when any partition gets new data, or when the wait times out. */
    private void waitForData(List<PartitionRead> reads, long remainingNs, Runnable retry) {
        List<AppendWait.Watched> watched = new ArrayList<>();
        for (PartitionRead r : reads) {
            if (r.log != null) {
                watched.add(new AppendWait.Watched(r.log, () -> r.readableEnd() > r.fetchOffset));
            }
        }
        AppendWait.retryOnAppend(timer, watched, remainingNs, retry);
    }

    private PartitionRead read(TopicIdPartition tip, FetchRequest.PartitionData data, int maxBytes, long deadlineNs,
                               boolean readCommitted) {
        PartitionRead r = new PartitionRead(tip, data, readCommitted);
        if (tip.topic() == null) {
            return r.fail(Errors.UNKNOWN_TOPIC_ID);
        }
        TopicPartition tp = tip.topicPartition();
        PartitionLog log = partitions.get(tp);
        if (log != null) {
            r.done = readOpen(r, log, data, maxBytes);
            return r;
        }
        // Just moved here and still opening: wait for it (within the fetch's max wait), as a produce does,
        // rather than send the consumer off to refresh its metadata and back off.
        long waitMs = TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNs - clock.nanoTime()));
        r.done = partitions.whenOpenedIfAssignedHere(tp, waitMs).thenCompose(v -> {
            PartitionLog opened = partitions.get(tp);
            return opened == null ? topics.notServedHere(tp).thenAccept(error -> r.error = error)
                    : readOpen(r, opened, data, maxBytes);
        });
        return r;
    }

    /** Fills {@code r} from the open {@code log}; completes when the batches (if any) are read. */
    private CompletableFuture<Void> readOpen(PartitionRead r, PartitionLog log, FetchRequest.PartitionData data,
                                             int maxBytes) {
        CompletableFuture<Void> nothingToRead = CompletableFuture.completedFuture(null);
        r.log = log;
        r.lastStableOffset = log.lastStableOffset();
        r.highWatermark = log.highWatermark();
        r.logStartOffset = log.logStartOffset();
        if (data.currentLeaderEpoch.isPresent() && data.currentLeaderEpoch.get() >= 0) {
            int requested = data.currentLeaderEpoch.get();
            if (requested > log.leaderEpoch()) {
                r.fail(Errors.UNKNOWN_LEADER_EPOCH);
                return nothingToRead;
            }
            if (requested < log.leaderEpoch()) {
                r.fail(Errors.FENCED_LEADER_EPOCH);
                return nothingToRead;
            }
        }
        if (data.fetchOffset < r.logStartOffset || data.fetchOffset > log.logEndOffset()) {
            r.fail(Errors.OFFSET_OUT_OF_RANGE);
            return nothingToRead;
        }
        long end = r.readCommitted ? r.lastStableOffset : r.highWatermark;
        if (data.fetchOffset >= end) {
            return nothingToRead; // nothing confirmed (or stable) there yet; up to the log end offset is not out of range
        }
        return log.read(data.fetchOffset, Math.max(maxBytes, 1)).handle((batches, err) -> {
            if (err != null) {
                r.fail(ErrorMapper.toErrors(err));
            } else {
                r.batches = r.readCommitted ? belowOffset(batches, end) : batches;
            }
            return null;
        });
    }

    /** The batches that start below {@code end}; releases the others. */
    private static List<StoredBatch> belowOffset(List<StoredBatch> batches, long end) {
        List<StoredBatch> kept = new ArrayList<>(batches.size());
        for (StoredBatch b : batches) {
            if (b.baseOffset() < end) {
                kept.add(b);
            } else {
                b.data().release();
            }
        }
        return kept;
    }

    private ApiMessage respond(FetchRequest req, Reply reply, List<PartitionRead> reads) {
        short version = reply.version();
        FetchResponseData response = new FetchResponseData().setThrottleTimeMs(0).setErrorCode(Errors.NONE.code())
                .setSessionId(FetchMetadata.INVALID_SESSION_ID);
        Map<TopicIdPartition, FetchResponseData.PartitionData> answered = new LinkedHashMap<>();
        Map<String, FetchResponseData.FetchableTopicResponse> byTopic = new LinkedHashMap<>();
        boolean readCommitted = req.isolationLevel() == IsolationLevel.READ_COMMITTED;
        long budget = req.maxBytes();
        boolean first = true;
        for (PartitionRead r : reads) {
            String key = r.tip.topicId() + "/" + r.tip.topic();
            FetchResponseData.FetchableTopicResponse topic = byTopic.computeIfAbsent(key, k -> {
                FetchResponseData.FetchableTopicResponse t = new FetchResponseData.FetchableTopicResponse();
                if (version >= 13) {
                    t.setTopicId(r.tip.topicId());
                } else {
                    t.setTopic(r.tip.topic());
                }
                return t;
            });
            FetchResponseData.PartitionData p = new FetchResponseData.PartitionData()
                    .setPartitionIndex(r.tip.partition())
                    .setErrorCode(r.error.code())
                    .setHighWatermark(r.highWatermark)
                    .setLastStableOffset(r.lastStableOffset)
                    .setLogStartOffset(r.logStartOffset)
                    .setAbortedTransactions(readCommitted ? new ArrayList<>() : null)
                    .setPreferredReadReplica(-1);
            ByteBuffer records = r.error == Errors.NONE ? r.take(budget, first) : ByteBuffer.allocate(0);
            if (records.remaining() > 0) {
                first = false;
                budget -= records.remaining();
                if (readCommitted) {
                    for (ProducerSnapshot.AbortedTxn a : r.log.abortedTxns(r.fetchOffset, r.takenEndOffset)) {
                        p.abortedTransactions().add(new FetchResponseData.AbortedTransaction()
                                .setProducerId(a.producerId()).setFirstOffset(a.firstOffset()));
                    }
                }
            }
            p.setRecords(MemoryRecords.readableRecords(records));
            r.release();
            if (reply.session() != null && !reply.session().update(r.tip, p)) {
                continue; // incremental: nothing new for this partition
            }
            topic.partitions().add(p);
            answered.put(r.tip, p);
        }
        byTopic.values().removeIf(t -> t.partitions().isEmpty());
        response.responses().addAll(byTopic.values());
        if (reply.session() != null) {
            response.setSessionId(reply.session().id);
        } else if (reply.createSession()) {
            Map<TopicIdPartition, FetchRequest.PartitionData> fetched = new LinkedHashMap<>();
            for (PartitionRead r : reads) {
                fetched.put(r.tip, r.request);
            }
            FetchSessionCache.Session created = sessions.create(fetched);
            if (created != null) {
                answered.forEach(created::update);
                response.setSessionId(created.id);
            }
        }
        return response;
    }

    /** One partition's part of a fetch attempt. */
    private static final class PartitionRead {
        final TopicIdPartition tip;
        final FetchRequest.PartitionData request;
        final long fetchOffset;
        /** {@code read_committed}: read only below the last stable offset. */
        final boolean readCommitted;
        PartitionLog log;
        CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
        volatile Errors error = Errors.NONE;
        volatile List<StoredBatch> batches = List.of();
        volatile long highWatermark = -1;
        volatile long logStartOffset = -1;
        volatile long lastStableOffset = -1;
        /** The end offset of the last batch {@link #take} returned. */
        long takenEndOffset = -1;

        PartitionRead(TopicIdPartition tip, FetchRequest.PartitionData request, boolean readCommitted) {
            this.tip = tip;
            this.request = request;
            this.fetchOffset = request.fetchOffset;
            this.readCommitted = readCommitted;
        }

        /** Where this read may go up to now: the last stable offset or the high watermark. */
        long readableEnd() {
            return readCommitted ? log.lastStableOffset() : log.highWatermark();
        }

        /** As Kafka: a partition answered with an error reports no offsets. */
        PartitionRead fail(Errors e) {
            error = e;
            highWatermark = -1;
            logStartOffset = -1;
            lastStableOffset = -1;
            return this;
        }

        long bytes() {
            long n = 0;
            for (StoredBatch b : batches) {
                n += b.data().readableBytes();
            }
            return n;
        }

        /** Copies whole batches fitting in {@code budget} bytes (at least one if {@code first}). */
        ByteBuffer take(long budget, boolean first) {
            int size = 0;
            int count = 0;
            for (StoredBatch b : batches) {
                int n = b.data().readableBytes();
                if (size + n > budget && !(first && count == 0)) {
                    break;
                }
                size += n;
                count++;
                takenEndOffset = b.endOffset();
            }
            return StoredBatchBytes.copy(batches, count);
        }

        void release() {
            List<StoredBatch> bs = batches;
            batches = List.of();
            bs.forEach(b -> b.data().release());
        }
    }
}
