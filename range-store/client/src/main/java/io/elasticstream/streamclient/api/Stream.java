package io.elasticstream.streamclient.api;

import io.elasticstream.rangestore.protocol.StoredBatch;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An open stream on which this process is the writer (fenced by its epoch). Offsets count records.
 *
 * <p>Visibility: readers see {@code [startOffset, confirmedOffset)}. Appends are confirmed in order.
 */
public interface Stream extends AutoCloseable {

    long streamId();

    /** The writer epoch this stream was opened with. */
    long epoch();

    /** First readable offset (the trim point); moves up with {@link #trim}. */
    long startOffset();

    /** Offset the next append will get. */
    long nextOffset();

    /** End of the confirmed prefix: everything below it is durable on ackCount replicas. */
    long confirmedOffset();

    /**
     * Appends one batch of {@code recordCount} records. The offset is assigned before this method
     * returns ({@link #nextOffset()} moves by {@code recordCount}), in call order; the future
     * completes once the batch is confirmed. Takes ownership of one reference to {@code data}.
     * {@code data} may be stamped with the base offset by the caller through {@code beforeSend},
     * which runs with the assigned base offset before the bytes leave the process.
     */
    CompletableFuture<AppendResult> append(int recordCount, long maxTimestamp, ByteBuf data, BaseOffsetStamper beforeSend);

    /**
     * Reads whole confirmed batches starting with the batch containing {@code startOffset}, up to about
     * {@code maxBytes} (at least one batch if {@code startOffset < confirmedOffset()}). Empty when
     * {@code startOffset == confirmedOffset()}. Fails with {@link StreamException.OffsetOutOfRange}
     * outside {@code [startOffset(), confirmedOffset()]}. The caller releases the batches' buffers.
     */
    CompletableFuture<List<StoredBatch>> fetch(long startOffset, int maxBytes);

    /**
     * Moves the start offset up to {@code newStartOffset} (recorded at PD, so it survives a new writer);
     * completes with the start offset now in effect, which is never lower than before. A
     * {@code newStartOffset} at or below {@link #startOffset()} changes nothing. Fails with
     * {@link StreamException.OffsetOutOfRange} beyond {@link #confirmedOffset()}, and with
     * {@link StreamException.Fenced} if a newer writer opened the stream. From then on reads below the new
     * start fail with {@link StreamException.OffsetOutOfRange}; a read at it still returns the whole batch
     * holding it. Once PD recorded the trim, every range lying (partly) below the new start is trimmed on
     * its replicas (a range wholly below it is dropped there, freeing its space); those requests are best
     * effort: failures are logged, not surfaced, and the returned future completes once they all settled
     * (at most one request timeout later).
     */
    CompletableFuture<Long> trim(long newStartOffset);

    /** Registers a callback run (on an arbitrary thread) whenever the confirmed offset advances. */
    void onConfirmed(Runnable listener);

    /** Stops writing; pending appends fail. Does not seal (the next writer does). */
    @Override
    void close();

    /** Lets the caller write the assigned base offset into the batch bytes before they are sent. */
    @FunctionalInterface
    interface BaseOffsetStamper {
        void stamp(ByteBuf data, long baseOffset);
    }
}
