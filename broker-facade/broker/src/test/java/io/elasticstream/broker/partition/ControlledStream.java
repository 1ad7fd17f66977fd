package io.elasticstream.broker.partition;

import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamException;
import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stream whose appends are confirmed or failed only when the test says so (fault injection for
 * {@link PartitionLog}; the real stream client is exercised by the standalone and compat tests). Holds no
 * data: fetches return nothing.
 */
final class ControlledStream implements Stream {
    private record Pending(CompletableFuture<AppendResult> future, long baseOffset, long endOffset) {
    }

    private final Queue<Pending> pending = new ArrayDeque<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long nextOffset;
    private volatile long confirmedOffset;
    private volatile boolean confirmAtOnce;

    /** From now on every append is confirmed before {@code append} returns (a replica faster than the caller). */
    void confirmAtOnce() {
        confirmAtOnce = true;
    }

    /** Confirms the oldest unconfirmed append. */
    void confirmNext() {
        Pending p;
        synchronized (this) {
            p = pending.remove();
            confirmedOffset = p.endOffset();
        }
        p.future().complete(new AppendResult(p.baseOffset(), p.endOffset()));
        listeners.forEach(Runnable::run);
    }

    /** Fails every unconfirmed append, as a stream whose replicas all went away. */
    void failPending() {
        List<Pending> failed;
        synchronized (this) {
            failed = List.copyOf(pending);
            pending.clear();
        }
        failed.forEach(p -> p.future().completeExceptionally(new StreamException.Unavailable("replicas gone", null)));
    }

    @Override
    public long streamId() {
        return 1;
    }

    @Override
    public long epoch() {
        return 1;
    }

    @Override
    public long startOffset() {
        return 0;
    }

    @Override
    public synchronized long nextOffset() {
        return nextOffset;
    }

    @Override
    public long confirmedOffset() {
        return confirmedOffset;
    }

    @Override
    public synchronized CompletableFuture<AppendResult> append(int recordCount, long maxTimestamp, ByteBuf data,
                                                               BaseOffsetStamper beforeSend) {
        long base = nextOffset;
        nextOffset += recordCount;
        beforeSend.stamp(data, base);
        data.release();
        CompletableFuture<AppendResult> future = new CompletableFuture<>();
        pending.add(new Pending(future, base, nextOffset));
        if (confirmAtOnce) {
            confirmNext();
        }
        return future;
    }

    @Override
    public CompletableFuture<List<StoredBatch>> fetch(long startOffset, int maxBytes) {
        return CompletableFuture.completedFuture(List.of());
    }

    @Override
    public CompletableFuture<Long> trim(long newStartOffset) {
        throw new UnsupportedOperationException("trim");
    }

    @Override
    public void onConfirmed(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public void close() {
        failPending();
    }
}
