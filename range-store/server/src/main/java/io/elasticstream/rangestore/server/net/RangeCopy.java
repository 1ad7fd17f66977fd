package io.elasticstream.rangestore.server.net;

import io.elasticstream.rangestore.protocol.CopyRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.rpc.StreamRpcClient;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.store.RangeStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves COPY_RANGE on the receiving server: makes this server a complete replica of a sealed range by
 * pulling it from the replicas named in the request, through the same store operations a writer uses
 * (create, contiguous appends with the original offsets, seal), so a copied range is stored, indexed,
 * recovered and served exactly like a written one.
 *
 * <p>Sources are tried in order; a source that fails, or stops short of the range's end, hands over to
 * the next one at the first offset not yet copied. The range is sealed only once every batch below its
 * end is durable here, so a partial copy is never sealed: when no source can finish, the copy fails
 * and, if it created the range, drops it again. A range already sealed here at the requested end is
 * answered at once (a retried copy); an open range left by an interrupted copy, or a short one left by
 * its writer, is resumed; a range sealed here short of the requested end is dropped and copied whole.
 *
 * <p>Threading: asynchronous throughout, nothing blocks (the store copies appended bytes before
 * returning, and fetch responses complete on the RPC client's event loop). At most one copy per range
 * runs at a time; a second one is refused with a retriable STORAGE_ERROR.
 */
final class RangeCopy {
    private static final Logger LOG = LoggerFactory.getLogger(RangeCopy.class);
    /** Bytes asked of a source per fetch. */
    static final int FETCH_MAX_BYTES = 1 << 20;

    private final RangeStore store;
    private final StreamRpcClient sources;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    RangeCopy(RangeStore store, StreamRpcClient sources) {
        this.store = store;
        this.sources = sources;
    }

    /** Completes with the sealed end once the whole range is durable and sealed here. */
    CompletableFuture<Long> copy(CopyRangeRequest request) {
        String range = request.streamId() + "/" + request.index();
        if (!running.add(range)) {
            return failed(Status.STORAGE_ERROR, "a copy of range " + range + " is already running here");
        }
        CompletableFuture<Long> result;
        try {
            result = start(range, request);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.whenComplete((end, error) -> {
            running.remove(range);
            if (error == null) {
                LOG.info("Copied range {} [{}, {}) from {}", range, request.startOffset(), end, request.sources());
            } else {
                LOG.warn("Copy of range {} [{}, {}) from {} failed: {}", range, request.startOffset(),
                        request.endOffset(), request.sources(), unwrap(error).getMessage());
            }
        });
    }

    private CompletableFuture<Long> start(String range, CopyRangeRequest request) {
        long streamId = request.streamId();
        int index = request.index();
        long sealedEnd = store.sealedEnd(streamId, index);
        if (sealedEnd == request.endOffset()) {
            return CompletableFuture.completedFuture(sealedEnd);
        }
        if (sealedEnd > request.endOffset()) {
            return failed(Status.INVALID_REQUEST, "range " + range + " is sealed here at " + sealedEnd + ", not "
                    + request.endOffset());
        }
        if (sealedEnd >= 0) {
            // Sealed here at its own shorter end (it missed the last batches before its writer died): PD's
            // record says where the range ends, and the sources hold it, so this copy is replaced.
            LOG.info("Range {} is sealed here short, at {} of {}: dropping it to copy it whole", range, sealedEnd,
                    request.endOffset());
            return store.trim(streamId, index, RangeStore.DROPPED).thenCompose(dropped -> start(range, request));
        }
        boolean created = store.epoch(streamId, index) < 0;
        CompletableFuture<Long> copied = store.createRange(streamId, index, request.startOffset(), request.epoch())
                .thenCompose(next -> {
                    // Appends carry the range's own epoch: a resumed range may have seen a newer one.
                    long epoch = Math.max(request.epoch(), store.epoch(streamId, index));
                    return pull(request, epoch, 0, next);
                });
        if (!created) {
            return copied;
        }
        return copied.handle((end, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(end);
            }
            // Leave nothing behind: the range is not sealed, and nothing reads it, but it would count as held.
            CompletableFuture<Long> failure = new CompletableFuture<>();
            store.trim(streamId, index, RangeStore.DROPPED).whenComplete((dropped, dropError) ->
                    failure.completeExceptionally(unwrap(error)));
            return failure;
        }).thenCompose(f -> f);
    }

    /** Copies {@code [next, end)} from source {@code sourceIndex} on, then seals. */
    private CompletableFuture<Long> pull(CopyRangeRequest request, long epoch, int sourceIndex, long next) {
        if (next >= request.endOffset()) {
            return store.seal(request.streamId(), request.index(), epoch, request.endOffset());
        }
        if (sourceIndex >= request.sources().size()) {
            return failed(Status.STORAGE_ERROR, "no source of range " + request.streamId() + "/" + request.index()
                    + " could serve [" + next + ", " + request.endOffset() + ") (tried " + request.sources() + ")");
        }
        String source = request.sources().get(sourceIndex);
        CompletableFuture<FetchResponse> fetched;
        try {
            fetched = sources.call(StreamRpcClient.address(source), Opcode.FETCH,
                    new FetchRequest(request.streamId(), request.index(), next, request.endOffset(), FETCH_MAX_BYTES)
                            .encode(sources.alloc()), FetchResponse::decode);
        } catch (RuntimeException e) { // an unparsable or unresolvable address
            fetched = CompletableFuture.failedFuture(e);
        }
        return fetched.handle((response, error) -> {
            if (error != null || response.batches().isEmpty()) {
                String why = error != null ? unwrap(error).getMessage()
                        : "it holds the range only up to " + response.rangeEndOffset();
                LOG.info("Copy of range {}/{}: source {} cannot serve from {}: {}", request.streamId(), request.index(),
                        source, next, why);
                return pull(request, epoch, sourceIndex + 1, next);
            }
            return appendAll(request, epoch, next, response.batches())
                    .thenCompose(end -> pull(request, epoch, sourceIndex, end));
        }).thenCompose(f -> f);
    }

    /** Appends the fetched batches (releasing them); completes with the new end once all are durable. */
    private CompletableFuture<Long> appendAll(CopyRangeRequest request, long epoch, long next, List<StoredBatch> batches) {
        List<CompletableFuture<Long>> appends = new ArrayList<>(batches.size());
        long end = next;
        try {
            for (StoredBatch b : batches) {
                if (b.baseOffset() != end) {
                    appends.add(failed(Status.STORAGE_ERROR, "source sent a batch at " + b.baseOffset()
                            + " where " + end + " was expected"));
                    break;
                }
                appends.add(store.append(request.streamId(), request.index(), epoch, b.baseOffset(), b.recordCount(),
                        b.maxTimestamp(), b.data().nioBuffer()));
                end = b.endOffset();
            }
        } finally {
            for (StoredBatch b : batches) {
                b.data().release();
            }
        }
        long newEnd = end;
        return CompletableFuture.allOf(appends.toArray(CompletableFuture<?>[]::new)).thenApply(v -> newEnd);
    }

    private static <T> CompletableFuture<T> failed(Status status, String message) {
        return CompletableFuture.failedFuture(new RangeStoreException(status, message));
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
