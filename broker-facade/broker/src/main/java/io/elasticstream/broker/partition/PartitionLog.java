package io.elasticstream.broker.partition;

import io.elasticstream.broker.records.BatchValidator;
import io.elasticstream.broker.records.ProducedBatch;
import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamException;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition this broker owns, on its stream. The high watermark is the stream's confirmed offset;
 * the log start offset is the stream's start, moved up by {@link #trimTo} (DeleteRecords, retention).
 * {@link #sizeBytes()} counts the bytes of the batches holding readable records, for
 * {@code retention.bytes}.
 *
 * <p>Producer-state snapshots: with a {@link PlacementService} the log stores, through PD, the idempotent
 * producer state of its confirmed batches (with the log start and size it goes with) every
 * {@code snapshotIntervalBatches} confirmed batches, after each trim and when it closes; on open it loads
 * the snapshot and reads only the batches from the snapshot's offset to the high watermark (from the log
 * start if the start moved since the snapshot, to recount the size).
 */
public final class PartitionLog {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLog.class);
    private static final int REBUILD_READ_BYTES = 4 * 1024 * 1024;
    /** Scans usually stop after a batch or two (retention): read little at a time. */
    private static final int SCAN_READ_BYTES = 64 * 1024;

    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final Stream stream;
    private final int leaderEpoch;
    private final ProducerStateTable producers = new ProducerStateTable();
    /** Producer state of the confirmed batches only: what a snapshot holds. Guarded by this. */
    private final ProducerStateTable confirmedProducers = new ProducerStateTable();
    /** KIP-890: the producers whose transaction's first batch here the coordinator is confirming. */
    private final TxnVerifications verifications = new TxnVerifications();
    /** Appended batches, in offset order, not yet counted in {@link #sizeBytes} and {@link #confirmedProducers}. */
    private final ArrayDeque<Appended> unconfirmed = new ArrayDeque<>();
    /** Where snapshots go; null: none are taken or loaded. */
    private final PlacementService placement;
    private final int snapshotIntervalBatches;
    private final AtomicInteger batchesSinceSnapshot = new AtomicInteger();
    private final AtomicBoolean snapshotting = new AtomicBoolean();
    /** The offset of the last snapshot stored or loaded, -1 if none. */
    private volatile long snapshotOffset = -1;
    /** Bytes of the batches read while opening (a measure of how much of the stream open read). */
    private final AtomicLong openReadBytes = new AtomicLong();
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    /** Appends of idempotent batches not yet confirmed, by base offset: what a retry of one waits for. */
    private final Map<Long, CompletableFuture<Long>> unconfirmedIdempotent = new ConcurrentHashMap<>();
    private volatile boolean failed;
    /** Closed by the partition manager (moved away, deleted, shutdown): appends answer NOT_LEADER_OR_FOLLOWER. */
    private volatile boolean closed;
    /** Bytes of the confirmed batches that hold at least one record at or above the log start offset. */
    private final AtomicLong sizeBytes = new AtomicLong();
    private final Object trimLock = new Object();
    /** The last trim in progress; trims run one after the other. Guarded by {@link #trimLock}. */
    private CompletableFuture<Long> lastTrim = CompletableFuture.completedFuture(0L);
    /** The log start offset of the last snapshot stored, -1 if none. */
    private volatile long lastSnapshotStart = -1;

    private PartitionLog(TopicPartition topicPartition, Uuid topicId, Stream stream, PlacementService placement,
                         int snapshotIntervalBatches) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.stream = stream;
        this.placement = placement;
        this.snapshotIntervalBatches = snapshotIntervalBatches;
        this.leaderEpoch = Math.toIntExact(stream.epoch());
        stream.onConfirmed(this::wakeWaiters);
    }

    /** Wraps a freshly opened stream, rebuilding producer state from all the stream's batches (no snapshots). */
    static CompletableFuture<PartitionLog> open(TopicPartition tp, Uuid topicId, Stream stream) {
        return open(tp, topicId, stream, null, Integer.MAX_VALUE);
    }

    /**
     * Wraps a freshly opened stream, rebuilding producer state from the stream's snapshot at PD, if any,
     * and the batches after it; stores a new snapshot every {@code snapshotIntervalBatches} confirmed batches.
     */
    static CompletableFuture<PartitionLog> open(TopicPartition tp, Uuid topicId, Stream stream,
                                                PlacementService placement, int snapshotIntervalBatches) {
        return open(tp, topicId, stream, placement, snapshotIntervalBatches,
                readSnapshot(tp, placement, stream.streamId()));
    }

    /**
     * As above, with the producer snapshot already asked for ({@link #readSnapshot}), e.g. while the stream
     * was being opened: a snapshot read before the stream's epoch was raised is at worst older than the
     * newest one, which only means reading more of the stream tail.
     */
    static CompletableFuture<PartitionLog> open(TopicPartition tp, Uuid topicId, Stream stream,
                                                PlacementService placement, int snapshotIntervalBatches,
                                                CompletableFuture<Optional<ProducerSnapshot>> snapshot) {
        PartitionLog log = new PartitionLog(tp, topicId, stream, placement, snapshotIntervalBatches);
        return snapshot.thenCompose(s -> log.loadState(s.orElse(null))).thenApply(v -> log);
    }

    /** The stream's producer snapshot at PD, or empty when there is none or it cannot be read (never fails). */
    static CompletableFuture<Optional<ProducerSnapshot>> readSnapshot(TopicPartition tp, PlacementService placement,
                                                                      long streamId) {
        return placement == null
                ? CompletableFuture.completedFuture(Optional.empty())
                : placement.producerSnapshot(streamId).exceptionally(err -> {
                    LOG.warn("{}: could not read the producer snapshot; reading the whole stream: {}", tp,
                            err.toString());
                    return Optional.empty();
                });
    }

    private CompletableFuture<Void> loadState(ProducerSnapshot snapshot) {
        long start = stream.startOffset();
        long highWatermark = stream.confirmedOffset();
        if (snapshot == null) {
            return rebuildState(start, start);
        }
        if (snapshot.offset() > highWatermark) {
            LOG.warn("{}: ignoring the producer snapshot at {}, above the high watermark {}", topicPartition,
                    snapshot.offset(), highWatermark);
            return rebuildState(start, start);
        }
        producers.restore(snapshot);
        confirmedProducers.restore(snapshot);
        snapshotOffset = snapshot.offset();
        lastSnapshotStart = snapshot.logStartOffset();
        if (snapshot.logStartOffset() == start) {
            sizeBytes.set(snapshot.sizeBytes());
            return rebuildState(snapshot.offset(), snapshot.offset());
        }
        // The start moved since the snapshot: producer state from the snapshot on, sizes from the start.
        return rebuildState(start, Math.max(start, snapshot.offset()));
    }

    /**
     * Reads the confirmed batches from the one holding {@code from}, counting their sizes, and recording
     * the producer state of those at or above {@code stateFrom}. Runs before the log is published.
     */
    private CompletableFuture<Void> rebuildState(long from, long stateFrom) {
        if (from >= stream.confirmedOffset()) {
            return CompletableFuture.completedFuture(null);
        }
        return stream.fetch(from, REBUILD_READ_BYTES).thenCompose(batches -> {
            long next = from;
            try {
                for (StoredBatch b : batches) {
                    int size = b.data().readableBytes();
                    openReadBytes.addAndGet(size);
                    StoredBatchHeader h = StoredBatchHeader.read(b.data().nioBuffer());
                    if (h.hasProducerId() && b.baseOffset() >= stateFrom) {
                        synchronized (this) {
                            record(producers, h, b.baseOffset(), b.maxTimestamp());
                            record(confirmedProducers, h, b.baseOffset(), b.maxTimestamp());
                        }
                    }
                    sizeBytes.addAndGet(size);
                    next = b.endOffset();
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            if (next == from) {
                return CompletableFuture.failedFuture(new IllegalStateException(topicPartition
                        + ": no progress rebuilding producer state at offset " + from));
            }
            return rebuildState(next, stateFrom);
        });
    }

    /** Records a stored batch of a producer (data or transaction marker) in {@code table}. */
    private static void record(ProducerStateTable table, StoredBatchHeader h, long baseOffset, long maxTimestamp) {
        if (h.marker() != null) {
            table.endTxn(h.producerId(), h.producerEpoch(), h.marker().commit(), baseOffset,
                    h.marker().coordinatorEpoch());
        } else {
            table.update(h.producerId(), h.producerEpoch(), h.baseSequence(), h.lastSequence(), baseOffset,
                    maxTimestamp, h.transactional());
        }
    }

    /** Bytes of the batches this log read while opening: with a snapshot, only the stream's tail. */
    public long openReadBytes() {
        return openReadBytes.get();
    }

    /** The offset of the last producer snapshot this log stored or loaded, -1 if none. */
    public long snapshotOffset() {
        return snapshotOffset;
    }

    /**
     * Stores a producer snapshot of the confirmed batches at PD now (unless one is being stored, a trim is
     * in progress, or nothing was confirmed since the last). Never fails: a snapshot that cannot be stored
     * (e.g. fenced by a newer owner) is skipped, as the next open reads more of the stream instead.
     */
    public CompletableFuture<Void> snapshot() {
        if (placement == null || !snapshotting.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        ProducerSnapshot snapshot;
        synchronized (trimLock) {
            if (!lastTrim.isDone()) {
                snapshotting.set(false);
                return CompletableFuture.completedFuture(null);
            }
            synchronized (this) {
                long highWatermark = stream.confirmedOffset();
                countConfirmed(highWatermark);
                if (highWatermark <= snapshotOffset && stream.startOffset() == lastSnapshotStart) {
                    snapshotting.set(false);
                    return CompletableFuture.completedFuture(null);
                }
                snapshot = confirmedProducers.snapshot(highWatermark, stream.startOffset(), sizeBytes.get());
            }
        }
        batchesSinceSnapshot.set(0);
        return placement.putProducerSnapshot(stream.streamId(), stream.epoch(), snapshot).handle((v, err) -> {
            if (err == null) {
                snapshotOffset = snapshot.offset();
                lastSnapshotStart = snapshot.logStartOffset();
            } else {
                LOG.info("{}: producer snapshot at {} not stored: {}", topicPartition, snapshot.offset(), err.toString());
            }
            snapshotting.set(false);
            return null;
        });
    }

    /** Counts the appended batches now below {@code highWatermark} as confirmed. Holds this. */
    private void countConfirmed(long highWatermark) {
        Appended a;
        while ((a = unconfirmed.peekFirst()) != null && a.baseOffset < highWatermark) {
            unconfirmed.removeFirst();
            sizeBytes.addAndGet(a.sizeBytes);
            if (a.marker != null) {
                confirmedProducers.endTxn(a.producerId, a.producerEpoch, a.marker.commit(), a.baseOffset,
                        a.marker.coordinatorEpoch());
            } else if (a.producerId >= 0) {
                confirmedProducers.update(a.producerId, a.producerEpoch, a.firstSeq, a.lastSeq, a.baseOffset,
                        a.maxTimestamp, a.transactional);
            }
        }
    }

    private void onConfirmed() {
        synchronized (this) {
            countConfirmed(stream.confirmedOffset());
        }
        if (placement != null && batchesSinceSnapshot.incrementAndGet() >= snapshotIntervalBatches) {
            // Not on this thread: it may hold this log's monitor (an append confirmed at once), and
            // snapshot() takes the trim lock before the monitor.
            CompletableFuture.runAsync(this::snapshot);
        }
    }

    /**
     * A batch appended here, by its producer (-1 if none) and base offset; {@code marker} is set for a
     * transaction marker.
     */
    private record Appended(long baseOffset, int sizeBytes, long producerId, short producerEpoch, int firstSeq,
                            int lastSeq, long maxTimestamp, boolean transactional, StoredBatchHeader.Marker marker) {
        static Appended of(long baseOffset, int sizeBytes, ProducedBatch batch) {
            return batch.hasProducerId()
                    ? new Appended(baseOffset, sizeBytes, batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence(), batch.maxTimestamp(), batch.isTransactional(),
                            null)
                    : new Appended(baseOffset, sizeBytes, -1, (short) -1, -1, -1, -1, false, null);
        }
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public long streamId() {
        return stream.streamId();
    }

    /** The idempotent producers with state in this partition, by producer id. */
    public synchronized List<ActiveProducer> activeProducers() {
        return producers.activeProducers();
    }

    public int leaderEpoch() {
        return leaderEpoch;
    }

    public long highWatermark() {
        return stream.confirmedOffset();
    }

    public long logStartOffset() {
        return stream.startOffset();
    }

    /** The offset the next append will get (above the high watermark while appends are unconfirmed). */
    public long logEndOffset() {
        return stream.nextOffset();
    }

    /** Bytes of the batches holding records in {@code [logStartOffset, highWatermark)}. */
    public long sizeBytes() {
        return sizeBytes.get();
    }

    public boolean isFailed() {
        return failed;
    }

    /**
     * Validates and appends the batches of one produce request; completes with the base offset of the
     * first batch once every batch is confirmed. A retried batch of an idempotent producer completes
     * with the offset it was first written at, without writing it again, once that first write is
     * confirmed.
     */
    public CompletableFuture<Long> append(MemoryRecords records, int maxBatchBytes) {
        if (closed) {
            return CompletableFuture.failedFuture(notLeader());
        }
        List<ProducedBatch> batches = BatchValidator.validate(records, maxBatchBytes);
        List<CompletableFuture<Long>> appended = new ArrayList<>(batches.size());
        synchronized (this) {
            for (ProducedBatch batch : batches) {
                if (batch.hasProducerId()) {
                    ProducerStateTable.Check check = producers.check(batch.producerId(), batch.producerEpoch(),
                            batch.baseSequence(), batch.lastSequence(), batch.isTransactional());
                    if (check.duplicate()) {
                        appended.add(duplicateOf(check.duplicateBaseOffset(), batch.recordCount()));
                        continue;
                    }
                    if (batch.isTransactional() && !verifications.isConfirmed(batch.producerId())
                            && !producers.hasOpenTransaction(batch.producerId(), batch.producerEpoch())) {
                        throw new InvalidTxnStateException("Record was not part of an ongoing transaction");
                    }
                }
                long[] base = {-1};
                int size = batch.bytes().remaining();
                CompletableFuture<AppendResult> written = stream.append(batch.recordCount(), batch.maxTimestamp(),
                        Unpooled.wrappedBuffer(batch.bytes()), (data, baseOffset) -> {
                            batch.stamp(baseOffset, leaderEpoch);
                            base[0] = baseOffset;
                        });
                if (base[0] >= 0) {
                    unconfirmed.addLast(Appended.of(base[0], size, batch));
                }
                // Only now: a batch confirmed at once must find itself among the unconfirmed ones.
                CompletableFuture<Long> f = confirmed(written);
                if (batch.hasProducerId() && base[0] >= 0) {
                    producers.update(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                            batch.lastSequence(), base[0], batch.maxTimestamp(), batch.isTransactional());
                    if (batch.isTransactional()) {
                        verifications.end(batch.producerId());
                    }
                    long baseOffset = base[0];
                    unconfirmedIdempotent.put(baseOffset, f);
                    f.whenComplete((ok, err) -> unconfirmedIdempotent.remove(baseOffset, f));
                }
                failOnStreamError(f);
                appended.add(f);
            }
        }
        return CompletableFuture.allOf(appended.toArray(CompletableFuture[]::new))
                .handle((v, err) -> {
                    if (err == null) {
                        return appended.getFirst().join();
                    }
                    // Closed under an append in flight: the partition moved (or is going away), so the
                    // producer should look for the new owner; a write that did land is found there by
                    // the idempotent producer's sequence check.
                    if (closed) {
                        throw new CompletionException(notLeader());
                    }
                    throw err instanceof CompletionException ce ? ce : new CompletionException(err);
                });
    }

    /**
     * Writes a transaction marker of {@code producerId} (WriteTxnMarkers): ends its transaction on this
     * partition, as committed or aborted; completes with the marker's offset once confirmed. Fails with
     * INVALID_PRODUCER_EPOCH for an epoch older than the producer's, TRANSACTION_COORDINATOR_FENCED for an
     * older coordinator epoch than its last marker's, NOT_LEADER_OR_FOLLOWER once closed.
     */
    public CompletableFuture<Long> appendMarker(long producerId, short producerEpoch, boolean commit,
                                                int coordinatorEpoch, long timestampMs) {
        if (closed) {
            return CompletableFuture.failedFuture(notLeader());
        }
        ProducedBatch marker = ProducedBatch.endTxnMarker(producerId, producerEpoch, commit, coordinatorEpoch,
                timestampMs);
        CompletableFuture<Long> f;
        synchronized (this) {
            producers.checkMarker(producerId, producerEpoch, coordinatorEpoch);
            long[] base = {-1};
            CompletableFuture<AppendResult> written = stream.append(1, timestampMs,
                    Unpooled.wrappedBuffer(marker.bytes()), (data, baseOffset) -> {
                        marker.stamp(baseOffset, leaderEpoch);
                        base[0] = baseOffset;
                    });
            if (base[0] >= 0) {
                unconfirmed.addLast(new Appended(base[0], marker.sizeInBytes(), producerId, producerEpoch, -1, -1,
                        timestampMs, false, new StoredBatchHeader.Marker(commit, coordinatorEpoch)));
                producers.endTxn(producerId, producerEpoch, commit, base[0], coordinatorEpoch);
                verifications.end(producerId);
            }
            f = confirmed(written);
        }
        failOnStreamError(f);
        return f.exceptionallyCompose(err -> closed ? CompletableFuture.failedFuture(notLeader())
                : CompletableFuture.failedFuture(err));
    }

    /**
     * The base offset of {@code written} once it is confirmed, after its confirmation is counted
     * ({@link #onConfirmed}). Called holding this log's monitor once the append is among {@link #unconfirmed}:
     * a confirmation arriving meanwhile on another thread waits for the monitor, and one that already arrived
     * is counted here, so no confirmed batch is left uncounted (which would hold the last stable offset back
     * at an ended transaction until the next append).
     */
    private CompletableFuture<Long> confirmed(CompletableFuture<AppendResult> written) {
        return written.thenApply(r -> {
            onConfirmed();
            return r.baseOffset();
        });
    }

    /** Marks the log failed if {@code append} fails for another reason than back-pressure. */
    private void failOnStreamError(CompletableFuture<Long> append) {
        append.whenComplete((ok, err) -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause != null && !(cause instanceof StreamException.Backpressure)) {
                failed = true; // the stream stopped; the partition manager reopens it
            }
        });
    }

    /**
     * Begins the KIP-890 verification of a transactional write of {@code producerId} at {@code epoch}: null
     * when the producer has a transaction open here (by appended batches), so the write needs none; else the
     * token to {@link #confirmTxnVerification confirm} once the coordinator answered. A transactional batch
     * that would open the producer's transaction here is refused (INVALID_TXN_STATE) unless its verification
     * was confirmed, and no marker of the producer was written since it began.
     */
    public synchronized TxnVerifications.Token beginTxnVerification(long producerId, short epoch) {
        return producers.hasOpenTransaction(producerId, epoch) ? null : verifications.begin(producerId);
    }

    /** The coordinator's answer to {@link #beginTxnVerification}: the partition is in the transaction or not. */
    public synchronized void confirmTxnVerification(long producerId, TxnVerifications.Token token,
                                                    boolean inTransaction) {
        verifications.confirm(producerId, token, inTransaction);
    }

    /**
     * The last stable offset: the high watermark, or the first offset of the oldest transaction still open
     * on this partition (by appended or by confirmed batches) if lower. {@code read_committed} reads stop here.
     */
    public synchronized long lastStableOffset() {
        long highWatermark = stream.confirmedOffset();
        return Math.min(highWatermark, Math.min(producers.firstOpenTxnOffset(), confirmedProducers.firstOpenTxnOffset()));
    }

    /** The aborted transactions a {@code read_committed} fetch of {@code [from, upTo)} must be told of. */
    public synchronized List<ProducerSnapshot.AbortedTxn> abortedTxns(long from, long upTo) {
        return producers.abortedTxns(from, upTo);
    }

    /**
     * The answer to a retried batch first written at {@code baseOffset}: as Kafka, only once the original is
     * confirmed (acks=all), so a producer is never told a write succeeded that might still fail. While the
     * original is in flight the retry shares its outcome; if the original failed, or is not confirmed and no
     * longer tracked (the stream stopped), the retry fails with a retriable error and the producer tries again.
     */
    private CompletableFuture<Long> duplicateOf(long baseOffset, int recordCount) {
        CompletableFuture<Long> original = unconfirmedIdempotent.get(baseOffset);
        if (original != null) {
            return original;
        }
        if (baseOffset + recordCount <= stream.confirmedOffset()) {
            return CompletableFuture.completedFuture(baseOffset);
        }
        return CompletableFuture.failedFuture(new KafkaStorageException("partition " + topicPartition
                + ": the first write of this batch at offset " + baseOffset + " was not confirmed"));
    }

    private NotLeaderOrFollowerException notLeader() {
        return new NotLeaderOrFollowerException("partition " + topicPartition + " is no longer served by this broker");
    }

    /** Whole confirmed batches from the one containing {@code offset}; see {@link Stream#fetch}. */
    public CompletableFuture<List<StoredBatch>> read(long offset, int maxBytes) {
        return stream.fetch(offset, maxBytes);
    }

    /**
     * Moves the log start offset up to {@code offset} (Kafka's {@code maybeIncrementLogStartOffset}):
     * completes with the log start offset now in effect; an offset at or below the current start
     * changes nothing. Fails with {@link OffsetOutOfRangeException} above the high watermark. Trims run
     * one at a time, in call order.
     */
    public CompletableFuture<Long> trimTo(long offset) {
        synchronized (trimLock) {
            CompletableFuture<Long> trim = lastTrim.handle((v, e) -> null).thenCompose(v -> trimNow(offset));
            lastTrim = trim;
            return trim;
        }
    }

    private CompletableFuture<Long> trimNow(long offset) {
        long start = stream.startOffset();
        long highWatermark = stream.confirmedOffset();
        if (offset > highWatermark) {
            return CompletableFuture.failedFuture(new OffsetOutOfRangeException("Cannot increment the log start offset to "
                    + offset + " of partition " + topicPartition + " since it is larger than the high watermark "
                    + highWatermark));
        }
        if (offset <= start) {
            return CompletableFuture.completedFuture(start);
        }
        // Count the bytes leaving before trimming: below the new start they are no longer readable.
        return bytesOfBatchesEndingBy(start, offset, 0).thenCompose(trimmedBytes -> stream.trim(offset)
                .thenApply(newStart -> {
                    sizeBytes.addAndGet(-trimmedBytes);
                    synchronized (this) {
                        producers.forgetAbortedBelow(newStart);
                    }
                    return newStart;
                })).whenComplete((newStart, err) -> {
                    if (err == null) {
                        // After this trim is done, so the snapshot's start and size agree.
                        CompletableFuture.runAsync(this::snapshot);
                    }
                });
    }

    /** Sums the sizes of the batches from the one holding {@code from} that end at or below {@code until}. */
    private CompletableFuture<Long> bytesOfBatchesEndingBy(long from, long until, long sum) {
        return stream.fetch(from, REBUILD_READ_BYTES).thenCompose(batches -> {
            long total = sum;
            long next = from;
            boolean done = batches.isEmpty();
            try {
                for (StoredBatch b : batches) {
                    if (b.endOffset() > until) {
                        done = true;
                        break;
                    }
                    total += b.data().readableBytes();
                    next = b.endOffset();
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            return done || next >= until ? CompletableFuture.completedFuture(total)
                    : bytesOfBatchesEndingBy(next, until, total);
        });
    }

    /**
     * Scans whole batches from the log start offset, in order, until {@code visitor} returns false or the
     * high watermark is reached. The visitor must not keep the batches.
     */
    public CompletableFuture<Void> scanFromStart(BatchVisitor visitor) {
        return scan(stream.startOffset(), visitor);
    }

    private CompletableFuture<Void> scan(long from, BatchVisitor visitor) {
        if (from >= stream.confirmedOffset()) {
            return CompletableFuture.completedFuture(null);
        }
        return stream.fetch(from, SCAN_READ_BYTES).thenCompose(batches -> {
            long next = from;
            boolean more = !batches.isEmpty();
            try {
                for (StoredBatch b : batches) {
                    if (!visitor.visit(b.baseOffset(), b.endOffset(), b.maxTimestamp(), b.data().readableBytes())) {
                        more = false;
                        break;
                    }
                    next = b.endOffset();
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            return more ? scan(next, visitor) : CompletableFuture.completedFuture(null);
        });
    }

    /** Sees one stored batch of a {@link #scanFromStart} scan; returns whether to go on. */
    @FunctionalInterface
    public interface BatchVisitor {
        boolean visit(long baseOffset, long endOffset, long maxTimestamp, int sizeBytes);
    }

    /** Runs {@code waiter} once, the next time the high watermark advances (or at close). */
    public void awaitAppend(Runnable waiter) {
        waiters.add(waiter);
    }

    private void wakeWaiters() {
        Runnable r;
        while ((r = waiters.poll()) != null) {
            r.run();
        }
    }

    /** Closes the log; completes once its last producer snapshot is stored (or skipped). */
    CompletableFuture<Void> close() {
        closed = true;
        failed = true;
        CompletableFuture<Void> snapshot = snapshot();
        stream.close();
        wakeWaiters();
        return snapshot;
    }

    @Override
    public String toString() {
        return topicPartition + "@epoch" + leaderEpoch;
    }
}
