package io.elasticstream.streamclient.internal;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Scheduler;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.protocol.TrimRequest;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.api.StreamException;
import io.elasticstream.streamclient.metrics.ReplicationMetrics;
import io.elasticstream.streamclient.rpc.RangeClient;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream this process writes, replicated writer-side (ARCHITECTURE.md §3).
 *
 * <p>Offsets are assigned under {@link #lock} in call order. Every batch goes to every replica of the
 * open range; a batch is confirmed once {@code ackCount} replicas acknowledged it and every earlier
 * batch is confirmed (the contiguous prefix). Unconfirmed batches keep their bytes so they can be sent
 * again.
 *
 * <p>States and transitions:
 * <pre>
 *   OPEN    --replica error or append timeout--&gt; ROLLING   seal the range at the confirmed offset
 *                                                          (PD first, then the live replicas)
 *   ROLLING --next range created on its replicas--&gt; OPEN  the unconfirmed tail is re-sent, same offsets
 *   ROLLING --attempt failed--&gt; ROLLING (after a back-off; rolls again from the range it reached)
 *   any     --fenced by a newer writer, or rolling gave up--&gt; FAILED   every pending append fails
 *   any     --close()--&gt; CLOSED
 * </pre>
 * The caller of {@link #append} sees latency during a roll, not an error.
 */
public final class ReplicatedStream implements Stream {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStream.class);

    enum State { OPEN, ROLLING, FAILED, CLOSED }

    private final RangeClient client;
    private final PlacementService placement;
    private final Scheduler scheduler;
    private final StreamClientConfig config;
    private final long streamId;
    private final long epoch;
    /** The trim point; only rises (see {@link #trim}). */
    private volatile long startOffset;
    private final int ackCount;
    private final List<Runnable> confirmListeners = new CopyOnWriteArrayList<>();
    private final ReplicationMetrics metrics;

    private final Object lock = new Object();
    /** Sealed ranges in index order, then the open range (while OPEN). Replaced, never mutated. */
    private volatile List<RangeInfo> ranges;
    private RangeInfo open;
    private State state = State.OPEN;
    private RuntimeException failure;
    private final ArrayDeque<PendingAppend> inflight = new ArrayDeque<>();
    private long inflightBytes;
    private long nextOffset;
    private volatile long confirmedOffset;
    private int rollAttempts;
    /**
     * Replicas seen failing since the open range was last healthy: PD is asked to leave them out of the next
     * range (it may count them as live until their sessions expire). Cleared when a roll succeeds.
     */
    private final Set<Integer> avoidOnRoll = new HashSet<>();

    ReplicatedStream(RangeClient client, PlacementService placement, Scheduler scheduler, StreamClientConfig config,
                     long streamId, long epoch, long startOffset, int ackCount, List<RangeInfo> ranges,
                     ReplicationMetrics metrics) {
        this.metrics = metrics;
        this.client = client;
        this.placement = placement;
        this.scheduler = scheduler;
        this.config = config;
        this.streamId = streamId;
        this.epoch = epoch;
        this.startOffset = startOffset;
        this.ackCount = ackCount;
        this.ranges = List.copyOf(ranges);
        this.open = ranges.getLast();
        Checks.state(!open.isSealed(), "stream %d: last range %d must be open", streamId, open.index());
        Checks.state(open.replicas().size() >= ackCount, "stream %d: %d replicas < ackCount %d", streamId,
                open.replicas().size(), ackCount);
        this.nextOffset = open.startOffset();
        this.confirmedOffset = open.startOffset();
    }

    @Override
    public long streamId() {
        return streamId;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public long startOffset() {
        return startOffset;
    }

    @Override
    public long nextOffset() {
        synchronized (lock) {
            return nextOffset;
        }
    }

    @Override
    public long confirmedOffset() {
        return confirmedOffset;
    }

    State state() {
        synchronized (lock) {
            return state;
        }
    }

    /** Ranges as this writer knows them (sealed history, then the open one while OPEN). */
    List<RangeInfo> ranges() {
        return ranges;
    }

    @Override
    public void onConfirmed(Runnable listener) {
        confirmListeners.add(listener);
    }

    @Override
    public CompletableFuture<AppendResult> append(int recordCount, long maxTimestamp, ByteBuf data,
                                                  BaseOffsetStamper beforeSend) {
        Checks.argument(recordCount > 0, "recordCount %d", recordCount);
        synchronized (lock) {
            if (state == State.FAILED || state == State.CLOSED) {
                data.release();
                return CompletableFuture.failedFuture(failure);
            }
            int size = data.readableBytes();
            if (inflightBytes + size > config.maxInflightBytes() && !inflight.isEmpty()) {
                data.release();
                return CompletableFuture.failedFuture(new StreamException.Backpressure("stream " + streamId + ": "
                        + inflightBytes + " unconfirmed bytes, limit " + config.maxInflightBytes()));
            }
            long base = nextOffset;
            beforeSend.stamp(data, base);
            PendingAppend pending = new PendingAppend(base, recordCount, maxTimestamp, data);
            nextOffset = pending.end;
            inflight.add(pending);
            inflightBytes += size;
            metrics.onAppend(pending.future);
            if (state == State.OPEN) {
                send(pending, open);
            }
            return pending.future;
        }
    }

    /**
     * Sends one pending batch to every replica of {@code range}. Called under the lock, in offset order. Every
     * request takes its reference to the data before the first is sent: a send that fails at once runs its
     * callback right here (the lock is re-entrant), which may roll or fail the stream and release the batch.
     */
    private void send(PendingAppend p, RangeInfo range) {
        p.acks.clear();
        List<RangeServerInfo> replicas = range.replicas();
        List<AppendRequest> requests = new ArrayList<>(replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            requests.add(new AppendRequest(streamId, range.index(), epoch, p.base, p.recordCount, p.maxTimestamp,
                    confirmedOffset, p.data.retainedDuplicate()));
        }
        for (int i = 0; i < replicas.size(); i++) {
            RangeServerInfo replica = replicas.get(i);
            client.append(replica, requests.get(i)).whenComplete((end, err) -> onAppendResponse(p, range, replica, err));
        }
        if (p.timeout != null) {
            p.timeout.cancel();
        }
        p.timeout = scheduler.schedule(() -> onAppendTimeout(p, range), config.appendTimeoutMs());
    }

    private void onAppendResponse(PendingAppend p, RangeInfo range, RangeServerInfo replica, Throwable err) {
        List<PendingAppend> confirmed = new ArrayList<>();
        synchronized (lock) {
            if (state != State.OPEN || open.index() != range.index() || p.isDone()) {
                return; // an answer from a range we already left, or for a batch already confirmed
            }
            if (err != null) {
                RuntimeException e = translate(err);
                if (e instanceof StreamException.Fenced) {
                    fail(e);
                } else {
                    metrics.onReplicaError();
                    avoidOnRoll.add(replica.id());
                    roll("replica " + replica.id() + " failed an append at " + p.base + ": " + e.getMessage());
                }
                return;
            }
            p.acks.add(replica.id());
            while (!inflight.isEmpty() && inflight.peekFirst().acks.size() >= ackCount) {
                PendingAppend head = inflight.pollFirst();
                confirmedOffset = head.end;
                inflightBytes -= head.data.readableBytes();
                head.release();
                confirmed.add(head);
            }
        }
        for (PendingAppend c : confirmed) {
            c.future.complete(new AppendResult(c.base, c.end));
        }
        if (!confirmed.isEmpty()) {
            confirmListeners.forEach(Runnable::run);
        }
    }

    private void onAppendTimeout(PendingAppend p, RangeInfo range) {
        synchronized (lock) {
            if (state == State.OPEN && open.index() == range.index() && !p.isDone() && p.acks.size() < ackCount) {
                metrics.onReplicaTimeout();
                range.replicas().stream().map(RangeServerInfo::id).filter(id -> !p.acks.contains(id))
                        .forEach(avoidOnRoll::add);
                roll("append at " + p.base + " not acknowledged by " + ackCount + " replicas within "
                        + config.appendTimeoutMs() + " ms");
            }
        }
    }

    /** OPEN -> ROLLING. Called under the lock. */
    private void roll(String reason) {
        RangeInfo from = open;
        long sealAt = confirmedOffset;
        metrics.onRoll();
        transition(State.ROLLING, reason);
        open = null;
        for (PendingAppend p : inflight) {
            p.acks.clear();
            if (p.timeout != null) {
                p.timeout.cancel();
                p.timeout = null;
            }
        }
        rollAttempts = 0;
        attemptRoll(from, sealAt);
    }

    /**
     * Seals {@code from} at {@code sealAt} (PD first, so no new writer can extend it, then its live
     * replicas, best effort) and opens range {@code from.index + 1} there.
     */
    private void attemptRoll(RangeInfo from, long sealAt) {
        rollAttempts++;
        placement.sealRange(streamId, epoch, from.index(), sealAt)
                .thenCompose(sealed -> {
                    recordSealed(sealed);
                    for (RangeServerInfo replica : from.replicas()) {
                        client.seal(replica, new SealRequest(streamId, from.index(), epoch, sealAt))
                                .exceptionally(e -> -1L); // a dead replica stays unsealed; PD's record rules
                    }
                    Set<Integer> avoid;
                    synchronized (lock) {
                        avoid = Set.copyOf(avoidOnRoll);
                    }
                    return placement.createRange(streamId, epoch, from.index() + 1, sealAt, avoid)
                            .thenCompose(next -> createOnReplicas(next).thenApply(v -> next));
                })
                .whenComplete((next, err) -> onRollAttempt(from, sealAt, next, err));
    }

    /** Replaces a range by its sealed version in the read view as soon as PD has recorded the seal. */
    private void recordSealed(RangeInfo sealed) {
        metrics.onSeal();
        synchronized (lock) {
            List<RangeInfo> updated = new ArrayList<>(ranges);
            updated.replaceAll(r -> r.index() == sealed.index() ? sealed : r);
            if (updated.stream().noneMatch(r -> r.index() == sealed.index())) {
                updated.add(sealed);
            }
            ranges = List.copyOf(updated);
        }
    }

    private CompletableFuture<Void> createOnReplicas(RangeInfo range) {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (RangeServerInfo replica : range.replicas()) {
            all.add(client.createRange(replica, new CreateRangeRequest(streamId, range.index(), range.startOffset(),
                    epoch)).whenComplete((end, error) -> {
                        if (error != null) {
                            synchronized (lock) {
                                avoidOnRoll.add(replica.id());
                            }
                        }
                    }));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void onRollAttempt(RangeInfo from, long sealAt, RangeInfo next, Throwable err) {
        synchronized (lock) {
            if (state != State.ROLLING) {
                return; // closed or failed meanwhile
            }
            if (err != null) {
                RuntimeException e = translate(err);
                if (e instanceof StreamException.Fenced) {
                    fail(e);
                    return;
                }
                if (rollAttempts >= config.maxRollAttempts()) {
                    fail(new StreamException.Unavailable("stream " + streamId + ": gave up rolling after "
                            + rollAttempts + " attempts: " + e.getMessage(), e));
                    return;
                }
                LOG.warn("Stream {} epoch {}: roll attempt {} from range {} failed: {}", streamId, epoch, rollAttempts,
                        from.index(), e.getMessage());
                scheduler.schedule(() -> retryRoll(from, sealAt), config.rollRetryBackoffMs());
                return;
            }
            List<RangeInfo> updated = new ArrayList<>(ranges);
            updated.removeIf(r -> r.index() >= next.index());
            updated.add(next);
            ranges = List.copyOf(updated);
            open = next;
            avoidOnRoll.clear();
            transition(State.OPEN, "range " + next.index() + " open at " + next.startOffset() + " on "
                    + next.replicas().stream().map(RangeServerInfo::id).toList());
            for (PendingAppend p : inflight) {
                send(p, next);
            }
        }
    }

    /**
     * Retries a roll from wherever PD got to: if range {@code from + 1} already exists there (created, but
     * not on all its replicas), it never received a batch, so seal it empty and roll on from it.
     */
    private void retryRoll(RangeInfo from, long sealAt) {
        synchronized (lock) {
            if (state != State.ROLLING) {
                return;
            }
        }
        // Find where PD is: if range from+1 exists (created but not on all replicas), roll on from it.
        placement.describeStream(streamId).whenComplete((info, err) -> {
            synchronized (lock) {
                if (state != State.ROLLING) {
                    return;
                }
                RangeInfo last = info == null ? null : info.lastRange();
                if (last != null && last.index() > from.index()) {
                    attemptRoll(last, last.isSealed() ? last.endOffset() : last.startOffset());
                } else {
                    attemptRoll(from, sealAt);
                }
            }
        });
    }

    private void fail(RuntimeException e) {
        stop(State.FAILED, e);
    }

    /** Any state -> FAILED or CLOSED: every pending append fails with {@code e}. Called under the lock. */
    private void stop(State next, RuntimeException e) {
        if (state == State.FAILED || state == State.CLOSED) {
            return;
        }
        failure = e;
        transition(next, e.getMessage());
        List<PendingAppend> failed = new ArrayList<>(inflight);
        inflight.clear();
        inflightBytes = 0;
        for (PendingAppend p : failed) {
            p.release();
            p.future.completeExceptionally(e);
        }
    }

    private void transition(State next, String reason) {
        LOG.info("Stream {} epoch {}: {} -> {} ({})", streamId, epoch, state, next, reason);
        state = next;
    }

    @Override
    public CompletableFuture<Long> trim(long newStartOffset) {
        long confirmed = confirmedOffset;
        if (newStartOffset > confirmed) {
            return CompletableFuture.failedFuture(new StreamException.OffsetOutOfRange("stream " + streamId
                    + ": cannot trim to " + newStartOffset + " beyond the confirmed offset " + confirmed));
        }
        if (newStartOffset <= startOffset) {
            return CompletableFuture.completedFuture(startOffset);
        }
        long previousStart = startOffset;
        return placement.trimStream(streamId, epoch, newStartOffset).handle((recorded, err) -> {
            if (err != null) {
                throw translate(err);
            }
            synchronized (lock) {
                if (recorded > startOffset) {
                    LOG.info("Stream {} epoch {}: start offset {} -> {}", streamId, epoch, startOffset, recorded);
                    startOffset = recorded;
                }
                return startOffset;
            }
        }).thenCompose(start -> {
            // Ranges wholly below the previous start were dropped by an earlier trim (best effort).
            List<RangeInfo> below = new ArrayList<>();
            for (RangeInfo r : ranges) {
                if (r.startOffset() < start && !(r.isSealed() && r.endOffset() <= previousStart)) {
                    below.add(r);
                }
            }
            return trimReplicas(client, streamId, below, start).thenApply(v -> start);
        });
    }

    /**
     * Sends {@code TRIM(newStartOffset)} for each of {@code ranges} to each of its replicas. Best effort:
     * failures are logged, not surfaced; completes once every request settled.
     */
    static CompletableFuture<Void> trimReplicas(RangeClient client, long streamId, List<RangeInfo> ranges,
                                                long newStartOffset) {
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (RangeInfo range : ranges) {
            for (RangeServerInfo replica : range.replicas()) {
                all.add(client.trim(replica, new TrimRequest(streamId, range.index(), newStartOffset))
                        .handle((start, err) -> {
                            if (err != null) {
                                LOG.warn("Stream {}: trimming range {} to {} on {} failed (its space is not reclaimed): {}",
                                        streamId, range.index(), newStartOffset, replica,
                                        String.valueOf(translate(err).getMessage()));
                            }
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<List<StoredBatch>> fetch(long offset, int maxBytes) {
        long confirmed = confirmedOffset;
        long start = startOffset;
        if (offset < start || offset > confirmed) {
            return CompletableFuture.failedFuture(new StreamException.OffsetOutOfRange("stream " + streamId + ": offset "
                    + offset + " outside [" + start + ", " + confirmed + "]"));
        }
        if (offset == confirmed) {
            return CompletableFuture.completedFuture(List.of());
        }
        return fetchAt(offset, confirmed, maxBytes).exceptionallyCompose(err -> {
            if (translate(err) instanceof StreamException.Unavailable) {
                // Replicas may have moved (a restarted server listens elsewhere): ask PD and try once more.
                return refreshRanges().thenCompose(v -> fetchAt(offset, confirmed, maxBytes));
            }
            return CompletableFuture.failedFuture(err);
        });
    }

    private CompletableFuture<List<StoredBatch>> fetchAt(long offset, long confirmed, int maxBytes) {
        RangeInfo range = rangeContaining(offset);
        long limit = range.isSealed() ? Math.min(range.endOffset(), confirmed) : confirmed;
        return fetchFrom(range, 0, new FetchRequest(streamId, range.index(), offset, limit, maxBytes));
    }

    /** Re-reads the sealed ranges' replicas (with their current addresses) from PD. */
    private CompletableFuture<Void> refreshRanges() {
        return placement.describeStream(streamId).thenAccept(info -> {
            synchronized (lock) {
                List<RangeInfo> updated = new ArrayList<>(ranges);
                for (RangeInfo fresh : info.ranges()) {
                    updated.replaceAll(r -> r.index() == fresh.index() && r.endOffset() == fresh.endOffset() ? fresh : r);
                }
                ranges = List.copyOf(updated);
                if (open != null) {
                    for (RangeInfo fresh : info.ranges()) {
                        if (fresh.index() == open.index() && !fresh.isSealed()) {
                            open = fresh;
                        }
                    }
                }
            }
        });
    }

    /**
     * Reads from the replicas in turn until one answers with data. A replica that holds less of the range
     * than the reader may see (it missed batches, or was sealed at its own shorter end) answers empty or
     * fails: the next one is asked.
     */
    private CompletableFuture<List<StoredBatch>> fetchFrom(RangeInfo range, int replica, FetchRequest request) {
        boolean last = replica + 1 >= range.replicas().size();
        return client.fetch(range.replicas().get(replica), request).handle((response, err) -> {
            boolean holdsLess = err == null && response.batches().isEmpty()
                    && response.rangeEndOffset() < request.endOffset();
            if ((err != null || holdsLess) && !last) {
                return fetchFrom(range, replica + 1, request);
            }
            if (err != null) {
                return CompletableFuture.<List<StoredBatch>>failedFuture(translate(err));
            }
            return CompletableFuture.completedFuture(response.batches());
        }).thenCompose(f -> f);
    }

    private RangeInfo rangeContaining(long offset) {
        for (RangeInfo r : ranges) {
            if (offset >= r.startOffset() && (!r.isSealed() || offset < r.endOffset())) {
                return r;
            }
        }
        throw new StreamException.OffsetOutOfRange("stream " + streamId + ": no range holds offset " + offset);
    }

    @Override
    public void close() {
        synchronized (lock) {
            stop(State.CLOSED, new StreamException.Unavailable("stream " + streamId + " closed by its owner", null));
        }
    }

    static RuntimeException translate(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof StreamException se) {
            return se;
        }
        if (cause instanceof PlacementException.FencedEpoch fenced) {
            return new StreamException.Fenced(fenced.getMessage(), fenced);
        }
        if (cause instanceof RpcException rpcError) {
            if (rpcError.status() == Status.FENCED) {
                return new StreamException.Fenced(rpcError.getMessage(), rpcError);
            }
            if (rpcError.status() == Status.OFFSET_OUT_OF_RANGE) {
                return new StreamException.OffsetOutOfRange(rpcError.getMessage());
            }
        }
        return new StreamException.Unavailable(String.valueOf(cause.getMessage()), cause);
    }

    /** One unconfirmed batch: its offsets, its bytes (kept for re-sending), and which replicas acknowledged it. */
    private static final class PendingAppend {
        final long base;
        final long end;
        final int recordCount;
        final long maxTimestamp;
        final ByteBuf data;
        final Set<Integer> acks = new HashSet<>();
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        Scheduler.Cancellable timeout;
        private boolean released;

        PendingAppend(long base, int recordCount, long maxTimestamp, ByteBuf data) {
            this.base = base;
            this.end = base + recordCount;
            this.recordCount = recordCount;
            this.maxTimestamp = maxTimestamp;
            this.data = data;
        }

        boolean isDone() {
            return released;
        }

        void release() {
            if (!released) {
                released = true;
                data.release();
                if (timeout != null) {
                    timeout.cancel();
                }
            }
        }
    }
}
