package io.elasticstream.rangestore.server.store;

import io.elasticstream.common.Checks;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalQueueFullException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ranges held by one range server, on top of one {@link Wal}.
 *
 * <p>Rules: a range is created once per {@code (stream, index)} with a start offset and writer epoch;
 * appends must be contiguous ({@code baseOffset == next offset}) and carry an epoch no older than the
 * range's; a seal (by any epoch at least the range's) fixes the end and raises the range's epoch,
 * fencing older writers; reads see only durable data below the end. Each change is written to the WAL
 * before it takes effect and is acknowledged only when durable; WAL order is acceptance order, so
 * replay rebuilds exactly the acknowledged state.
 *
 * <p>Threading: the store's state changes are applied by the WAL futures' completion callbacks, which
 * the WAL runs on its writer thread in WAL order; every submitting path attaches its callback before
 * it lets a checkpoint barrier in (see {@link #checkpoint}).
 *
 * <p>Trims ({@link #trim}) raise a range's first readable offset, or drop the range; they are WAL records
 * too, so they survive a restart.
 */
public final class RangeStore {
    private static final Logger LOG = LoggerFactory.getLogger(RangeStore.class);

    /** What {@link #trim} returns for a range that is gone; also the trim point that drops any range. */
    public static final long DROPPED = Long.MAX_VALUE;

    private final Wal wal;
    private final ConcurrentMap<RangeKey, RangeState> ranges = new ConcurrentHashMap<>();
    /**
     * Per stream, the lowest writer epoch still allowed to create or append to its ranges here, raised when a
     * seal finds a range missing (see {@link #seal}); durable (FENCE records, checkpoints).
     */
    private final ConcurrentMap<Long, Long> streamFences = new ConcurrentHashMap<>();

    /** Largest checkpoint written as one WAL record; bigger ones go out in parts of this size. */
    static final int DEFAULT_CHECKPOINT_PART_BYTES = 1 << 20;
    /** Checkpoint parts appended before waiting for the oldest one (keeps within the WAL's queue limit). */
    private static final int CHECKPOINT_PARTS_IN_FLIGHT = 4;
    private int checkpointPartBytes = DEFAULT_CHECKPOINT_PART_BYTES;

    /** Where the position of the last checkpoint is kept; null = checkpoints disabled. */
    private final Path checkpointFile;
    /**
     * Read-locked by every path that submits a WAL record (held until the record's completion callback is
     * attached); write-locked by {@link #checkpoint} while it places its barrier and takes its snapshot.
     */
    private final ReentrantReadWriteLock submitLock = new ReentrantReadWriteLock();
    private long recoveredRecords;
    private final AtomicLong trims = new AtomicLong();

    private final ReadCache readCache;

    private RangeStore(Wal wal, Path checkpointFile, ReadCache readCache) {
        this.wal = wal;
        this.checkpointFile = checkpointFile;
        this.readCache = readCache;
    }

    /** Opens the store without checkpoints, replaying the whole WAL to rebuild range state and indexes. */
    public static RangeStore open(Wal wal) {
        return open(wal, null, ReadCache.disabled());
    }

    /** As {@link #open(Wal)}, serving fetches of recently appended batches from {@code readCache}. */
    public static RangeStore open(Wal wal, ReadCache readCache) {
        return open(wal, null, readCache);
    }

    /** As {@link #open(Wal, Path, ReadCache)} without a read cache. */
    public static RangeStore open(Wal wal, Path checkpointFile) {
        return open(wal, checkpointFile, ReadCache.disabled());
    }

    /**
     * Opens the store, rebuilding range state and indexes from the latest checkpoint (whose WAL position
     * {@code checkpointFile} holds; see {@link #checkpoint}) and the WAL records after it, or from the
     * whole WAL if there is no checkpoint yet; fetches of recently appended batches are served from
     * {@code readCache}.
     *
     * @param checkpointFile where the last checkpoint's position is kept (a small file next to the WAL
     *                       directory); null disables checkpoints and so segment reclamation
     */
    public static RangeStore open(Wal wal, Path checkpointFile, ReadCache readCache) {
        RangeStore store = new RangeStore(wal, checkpointFile, readCache);
        long startNs = System.nanoTime();
        long from = 0;
        long checkpoint = checkpointFile == null ? -1 : Checkpoints.readPointer(checkpointFile);
        if (checkpoint >= 0) {
            Checks.state(checkpoint >= wal.startPosition() && checkpoint < wal.endPosition(),
                    "checkpoint at %d outside the WAL [%d, %d)", checkpoint, wal.startPosition(), wal.endPosition());
            from = store.loadCheckpoint(store.readCheckpointRecord(checkpoint));
        } else {
            Checks.state(wal.startPosition() == 0, "WAL starts at %d but there is no checkpoint (%s)",
                    wal.startPosition(), checkpointFile);
        }
        long[] records = {0};
        wal.replay(from, (position, record) -> {
            store.replayRecord(position, record);
            records[0]++;
        });
        store.recoveredRecords = records[0];
        LOG.info("Range store recovered {} ranges from {} WAL records after position {} in {} ms", store.ranges.size(),
                records[0], from, (System.nanoTime() - startNs) / 1_000_000);
        return store;
    }

    /** Trims applied since this store was opened (monotonic; lets a checkpoint policy notice them). */
    public long trimCount() {
        return trims.get();
    }

    /** The WAL this store writes to. */
    public Wal wal() {
        return wal;
    }

    /** WAL records replayed when this store was opened (those after the checkpoint, if there was one). */
    public long recoveredRecordCount() {
        return recoveredRecords;
    }

    /**
     * The CHECKPOINT record the checkpoint file points at: that record itself, or, for a checkpoint written
     * in parts, the concatenation of the parts a CHECKPOINT_PARTS record lists.
     */
    private ByteBuffer readCheckpointRecord(long position) {
        ByteBuffer record = wal.read(position);
        if (record.get(record.position()) != WalRecords.CHECKPOINT_PARTS) {
            return record;
        }
        record.get();
        int partCount = record.getInt();
        List<ByteBuffer> parts = new ArrayList<>(partCount);
        int totalBytes = 0;
        for (int i = 0; i < partCount; i++) {
            ByteBuffer part = wal.read(record.getLong());
            byte type = part.get();
            Checks.state(type == WalRecords.CHECKPOINT_PART, "checkpoint part %d is a record of type %d", i, type);
            parts.add(part);
            totalBytes = Math.addExact(totalBytes, part.remaining());
        }
        ByteBuffer whole = ByteBuffer.allocate(totalBytes);
        parts.forEach(whole::put);
        return whole.flip();
    }

    /** Loads a CHECKPOINT record's ranges; returns the position replay continues from (its barrier). */
    private long loadCheckpoint(ByteBuffer record) {
        byte type = record.get();
        Checks.state(type == WalRecords.CHECKPOINT, "checkpoint pointer leads to a record of type %d", type);
        long markPosition = record.getLong();
        int count = record.getInt();
        for (int i = 0; i < count; i++) {
            RangeState r = RangeState.readCheckpoint(record);
            ranges.put(r.key, r);
        }
        if (record.hasRemaining()) { // older checkpoints end here
            int fences = record.getInt();
            for (int i = 0; i < fences; i++) {
                streamFences.merge(record.getLong(), record.getLong(), Math::max);
            }
        }
        return markPosition;
    }

    /**
     * Writes a checkpoint and releases the WAL segments nothing needs any more. The checkpoint is a WAL
     * record holding every range's durable state and index, as of a barrier record placed while no record
     * is being submitted (appends, creates, seals and trims wait for about one group commit meanwhile);
     * once it is durable, its position is saved in the checkpoint file (atomically), so the next
     * {@link #open} replays only what follows the barrier. Then every segment below both the barrier and
     * the first batch of every live range is released. Returns how many segments were released. Call it
     * from a background thread (it blocks on WAL writes), e.g. periodically or after trims.
     *
     * <p>Size: 32 bytes per live batch plus 56 per range. A checkpoint bigger than one part (1 MiB) is
     * written as several WAL records (parts, then a record listing them), so it is not limited by the WAL's
     * largest record; it is built in memory while submissions wait, though, so its size bounds that pause.
     */
    public synchronized int checkpoint() {
        Checks.state(checkpointFile != null, "checkpoints are disabled (no checkpoint file)");
        ByteBuffer snapshot;
        long lowestNeeded;
        submitLock.writeLock().lock();
        try {
            // Every earlier record's completion callback is attached (submitters hold the read lock until
            // then) and runs on the WAL writer before the barrier completes: the state below is exactly
            // that of the records before the barrier.
            long mark = join(wal.append(WalRecords.mark()), "checkpoint barrier");
            List<RangeState> live = new ArrayList<>(ranges.values());
            int bytes = WalRecords.CHECKPOINT_HEADER_BYTES;
            lowestNeeded = mark;
            for (RangeState r : live) {
                synchronized (r) {
                    bytes += r.checkpointBytes();
                }
            }
            Map<Long, Long> fences = Map.copyOf(streamFences);
            bytes += 4 + fences.size() * 16;
            snapshot = ByteBuffer.allocate(bytes).put(WalRecords.CHECKPOINT).putLong(mark).putInt(live.size());
            for (RangeState r : live) {
                synchronized (r) {
                    r.writeCheckpoint(snapshot);
                    if (r.index.size() > 0) {
                        lowestNeeded = Math.min(lowestNeeded, r.index.walPosition(0));
                    }
                }
            }
            snapshot.putInt(fences.size());
            fences.forEach((stream, epoch) -> snapshot.putLong(stream).putLong(epoch));
            snapshot.flip();
        } finally {
            submitLock.writeLock().unlock();
        }
        long position = writeCheckpointRecords(snapshot);
        try {
            Checkpoints.writePointer(checkpointFile, position);
        } catch (IOException e) {
            throw storageError("save checkpoint position", e);
        }
        int released = wal.releaseBefore(lowestNeeded);
        LOG.info("Range store checkpoint at WAL position {} ({} bytes); released {} segment(s) below {}", position,
                snapshot.remaining(), released, lowestNeeded);
        return released;
    }

    /**
     * Appends the checkpoint as one CHECKPOINT record, or, when bigger than {@link #checkpointPartBytes}, as
     * CHECKPOINT_PART records (a few in flight at a time, within the WAL's queue limit) followed by the
     * CHECKPOINT_PARTS record listing them. Returns the position the checkpoint file must point at.
     */
    private long writeCheckpointRecords(ByteBuffer snapshot) {
        if (snapshot.remaining() <= checkpointPartBytes) {
            return join(wal.append(snapshot), "checkpoint");
        }
        int partCount = (snapshot.remaining() + checkpointPartBytes - 1) / checkpointPartBytes;
        long[] positions = new long[partCount];
        List<CompletableFuture<Long>> written = new ArrayList<>(partCount);
        for (int i = 0; i < partCount; i++) {
            if (i >= CHECKPOINT_PARTS_IN_FLIGHT) {
                positions[i - CHECKPOINT_PARTS_IN_FLIGHT] = join(written.get(i - CHECKPOINT_PARTS_IN_FLIGHT),
                        "checkpoint part");
            }
            int from = snapshot.position() + i * checkpointPartBytes;
            int length = Math.min(checkpointPartBytes, snapshot.limit() - from);
            written.add(wal.append(WalRecords.checkpointPart(snapshot.slice(from, length))));
        }
        for (int i = Math.max(0, partCount - CHECKPOINT_PARTS_IN_FLIGHT); i < partCount; i++) {
            positions[i] = join(written.get(i), "checkpoint part");
        }
        return join(wal.append(WalRecords.checkpointParts(positions)), "checkpoint parts list");
    }

    /** Makes checkpoints bigger than {@code bytes} go out in parts of that size (tests use small parts). */
    synchronized void checkpointPartBytesForTest(int bytes) {
        Checks.argument(bytes > 0, "checkpoint part size must be positive");
        checkpointPartBytes = bytes;
    }

    private static long join(CompletableFuture<Long> future, String what) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw storageError(what, e);
        }
    }

    private void replayRecord(long position, ByteBuffer record) {
        byte type = record.get();
        if (type == WalRecords.MARK || type == WalRecords.CHECKPOINT || type == WalRecords.CHECKPOINT_PART
                || type == WalRecords.CHECKPOINT_PARTS) {
            return; // a checkpoint is loaded only through the checkpoint file, before replay
        }
        long streamId = record.getLong();
        if (type == WalRecords.FENCE) {
            streamFences.merge(streamId, record.getLong(), Math::max);
            return;
        }
        int index = record.getInt();
        RangeKey key = new RangeKey(streamId, index);
        switch (type) {
            case WalRecords.CREATE -> {
                long start = record.getLong();
                long epoch = record.getLong();
                ranges.putIfAbsent(key, new RangeState(key, start, epoch));
            }
            case WalRecords.APPEND -> {
                long epoch = record.getLong();
                long base = record.getLong();
                int count = record.getInt();
                long maxTs = record.getLong();
                RangeState r = ranges.get(key);
                Checks.state(r != null, "WAL append for unknown range %s at %d", key, position);
                Checks.state(base == r.durableEnd, "WAL append for %s at offset %d, expected %d", key, base,
                        r.durableEnd);
                r.epoch = Math.max(r.epoch, epoch);
                r.addDurableBatch(base, count, maxTs, position, record.remaining());
                r.acceptedEnd = r.durableEnd;
            }
            case WalRecords.SEAL -> {
                long epoch = record.getLong();
                long end = record.getLong();
                RangeState r = ranges.get(key);
                Checks.state(r != null, "WAL seal for unknown range %s at %d", key, position);
                r.epoch = Math.max(r.epoch, epoch);
                r.sealAt(end);
            }
            case WalRecords.TRIM -> {
                long newStart = record.getLong();
                RangeState r = ranges.get(key);
                if (r != null) {
                    applyTrim(r, newStart);
                }
            }
            default -> throw new Checks.InvariantViolation("unknown WAL record type " + type + " at " + position);
        }
    }

    /** Ranges this store holds (open and sealed), for the load a range server reports to PD. */
    public int rangeCount() {
        return ranges.size();
    }

    /** Creates a range (idempotent for the same start); completes with the range's current end. */
    public CompletableFuture<Long> createRange(long streamId, int index, long startOffset, long epoch) {
        RangeKey key = new RangeKey(streamId, index);
        if (epoch < streamFence(streamId)) {
            return failed(Status.FENCED, "stream " + streamId + ": epoch " + epoch + " fenced by "
                    + streamFence(streamId) + " (a newer writer found range " + index + " missing here)");
        }
        RangeState existing = ranges.get(key);
        if (existing != null) {
            synchronized (existing) {
                if (existing.startOffset != startOffset) {
                    return failed(Status.INVALID_REQUEST, "range " + key + " exists with start "
                            + existing.startOffset + ", not " + startOffset);
                }
                existing.epoch = Math.max(existing.epoch, epoch);
                return CompletableFuture.completedFuture(existing.acceptedEnd);
            }
        }
        submitLock.readLock().lock();
        try {
            return wal.append(WalRecords.create(streamId, index, startOffset, epoch)).handle((pos, err) -> {
                if (err != null) {
                    throw storageError("create range " + key, err);
                }
                RangeState r = ranges.computeIfAbsent(key, k -> new RangeState(k, startOffset, epoch));
                return r.acceptedEnd;
            });
        } finally {
            submitLock.readLock().unlock();
        }
    }

    /**
     * Appends a batch; completes with the range's durable end once the batch is durable. {@code data}
     * is copied into the WAL record before this returns.
     */
    public CompletableFuture<Long> append(long streamId, int index, long epoch, long baseOffset, int recordCount,
                                          long maxTimestamp, ByteBuffer data) {
        RangeKey key = new RangeKey(streamId, index);
        RangeState r = ranges.get(key);
        if (r == null) {
            return failed(Status.RANGE_NOT_FOUND, "range " + key + " not found");
        }
        if (recordCount <= 0) {
            return failed(Status.INVALID_REQUEST, "append of " + recordCount + " records");
        }
        int dataBytes = data.remaining();
        CompletableFuture<Long> durable;
        // Framed outside the monitor (a copy); rejected appends below waste it, which is rare.
        ByteBuffer record = WalRecords.append(streamId, index, epoch, baseOffset, recordCount, maxTimestamp, data);
        submitLock.readLock().lock();
        try {
            synchronized (r) {
                long fence = Math.max(r.epoch, streamFence(streamId));
                if (epoch < fence) {
                    return failed(Status.FENCED, "range " + key + ": epoch " + epoch + " fenced by " + fence);
                }
                if (r.sealing || r.isSealed()) {
                    return failed(Status.RANGE_SEALED, "range " + key + " is sealed");
                }
                if (r.failed) {
                    return failed(Status.STORAGE_ERROR, "range " + key + " stopped after a storage error");
                }
                if (baseOffset != r.acceptedEnd) {
                    return failed(Status.OFFSET_MISMATCH, "range " + key + ": append at " + baseOffset
                            + " but next offset is " + r.acceptedEnd);
                }
                // Submitted under the monitor so WAL order == acceptance order for this range.
                durable = wal.append(record);
                if (refusedAsOverload(durable)) {
                    // Nothing was queued: the range is unchanged and takes the same append again later.
                    return failed(Status.OVERLOADED, "range server overloaded, append to " + key + " at "
                            + baseOffset + " refused: " + durable.exceptionNow().getMessage());
                }
                r.acceptedEnd = baseOffset + recordCount;
            }
            return durable.handle((position, err) -> {
                synchronized (r) {
                    if (err != null) {
                        r.failed = true;
                        throw storageError("append to " + key, err);
                    }
                    if (!r.isSealed()) {
                        readCache.put(position, record);
                        r.addDurableBatch(baseOffset, recordCount, maxTimestamp, position, dataBytes);
                    }
                    return r.durableEnd;
                }
            });
        } finally {
            submitLock.readLock().unlock();
        }
    }

    /**
     * Seals a range at {@code endOffset}, or at its accepted end when {@code endOffset < 0}; completes
     * with the sealed end once the seal is durable. Sealing an already sealed range at the same end
     * (or with {@code endOffset < 0}) returns that end.
     */
    public CompletableFuture<Long> seal(long streamId, int index, long epoch, long endOffset) {
        submitLock.readLock().lock();
        try {
            return submitSeal(streamId, index, epoch, endOffset);
        } finally {
            submitLock.readLock().unlock();
        }
    }

    private CompletableFuture<Long> submitSeal(long streamId, int index, long epoch, long endOffset) {
        RangeKey key = new RangeKey(streamId, index);
        RangeState r = ranges.get(key);
        if (r == null) {
            return fenceMissingRange(key, epoch);
        }
        long end;
        CompletableFuture<Long> durable;
        synchronized (r) {
            long fence = Math.max(r.epoch, streamFence(streamId));
            if (epoch < fence) {
                return failed(Status.FENCED, "range " + key + ": epoch " + epoch + " fenced by " + fence);
            }
            r.epoch = epoch;
            if (r.isSealed()) {
                if (endOffset >= 0 && endOffset != r.sealedEnd) {
                    return failed(Status.INVALID_REQUEST, "range " + key + " already sealed at " + r.sealedEnd);
                }
                return CompletableFuture.completedFuture(r.sealedEnd);
            }
            end = endOffset < 0 ? r.acceptedEnd : endOffset;
            if (end > r.acceptedEnd || end < r.trimOffset) {
                return failed(Status.OFFSET_OUT_OF_RANGE, "range " + key + ": cannot seal at " + end + ", holds ["
                        + r.trimOffset + ", " + r.acceptedEnd + ")");
            }
            r.sealing = true;
            durable = wal.append(WalRecords.seal(streamId, index, epoch, end));
        }
        return durable.handle((position, err) -> {
            synchronized (r) {
                if (err != null) {
                    r.failed = true;
                    throw storageError("seal " + key, err);
                }
                r.sealAt(end);
                return end;
            }
        });
    }

    /**
     * A seal at {@code epoch} of a range this server does not hold: the new writer will count this replica
     * as holding nothing of it, so no older writer may create or fill it here afterwards (its CreateRange may
     * still be on its way). Makes the stream's fence durable, then answers RANGE_NOT_FOUND.
     */
    private CompletableFuture<Long> fenceMissingRange(RangeKey key, long epoch) {
        CompletableFuture<Long> notFound = failed(Status.RANGE_NOT_FOUND, "range " + key + " not found");
        if (streamFence(key.streamId()) >= epoch) {
            return notFound;
        }
        return wal.append(WalRecords.fence(key.streamId(), epoch)).handle((position, err) -> {
            if (err != null) {
                throw storageError("fence stream " + key.streamId() + " at epoch " + epoch, err);
            }
            streamFences.merge(key.streamId(), epoch, Math::max);
            return null;
        }).thenCompose(v -> notFound);
    }

    /** The lowest epoch that may create or append to {@code streamId}'s ranges here (0: any). */
    private long streamFence(long streamId) {
        if (streamFences.isEmpty()) { // almost always: no lookup (nor boxing) on the append path
            return 0;
        }
        return streamFences.getOrDefault(streamId, 0L);
    }

    /**
     * Trims a range: records below {@code newStartOffset} become unreadable (fetches there fail with
     * OFFSET_OUT_OF_RANGE) and their index entries go. A sealed range trimmed at or past its end, or any
     * range trimmed to {@link #DROPPED} ({@code Long.MAX_VALUE}: how the ranges of a deleted stream are
     * removed), is dropped altogether. An open range's start rises at most to its readable end. Idempotent:
     * a trim at or below the current start, or of a range this server does not hold, changes nothing.
     * Completes, once the trim is durable, with the range's first readable offset, or {@link #DROPPED}.
     */
    public CompletableFuture<Long> trim(long streamId, int index, long newStartOffset) {
        submitLock.readLock().lock();
        try {
            return submitTrim(streamId, index, newStartOffset);
        } finally {
            submitLock.readLock().unlock();
        }
    }

    private CompletableFuture<Long> submitTrim(long streamId, int index, long newStartOffset) {
        RangeKey key = new RangeKey(streamId, index);
        RangeState r = ranges.get(key);
        if (r == null) {
            return CompletableFuture.completedFuture(DROPPED);
        }
        CompletableFuture<Long> durable;
        synchronized (r) {
            if (!r.droppedBy(newStartOffset) && Math.min(newStartOffset, r.readableEnd()) <= r.trimOffset) {
                return CompletableFuture.completedFuture(r.trimOffset);
            }
            if (r.failed) {
                return failed(Status.STORAGE_ERROR, "range " + key + " stopped after a storage error");
            }
            // Submitted under the monitor so the trim takes its place in WAL order among this range's records.
            durable = wal.append(WalRecords.trim(streamId, index, newStartOffset));
        }
        return durable.handle((position, err) -> {
            if (err != null) {
                throw storageError("trim " + key, err);
            }
            return applyTrim(r, newStartOffset);
        });
    }

    private long applyTrim(RangeState r, long newStartOffset) {
        synchronized (r) {
            if (r.droppedBy(newStartOffset)) {
                ranges.remove(r.key, r);
                trims.incrementAndGet();
                LOG.info("Range {} dropped (trimmed to {})", r.key, newStartOffset);
                return DROPPED;
            }
            r.trimTo(newStartOffset);
            trims.incrementAndGet();
            return r.trimOffset;
        }
    }

    /** The range's first readable offset (its start after trims), or -1 if this server does not hold it. */
    public long startOffset(long streamId, int index) {
        RangeState r = ranges.get(new RangeKey(streamId, index));
        if (r == null) {
            return -1;
        }
        synchronized (r) {
            return r.trimOffset;
        }
    }

    /**
     * Reads whole batches from the one containing {@code startOffset}, below {@code endOffset}
     * (exclusive; negative = no bound) and the range's readable end, until about {@code maxBytes}
     * (at least one batch if any). Performs blocking file reads: call it off event loops.
     */
    public FetchResult fetch(long streamId, int index, long startOffset, long endOffset, int maxBytes) {
        RangeKey key = new RangeKey(streamId, index);
        RangeState r = ranges.get(key);
        if (r == null) {
            throw new RangeStoreException(Status.RANGE_NOT_FOUND, "range " + key + " not found");
        }
        List<long[]> picks = new ArrayList<>();
        long rangeEnd;
        synchronized (r) {
            rangeEnd = r.readableEnd();
            if (startOffset < r.trimOffset || startOffset > rangeEnd) {
                throw new RangeStoreException(Status.OFFSET_OUT_OF_RANGE, "range " + key + ": offset " + startOffset
                        + " outside [" + r.trimOffset + ", " + rangeEnd + "]");
            }
            long limit = endOffset < 0 ? rangeEnd : Math.min(endOffset, rangeEnd);
            long bytes = 0;
            for (int i = r.index.find(startOffset); i < r.index.size(); i++) {
                long base = r.index.baseOffset(i);
                if (base >= limit || (!picks.isEmpty() && bytes + r.dataBytes(i) > maxBytes)) {
                    break;
                }
                bytes += r.dataBytes(i);
                picks.add(new long[] {base, r.index.recordCount(i), r.index.maxTimestamp(i), r.index.walPosition(i)});
            }
        }
        List<ReadBatch> batches = new ArrayList<>(picks.size());
        for (long[] p : picks) {
            ByteBuffer record = readCache.get(p[3]);
            if (record == null) {
                record = wal.read(p[3]);
            }
            record.position(WalRecords.APPEND_HEADER_BYTES);
            batches.add(new ReadBatch(p[0], (int) p[1], p[2], record.slice()));
        }
        return new FetchResult(rangeEnd, batches);
    }

    /** The range's readable end, or -1 if this server does not hold it. */
    public long readableEnd(long streamId, int index) {
        RangeState r = ranges.get(new RangeKey(streamId, index));
        if (r == null) {
            return -1;
        }
        synchronized (r) {
            return r.readableEnd();
        }
    }

    /** The range's sealed end, or -1 if this server does not hold it or it is still open. */
    public long sealedEnd(long streamId, int index) {
        RangeState r = ranges.get(new RangeKey(streamId, index));
        if (r == null) {
            return -1;
        }
        synchronized (r) {
            return r.sealedEnd;
        }
    }

    /** The range's epoch (the newest writer's it has seen), or -1 if this server does not hold it. */
    public long epoch(long streamId, int index) {
        RangeState r = ranges.get(new RangeKey(streamId, index));
        if (r == null) {
            return -1;
        }
        synchronized (r) {
            return r.epoch;
        }
    }

    /** Whether the WAL refused a record at once because its queue is full (nothing written, nothing queued). */
    private static boolean refusedAsOverload(CompletableFuture<Long> durable) {
        return durable.isCompletedExceptionally() && durable.exceptionNow() instanceof WalQueueFullException;
    }

    private static <T> CompletableFuture<T> failed(Status status, String message) {
        return CompletableFuture.failedFuture(new RangeStoreException(status, message));
    }

    private static RangeStoreException storageError(String what, Throwable cause) {
        Throwable c = cause instanceof CompletionException && cause.getCause() != null
                ? cause.getCause() : cause;
        LOG.error("Storage error on {}", what, c);
        return new RangeStoreException(Status.STORAGE_ERROR, what + " failed: " + c.getMessage(), c);
    }
}
