package io.elasticstream.rangestore.server.wal;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * The write-ahead log of one data directory: an ordered sequence of opaque records, each addressed
 * by its logical position (a byte offset in the log's own address space that only grows).
 *
 * <p>Guarantees:
 * <ul>
 *   <li>{@link #append} completes only after the record's bytes are durable (written and
 *       fdatasync'ed). Appends are group-committed: appends arriving while a write+sync is in flight
 *       go into the next write together.</li>
 *   <li>Records become durable in append order; a completed append implies every earlier append is
 *       durable too.</li>
 *   <li>Each stored record carries a CRC32C, its length and its own position, so recovery stops at
 *       the first torn or stale record and truncates the log there (no record after a torn one is
 *       ever returned, and no acknowledged record is ever dropped).</li>
 *   <li>A failed write or sync fails that append and every later one (the log stops accepting
 *       appends): the caller surfaces a retriable error; nothing unacknowledged is claimed durable.</li>
 * </ul>
 * Thread-safe. {@link #append} never blocks the caller; reads are positional and may run
 * concurrently with appends.
 */
public interface Wal extends AutoCloseable {

    /**
     * Appends one record (the buffer's remaining bytes; the buffer is not retained after the future
     * completes and must not be modified before). Completes with the record's position once durable.
     * If the log failed, completes exceptionally with {@link WalException}; if its queue is full
     * (overload), completes at once, before returning, with {@link WalQueueFullException} and queues nothing.
     */
    CompletableFuture<Long> append(ByteBuffer record);

    /**
     * Reads the record stored at {@code position} (as returned by {@link #append} or passed to a
     * {@link RecordVisitor}), verifying its CRC. Only durable records can be read.
     *
     * @throws WalException if there is no valid record at that position
     */
    ByteBuffer read(long position);

    /**
     * Visits every durable record from {@code fromPosition} (a record position, or 0 for the start of
     * the log) to the end, in order, on the calling thread. Used once at start-up to rebuild indexes.
     */
    void replay(long fromPosition, RecordVisitor visitor);

    /** Position just past the last durable record: where the next record will go. */
    long endPosition();

    /**
     * Position of the first record the log still holds: 0 until a segment was released, then the base of
     * the first segment kept. Replay and reads below it fail.
     */
    default long startPosition() {
        return 0;
    }

    /**
     * Releases every segment lying wholly below {@code position} (never the one being written): its
     * records can no longer be read or replayed, and its file goes back to the preallocator for reuse
     * (the CRC + position framing keeps its old records from resurfacing). Durable when it returns: a
     * crash afterwards does not bring released segments back in a way that breaks recovery, because they
     * are released oldest first. Returns how many segments were released. An engine may keep everything
     * (the default).
     */
    default int releaseBefore(long position) {
        return 0;
    }

    /** Segment files the log holds now (for metrics and tests). */
    default int segmentCount() {
        return 1;
    }

    /** Records made durable since this log was opened (monotonic; for metrics and tests). */
    long appendCount();

    /** Batch syncs (fdatasync calls for group commits) since this log was opened (monotonic). */
    long syncCount();

    /** Bytes written to segment files, record headers included, since this log was opened (monotonic). */
    long bytesWritten();

    /** Stops accepting appends, waits for the in-flight write to finish, closes files. Idempotent. */
    @Override
    void close();

    /** Receives records during {@link #replay}. The buffer is only valid during the call. */
    @FunctionalInterface
    interface RecordVisitor {
        void onRecord(long position, ByteBuffer record);
    }
}
