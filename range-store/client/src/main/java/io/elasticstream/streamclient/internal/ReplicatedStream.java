package io.elasticstream.streamclient.internal;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamException;
import io.elasticstream.streamclient.rpc.RangeRpcClient;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream this process writes. Offsets are assigned under {@link #lock} in call order; every batch
 * goes to every replica of the open range; a batch is confirmed when {@code ackCount} replicas
 * acknowledged it and every earlier batch is confirmed (contiguous prefix).
 *
 * <p>States: OPEN → FAILED (a replica failed or fenced us; every pending and later append fails; the
 * owner reopens the stream, which seals at the confirmed end) or → CLOSED. Sealing and rolling to a new
 * range on replica failure, without failing appends, comes with multi-replica ranges.
 */
public final class ReplicatedStream implements Stream {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedStream.class);

    private final RangeRpcClient rpc;
    private final long streamId;
    private final long epoch;
    private final long startOffset;
    private final int ackCount;
    /** Sealed ranges in index order, then the open range last. Immutable after open. */
    private final List<RangeInfo> ranges;
    private final RangeInfo openRange;
    private final List<Runnable> confirmListeners = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    private final ArrayDeque<PendingAppend> inflight = new ArrayDeque<>();
    private long nextOffset;
    private volatile long confirmedOffset;
    private RuntimeException failure;

    ReplicatedStream(RangeRpcClient rpc, long streamId, long epoch, long startOffset, int ackCount,
                     List<RangeInfo> ranges) {
        this.rpc = rpc;
        this.streamId = streamId;
        this.epoch = epoch;
        this.startOffset = startOffset;
        this.ackCount = ackCount;
        this.ranges = List.copyOf(ranges);
        this.openRange = ranges.getLast();
        Checks.state(!openRange.isSealed(), "stream %d: last range %d must be open", streamId, openRange.index());
        Checks.state(openRange.replicas().size() >= ackCount, "stream %d: %d replicas < ackCount %d", streamId,
                openRange.replicas().size(), ackCount);
        this.nextOffset = openRange.startOffset();
        this.confirmedOffset = openRange.startOffset();
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

    @Override
    public void onConfirmed(Runnable listener) {
        confirmListeners.add(listener);
    }

    @Override
    public CompletableFuture<AppendResult> append(int recordCount, long maxTimestamp, ByteBuf data,
                                                  BaseOffsetStamper beforeSend) {
        Checks.argument(recordCount > 0, "recordCount %d", recordCount);
        synchronized (lock) {
            if (failure != null) {
                data.release();
                return CompletableFuture.failedFuture(failure);
            }
            long base = nextOffset;
            PendingAppend pending = new PendingAppend(base, base + recordCount);
            nextOffset = pending.end;
            beforeSend.stamp(data, base);
            inflight.add(pending);
            List<RangeServerInfo> replicas = openRange.replicas();
            for (int i = 0; i < replicas.size(); i++) {
                ByteBuf copy = i == replicas.size() - 1 ? data : data.retainedDuplicate();
                AppendRequest request = new AppendRequest(streamId, openRange.index(), epoch, base, recordCount,
                        maxTimestamp, confirmedOffset, copy);
                rpc.call(address(replicas.get(i)), Opcode.APPEND, request.encode(rpc.alloc()), OffsetResponse::decode)
                        .whenComplete((ok, err) -> onReplicaResponse(pending, err));
            }
            return pending.future;
        }
    }

    private void onReplicaResponse(PendingAppend pending, Throwable err) {
        List<PendingAppend> confirmed = new ArrayList<>();
        List<PendingAppend> failed = List.of();
        RuntimeException failedWith = null;
        synchronized (lock) {
            if (err != null) {
                if (failure == null) {
                    failure = translate(err);
                    LOG.warn("Stream {} epoch {}: append at {} failed, stream stops accepting appends: {}", streamId, epoch,
                            pending.base, failure.getMessage());
                }
                failedWith = failure;
                failed = new ArrayList<>(inflight);
                inflight.clear();
            } else {
                pending.acks++;
                while (!inflight.isEmpty() && inflight.peekFirst().acks >= ackCount) {
                    PendingAppend head = inflight.pollFirst();
                    confirmedOffset = head.end;
                    confirmed.add(head);
                }
            }
        }
        for (PendingAppend p : confirmed) {
            p.future.complete(new AppendResult(p.base, p.end));
        }
        for (PendingAppend p : failed) {
            p.future.completeExceptionally(failedWith);
        }
        if (!confirmed.isEmpty()) {
            confirmListeners.forEach(Runnable::run);
        }
    }

    @Override
    public CompletableFuture<List<StoredBatch>> fetch(long offset, int maxBytes) {
        long confirmed = confirmedOffset;
        if (offset < startOffset || offset > confirmed) {
            return CompletableFuture.failedFuture(new StreamException.OffsetOutOfRange("stream " + streamId + ": offset "
                    + offset + " outside [" + startOffset + ", " + confirmed + "]"));
        }
        if (offset == confirmed) {
            return CompletableFuture.completedFuture(List.of());
        }
        RangeInfo range = rangeContaining(offset);
        long limit = range.isSealed() ? range.endOffset() : confirmed;
        return fetchFrom(range, 0, new FetchRequest(streamId, range.index(), offset, limit, maxBytes));
    }

    private CompletableFuture<List<StoredBatch>> fetchFrom(RangeInfo range, int replica, FetchRequest request) {
        InetSocketAddress server = address(range.replicas().get(replica));
        return rpc.call(server, Opcode.FETCH, request.encode(rpc.alloc()), FetchResponse::decode)
                .thenApply(FetchResponse::batches)
                .exceptionallyCompose(err -> {
                    if (replica + 1 < range.replicas().size()) {
                        return fetchFrom(range, replica + 1, request);
                    }
                    return CompletableFuture.failedFuture(translate(err));
                });
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
        List<PendingAppend> failed;
        RuntimeException closedError = new StreamException.Unavailable("stream " + streamId + " closed", null);
        synchronized (lock) {
            if (failure == null) {
                failure = closedError;
            }
            failed = new ArrayList<>(inflight);
            inflight.clear();
        }
        failed.forEach(p -> p.future.completeExceptionally(closedError));
    }

    static InetSocketAddress address(RangeServerInfo server) {
        return new InetSocketAddress(server.host(), server.port());
    }

    static RuntimeException translate(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (cause instanceof StreamException se) {
            return se;
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

    private static final class PendingAppend {
        final long base;
        final long end;
        final CompletableFuture<AppendResult> future = new CompletableFuture<>();
        int acks;

        PendingAppend(long base, long end) {
            this.base = base;
            this.end = end;
        }
    }
}
