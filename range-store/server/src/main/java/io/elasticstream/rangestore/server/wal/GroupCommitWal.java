package io.elasticstream.rangestore.server.wal;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine-independent part of a WAL: group commit, segments, recovery, reads. How the tail segment is
 * written and synced is a {@link SegmentWriter} ({@link FileChannelWal}, {@link IoUringWal}).
 *
 * <p>Segment files are preallocated: created at full size, zero-filled and fsynced before they take
 * records (the tail segment when the log opens; every next one in the background by a
 * {@link SegmentPreallocator} while the current one fills; a released segment is reused as it is), so a
 * group commit's fdatasync flushes data only and a roll is a rename. Zeros, or old records of a reused
 * file (their position fields do not match), after the last record read as the end of the log.
 *
 * <p>Threading: {@link #append} only enqueues (under a short lock, bounded by
 * {@link WalConfig#maxQueuedBytes()}). One writer thread owns the tail segment: it takes what is
 * queued (up to {@link WalConfig#maxBatchBytes()}), assigns positions, writes the batch with one
 * gathering write, fdatasyncs, publishes the new durable end and completes the batch's futures in
 * order; appends arriving meanwhile form the next batch. Futures are completed on the writer thread,
 * so dependent actions should be short (or use the {@code ...Async} variants). Reads and replay use
 * positional reads on separate read channels and only see durable records.
 *
 * <p>Lifecycle: open → (failed) → closed. The first write or sync error fails that batch, every queued
 * append and every later one, and stops the writer; the log must be reopened (recovery truncates
 * whatever partial bytes the failure left).
 */
abstract sealed class GroupCommitWal implements Wal permits FileChannelWal, IoUringWal {
    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWal.class);
    private static final String LOCK_FILE_NAME = "wal.lock";

    private final Path directory;
    private final WalConfig config;
    private FileChannel lockChannel;
    private FileLock directoryLock;
    /** Segments by base position; the writer adds one when it rolls. */
    private final ConcurrentSkipListMap<Long, WalSegment> segments = new ConcurrentSkipListMap<>();
    private final Thread writer;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final AtomicLong appendCount = new AtomicLong();
    private final AtomicLong syncCount = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    /** Just past the last durable record; written by the writer after each sync. */
    private volatile long durableEndPosition;

    // Shared between appenders, the writer and close: guarded by lock.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition writerWakeup = lock.newCondition();
    private final ArrayDeque<PendingAppend> queue = new ArrayDeque<>();
    /** Bytes (with headers) accepted and not yet durable or failed: queued plus taken by the writer. */
    private long acceptedBytes;
    private boolean closing;
    private WalException failure;
    private boolean writerHeld;

    // Owned by the writer thread.
    private final ArrayDeque<PendingAppend> taken = new ArrayDeque<>();
    private long takenBytes;
    private WalSegment tail;
    private final SegmentWriter segmentWriter;
    private final SegmentPreallocator preallocator;
    private long writeEndPosition;
    private final CRC32C crc = new CRC32C();
    private volatile IOException injectedWriteFailure;
    private final WalObserver observer;

    /** An accepted append; {@code payload} is consumed by the write, so its length is kept apart. */
    private record PendingAppend(ByteBuffer payload, int length, CompletableFuture<Long> future) {
        long recordBytes() {
            return RecordFormat.recordBytes(length);
        }
    }

    GroupCommitWal(Path directory, WalConfig config, SegmentWriter segmentWriter, WalObserver observer) {
        this.observer = Checks.notNull(observer, "observer");
        this.directory = directory;
        this.segmentWriter = segmentWriter;
        this.preallocator = new SegmentPreallocator(directory, config.segmentSizeBytes());
        this.config = config;
        this.writer = Thread.ofPlatform()
                .name("wal-writer-" + directory.getFileName())
                .daemon(true)
                .unstarted(this::runWriter);
    }

    /**
     * Opens (creating if needed) the log in {@code directory} on {@code wal}, recovering it first: a torn
     * or stale tail is truncated and logged, the tail segment is preallocated again. Only one open log
     * per directory at a time (a lock file enforces it). On failure {@code wal} is closed.
     *
     * @throws WalException if the directory cannot be used or is already open
     */
    static <W extends GroupCommitWal> W open(W opened) {
        GroupCommitWal wal = opened;
        Path directory = wal.directory;
        try {
            Files.createDirectories(directory);
            wal.lockChannel = FileChannel.open(directory.resolve(LOCK_FILE_NAME),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock directoryLock;
            try {
                directoryLock = wal.lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                directoryLock = null;
            }
            if (directoryLock == null) {
                throw new WalException("WAL directory " + directory + " is already open");
            }
            wal.directoryLock = directoryLock;
            wal.recoverAndOpenTail();
            wal.writer.start();
            return opened;
        } catch (IOException | RuntimeException e) {
            wal.closeFiles();
            if (e instanceof WalException walException) {
                throw walException;
            }
            throw new WalException("cannot open WAL in " + directory, e);
        }
    }

    private void recoverAndOpenTail() throws IOException {
        WalRecovery.Result recovered = WalRecovery.recover(directory);
        for (WalRecovery.Kept kept : recovered.segments()) {
            segments.put(kept.basePosition(), WalSegment.open(kept.basePosition(), kept.path()));
        }
        long end = recovered.endPosition();
        preallocator.deleteLeftover();
        if (segments.isEmpty()) {
            Path path = directory.resolve(WalSegment.fileName(end));
            preallocator.fill(path, 0);
            WalRecovery.fsyncDirectory(directory);
            segments.put(end, WalSegment.open(end, path));
        }
        tail = segments.lastEntry().getValue();
        long validBytes = end - tail.basePosition();
        preallocator.fill(tail.path(), validBytes);
        segmentWriter.switchTo(tail.path(), validBytes);
        preallocator.prepareNext();
        writeEndPosition = end;
        durableEndPosition = end;
        LOG.info("WAL opened in {}: {} segment(s), end position {}", directory, segments.size(), end);
    }

    // ---------------------------------------------------------------- appenders

    @Override
    public CompletableFuture<Long> append(ByteBuffer record) {
        Checks.notNull(record, "record");
        CompletableFuture<Long> future = new CompletableFuture<>();
        if (record.remaining() > config.maxRecordSizeBytes()) {
            future.completeExceptionally(new WalException("record of " + record.remaining()
                    + " bytes exceeds maxRecordSizeBytes " + config.maxRecordSizeBytes()));
            return future;
        }
        PendingAppend pending = new PendingAppend(record.slice(), record.remaining(), future);
        long recordBytes = pending.recordBytes();
        WalException rejection = null;
        lock.lock();
        try {
            if (failure != null) {
                rejection = new WalException("WAL failed earlier; no appends accepted", failure);
            } else if (closing) {
                rejection = new WalException("WAL closed");
            } else if (acceptedBytes + recordBytes > config.maxQueuedBytes()) {
                rejection = new WalQueueFullException("WAL queue full: " + acceptedBytes + " bytes accepted and not yet"
                        + " durable, limit " + config.maxQueuedBytes());
            } else {
                queue.addLast(pending);
                acceptedBytes += recordBytes;
                if (queue.size() == 1) {
                    writerWakeup.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        if (rejection != null) {
            future.completeExceptionally(rejection);
        }
        return future;
    }

    // ---------------------------------------------------------------- writer thread

    private void runWriter() {
        try {
            while (takeWork()) {
                writeBatch();
            }
        } catch (IOException | RuntimeException e) {
            onWriteFailure(e);
        } finally {
            failLeftovers();
            segmentWriter.close();
        }
    }

    /** Waits for work; moves queued appends to {@link #taken} (about one batch worth). False when closing. */
    private boolean takeWork() {
        lock.lock();
        try {
            while (!closing && (writerHeld || (taken.isEmpty() && queue.isEmpty()))) {
                writerWakeup.awaitUninterruptibly();
            }
            if (closing) {
                return false;
            }
            while (takenBytes < config.maxBatchBytes() && !queue.isEmpty()) {
                PendingAppend next = queue.pollFirst();
                taken.addLast(next);
                takenBytes += next.recordBytes();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes and syncs one batch from the head of {@link #taken}, then completes its futures. */
    private void writeBatch() throws IOException {
        if (segmentRemainingBytes() < taken.getFirst().recordBytes()) {
            rollSegment();
        }
        List<PendingAppend> batch = new ArrayList<>();
        long batchBytes = 0;
        long segmentRemainingBytes = segmentRemainingBytes();
        while (!taken.isEmpty()) {
            long recordBytes = taken.getFirst().recordBytes();
            boolean fits = batchBytes + recordBytes <= Math.min(config.maxBatchBytes(), segmentRemainingBytes);
            if (!batch.isEmpty() && !fits) {
                break;
            }
            batch.add(taken.removeFirst());
            batchBytes += recordBytes;
        }
        takenBytes -= batchBytes;
        Checks.state(batchBytes <= segmentRemainingBytes, "batch of %d bytes overflows segment %s (%d left)",
                batchBytes, tail, segmentRemainingBytes);

        long[] positions = new long[batch.size()];
        ByteBuffer headers = ByteBuffer.allocate(RecordFormat.HEADER_BYTES * batch.size());
        ByteBuffer[] buffers = new ByteBuffer[2 * batch.size()];
        long position = writeEndPosition;
        for (int i = 0; i < batch.size(); i++) {
            PendingAppend append = batch.get(i);
            int at = i * RecordFormat.HEADER_BYTES;
            RecordFormat.writeHeader(headers, at, position, append.payload(), crc);
            positions[i] = position;
            buffers[2 * i] = headers.slice(at, RecordFormat.HEADER_BYTES);
            buffers[2 * i + 1] = append.payload();
            position += append.recordBytes();
        }
        try {
            IOException injected = injectedWriteFailure;
            if (injected != null) {
                injectedWriteFailure = null;
                throw injected;
            }
            long syncStartNs = Clock.SYSTEM.nanoTime();
            segmentWriter.writeAndSync(buffers, writeEndPosition - tail.basePosition(), batchBytes);
            observer.onGroupCommit(batch.size(), batchBytes, Clock.SYSTEM.nanoTime() - syncStartNs);
        } catch (IOException | RuntimeException e) {
            WalException failed = new WalException("WAL write failed", e);
            for (PendingAppend append : batch) {
                append.future().completeExceptionally(failed);
            }
            throw e;
        }
        syncCount.incrementAndGet();
        bytesWritten.addAndGet(batchBytes);
        appendCount.addAndGet(batch.size());
        writeEndPosition = position;
        durableEndPosition = position;
        lock.lock();
        try {
            acceptedBytes -= batchBytes;
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).future().complete(positions[i]);
        }
    }

    private long segmentRemainingBytes() {
        return config.segmentSizeBytes() - (writeEndPosition - tail.basePosition());
    }

    /**
     * Starts a new segment at the current end: the prepared (zero-filled or reused) file is renamed to its name,
     * durably, before any record goes into it.
     */
    private void rollSegment() throws IOException {
        long basePosition = writeEndPosition;
        Path path = directory.resolve(WalSegment.fileName(basePosition));
        preallocator.takePrepared(path);
        WalSegment segment = WalSegment.open(basePosition, path);
        segments.put(basePosition, segment);
        segmentWriter.switchTo(path, 0);
        tail = segment;
    }

    private void onWriteFailure(Exception cause) {
        LOG.error("WAL in {} failed at position {}; failing every pending and later append", directory,
                writeEndPosition, cause);
        lock.lock();
        try {
            failure = new WalException("WAL write failed", cause);
        } finally {
            lock.unlock();
        }
    }

    /** Fails whatever the writer had taken and whatever is still queued. */
    private void failLeftovers() {
        List<PendingAppend> leftovers = new ArrayList<>(taken);
        taken.clear();
        takenBytes = 0;
        WalException reason;
        lock.lock();
        try {
            leftovers.addAll(queue);
            queue.clear();
            acceptedBytes = 0;
            if (failure == null && !closing) {
                // Only an Error (not caught above) gets here: still make sure no append waits forever.
                failure = new WalException("WAL writer stopped unexpectedly");
            }
            reason = failure != null ? new WalException("WAL failed earlier; append not written", failure)
                    : new WalException("WAL closed before the append was written");
        } finally {
            lock.unlock();
        }
        for (PendingAppend append : leftovers) {
            append.future().completeExceptionally(reason);
        }
    }

    // ---------------------------------------------------------------- readers

    @Override
    public ByteBuffer read(long position) {
        ensureNotClosed();
        long end = durableEndPosition;
        if (position < 0 || position + RecordFormat.HEADER_BYTES > end) {
            throw new WalException("no record at position " + position + " (log ends at " + end + ")");
        }
        Map.Entry<Long, WalSegment> entry = segments.floorEntry(position);
        if (entry == null) {
            throw new WalException("no record at position " + position + " (log starts at "
                    + segments.firstKey() + ")");
        }
        WalSegment segment = entry.getValue();
        long fileOffset = position - segment.basePosition();
        try {
            ByteBuffer header = ByteBuffer.allocate(RecordFormat.HEADER_BYTES);
            segment.readFully(header, fileOffset);
            int storedCrc = header.getInt(RecordFormat.CRC_OFFSET);
            int length = header.getInt(RecordFormat.LENGTH_OFFSET);
            long storedPosition = header.getLong(RecordFormat.POSITION_OFFSET);
            if (storedPosition != position || length < 0 || length > end - position - RecordFormat.HEADER_BYTES) {
                throw new WalException("no record starts at position " + position);
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            segment.readFully(payload, fileOffset + RecordFormat.HEADER_BYTES);
            payload.flip();
            CRC32C check = new CRC32C();
            RecordFormat.startCrc(check, header, 0);
            check.update(payload.duplicate());
            if ((int) check.getValue() != storedCrc) {
                throw new WalException("CRC mismatch in record at position " + position);
            }
            return payload;
        } catch (ClosedByInterruptException e) {
            throw new WalException("read at position " + position + " interrupted", e);
        } catch (IOException e) {
            throw closed.get() ? new WalException("WAL closed", e)
                    : new WalException("read at position " + position + " failed", e);
        }
    }

    @Override
    public void replay(long fromPosition, RecordVisitor visitor) {
        Checks.notNull(visitor, "visitor");
        ensureNotClosed();
        long end = durableEndPosition;
        long firstBase = segments.firstKey();
        long from = fromPosition == 0 ? firstBase : fromPosition;
        if (from < firstBase || from > end) {
            throw new WalException("cannot replay from position " + fromPosition + ": the log holds ["
                    + firstBase + ", " + end + ")");
        }
        long position = from;
        while (position < end) {
            Map.Entry<Long, WalSegment> entry = segments.floorEntry(position);
            WalSegment segment = entry.getValue();
            Long nextBase = segments.higherKey(segment.basePosition());
            long segmentEnd = nextBase == null ? end : Math.min(nextBase, end);
            SegmentScanner scanner = new SegmentScanner(segment::read, segment.basePosition(),
                    position - segment.basePosition(), segmentEnd - segment.basePosition(), true);
            try {
                while (scanner.next()) {
                    visitor.onRecord(scanner.recordPosition(), scanner.payload());
                }
            } catch (IOException e) {
                throw closed.get() ? new WalException("WAL closed", e)
                        : new WalException("replay failed in segment " + segment, e);
            }
            long stoppedAt = segment.basePosition() + scanner.offset();
            if (stoppedAt != segmentEnd) {
                throw new WalException("corrupt record at position " + stoppedAt + " in segment " + segment
                        + " during replay (or " + fromPosition + " is not a record position)");
            }
            position = segmentEnd;
        }
    }

    @Override
    public long endPosition() {
        return durableEndPosition;
    }

    @Override
    public long appendCount() {
        return appendCount.get();
    }

    @Override
    public long syncCount() {
        return syncCount.get();
    }

    @Override
    public long bytesWritten() {
        return bytesWritten.get();
    }

    private void ensureNotClosed() {
        if (closed.get()) {
            throw new WalException("WAL closed");
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        lock.lock();
        try {
            closing = true;
            writerHeld = false;
            writerWakeup.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != writer) {
            joinUninterruptibly(writer);
        }
        closeFiles();
        LOG.info("WAL in {} closed at end position {}", directory, durableEndPosition);
    }

    private void closeFiles() {
        for (WalSegment segment : segments.values()) {
            closeQuietly(segment);
        }
        if (!writer.isAlive()) {
            segmentWriter.close();
        }
        preallocator.close();
        closeQuietly(directoryLock);
        closeQuietly(lockChannel);
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("ignoring failure to close {}", closeable, e);
        }
    }

    // ---------------------------------------------------------------- segment reclamation

    @Override
    public long startPosition() {
        return segments.firstKey();
    }

    @Override
    public int segmentCount() {
        return segments.size();
    }

    /**
     * Releases segments oldest first, each durably (renamed into the preallocator's pool, directory
     * fsynced) before the next, so a crash leaves a contiguous log. Serialized by its own monitor; the
     * tail is never released (it is always the last entry, and a segment is released only if a later one
     * starts at or below {@code position}).
     */
    @Override
    public synchronized int releaseBefore(long position) {
        ensureNotClosed();
        int released = 0;
        while (true) {
            Map.Entry<Long, WalSegment> first = segments.firstEntry();
            Long nextBase = segments.higherKey(first.getKey());
            if (nextBase == null || nextBase > position) {
                break;
            }
            WalSegment segment = first.getValue();
            segments.remove(first.getKey());
            closeQuietly(segment);
            try {
                preallocator.recycle(segment.path());
            } catch (IOException e) {
                throw new WalException("cannot release segment " + segment, e);
            }
            released++;
        }
        if (released > 0) {
            LOG.info("WAL in {}: released {} segment(s) below position {}; {} left from {}", directory, released,
                    position, segments.size(), segments.firstKey());
        }
        return released;
    }

    // ---------------------------------------------------------------- test hooks

    /** Test hook: the writer takes nothing more from the queue until {@link #releaseWriterForTest()}. */
    final void holdWriterForTest() {
        lock.lock();
        try {
            writerHeld = true;
        } finally {
            lock.unlock();
        }
    }

    final void releaseWriterForTest() {
        lock.lock();
        try {
            writerHeld = false;
            writerWakeup.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Test hook (fault injection): the next batch write fails with {@code failure} before writing anything. */
    final void failNextWriteForTest(IOException failure) {
        injectedWriteFailure = failure;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + directory + ", end=" + durableEndPosition + "]";
    }
}
