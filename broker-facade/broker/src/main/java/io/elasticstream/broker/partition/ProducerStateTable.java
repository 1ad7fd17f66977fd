package io.elasticstream.broker.partition;

import io.elasticstream.placement.api.ProducerSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent and transactional producer state of one partition: per producer id, its epoch, the last
 * {@value #CACHED_BATCHES} batches (sequence range and offsets), the first offset of its open transaction
 * and the epoch of the coordinator that wrote its last marker, as Kafka keeps them; and the partition's
 * index of aborted transactions. Not thread-safe: the owning partition's monitor guards it.
 *
 * <p>Rules (Kafka's {@code ProducerAppendInfo}): an older epoch is rejected; a batch equal to a cached
 * one is a duplicate and answered with the original offset; with a new epoch the first sequence must be
 * 0 (unless the producer is unknown); otherwise the first sequence must follow the last one.
 *
 * <p>A producer this partition has no state for must start at sequence 0, a deliberate deviation: Kafka
 * accepts any sequence there (its state may have gone with retention), which lets a producer's pipelined
 * batches land out of order around a partition move: its first batch answered NOT_LEADER_OR_FOLLOWER (or
 * timed out waiting for the partition to open) while the next one, arriving once the partition was open, was
 * appended. Here the state is never lost (restored from the snapshot and the stream's tail, never expired),
 * so such a batch is OUT_OF_ORDER_SEQUENCE_NUMBER, which the client retries after the earlier one; an
 * idempotent producer that finds its state truly gone (a recreated topic) bumps its epoch and starts again
 * at 0.
 *
 * <p>Transactions (Kafka's {@code ProducerAppendInfo} and {@code appendEndTxnMarker}): a transactional batch
 * opens the producer's transaction on this partition at its base offset if none is open; a
 * non-transactional batch while one is open is INVALID_TXN_STATE. A marker with an older producer epoch is
 * INVALID_PRODUCER_EPOCH, one from an older coordinator epoch TRANSACTION_COORDINATOR_FENCED; a marker
 * closes the open transaction (an abort is added to the aborted index with the marker's offset as its
 * last offset) and takes the marker's epoch as the producer's.
 */
final class ProducerStateTable {
    static final int CACHED_BATCHES = 5;

    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** Aborted transactions in marker order (so by last offset). */
    private final ArrayDeque<ProducerSnapshot.AbortedTxn> aborted = new ArrayDeque<>();

    /** Outcome of {@link #check}: either new (append it) or a duplicate of a batch at {@code baseOffset}. */
    record Check(boolean duplicate, long duplicateBaseOffset) {
        static final Check NEW = new Check(false, -1);
    }

    Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
        return check(producerId, epoch, firstSeq, lastSeq, false);
    }

    /** As {@link #check(long, short, int, int)}, for a batch that is {@code transactional} or not. */
    Check check(long producerId, short epoch, int firstSeq, int lastSeq, boolean transactional) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            if (firstSeq != RecordBatch.NO_SEQUENCE && firstSeq != 0) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                        + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), but this partition"
                        + " has no batch of it: its first batch here must start at sequence 0");
            }
            return Check.NEW;
        }
        if (!transactional && entry.txnFirstOffset >= 0 && epoch >= entry.epoch) {
            throw new InvalidTxnStateException("Expected transactional write from producer " + producerId
                    + " at epoch " + epoch + ": its transaction on this partition is still open");
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("Epoch of producer " + producerId + " is " + epoch
                    + ", which is smaller than the last seen epoch " + entry.epoch);
        }
        if (firstSeq == RecordBatch.NO_SEQUENCE) {
            return Check.NEW; // a coordinator's own transactional write (offsets) carries no sequence
        }
        if (epoch == entry.epoch) {
            for (CachedBatch b : entry.batches) {
                if (b.firstSeq == firstSeq && b.lastSeq == lastSeq) {
                    return new Check(true, b.baseOffset);
                }
            }
            int lastSeen = entry.batches.isEmpty() ? RecordBatch.NO_SEQUENCE : entry.batches.peekLast().lastSeq;
            if (lastSeen != RecordBatch.NO_SEQUENCE && !inSequence(lastSeen, firstSeq)) {
                throw new OutOfOrderSequenceException("Out of order sequence number for producer " + producerId
                        + " at epoch " + epoch + ": " + firstSeq + " (incoming seq. number), " + lastSeen
                        + " (current end sequence number)");
            }
        } else if (firstSeq != 0) {
            throw new OutOfOrderSequenceException("Invalid sequence number for new epoch of producer " + producerId
                    + ": " + epoch + " (request epoch), " + firstSeq + " (seq. number), " + entry.epoch
                    + " (current producer epoch)");
        }
        return Check.NEW;
    }

    /** Records an accepted batch (called in offset order). */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset) {
        update(producerId, epoch, firstSeq, lastSeq, baseOffset, RecordBatch.NO_TIMESTAMP);
    }

    /** Records an accepted batch with its max timestamp (called in offset order). */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset, long maxTimestamp) {
        update(producerId, epoch, firstSeq, lastSeq, baseOffset, maxTimestamp, false);
    }

    /**
     * Records an accepted batch with its max timestamp; a {@code transactional} one opens the producer's
     * transaction here at {@code baseOffset} unless one is open (called in offset order).
     */
    void update(long producerId, short epoch, int firstSeq, int lastSeq, long baseOffset, long maxTimestamp,
                boolean transactional) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
        if (transactional && entry.txnFirstOffset < 0) {
            entry.txnFirstOffset = baseOffset;
        }
        entry.lastTimestamp = maxTimestamp;
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        if (firstSeq == RecordBatch.NO_SEQUENCE) {
            return;
        }
        entry.batches.addLast(new CachedBatch(firstSeq, lastSeq, baseOffset));
        if (entry.batches.size() > CACHED_BATCHES) {
            entry.batches.removeFirst();
        }
    }

    /**
     * Checks that a transaction marker of {@code producerId} at {@code epoch}, from the coordinator at
     * {@code coordinatorEpoch}, may be written.
     */
    void checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return;
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("Marker epoch " + epoch + " of producer " + producerId
                    + " is older than its current epoch " + entry.epoch);
        }
        if (coordinatorEpoch < entry.coordinatorEpoch) {
            throw new TransactionCoordinatorFencedException("Marker of producer " + producerId
                    + " from coordinator epoch " + coordinatorEpoch + ", older than " + entry.coordinatorEpoch);
        }
    }

    /**
     * Records a transaction marker written at {@code markerOffset}: ends the producer's open transaction,
     * indexing it as aborted unless {@code commit}.
     */
    void endTxn(long producerId, short epoch, boolean commit, long markerOffset, int coordinatorEpoch) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        entry.coordinatorEpoch = coordinatorEpoch;
        if (!commit && entry.txnFirstOffset >= 0) {
            aborted.addLast(new ProducerSnapshot.AbortedTxn(producerId, entry.txnFirstOffset, markerOffset));
        }
        entry.txnFirstOffset = -1;
    }

    /** Whether {@code producerId} at {@code epoch} has a transaction open on this partition. */
    boolean hasOpenTransaction(long producerId, short epoch) {
        ProducerEntry e = producers.get(producerId);
        return e != null && e.epoch == epoch && e.txnFirstOffset >= 0;
    }

    /** The first offset of the oldest open transaction, or {@code Long.MAX_VALUE} if none is open. */
    long firstOpenTxnOffset() {
        long min = Long.MAX_VALUE;
        for (ProducerEntry e : producers.values()) {
            if (e.txnFirstOffset >= 0) {
                min = Math.min(min, e.txnFirstOffset);
            }
        }
        return min;
    }

    /**
     * The aborted transactions a fetch of {@code [from, upTo)} must be told of (Kafka's
     * {@code collectAbortedTransactions}): those ending at or after {@code from} and starting before {@code upTo}.
     */
    List<ProducerSnapshot.AbortedTxn> abortedTxns(long from, long upTo) {
        List<ProducerSnapshot.AbortedTxn> out = new ArrayList<>(0);
        for (ProducerSnapshot.AbortedTxn a : aborted) {
            if (a.lastOffset() >= from && a.firstOffset() < upTo) {
                out.add(a);
            }
        }
        return out;
    }

    /** Forgets the aborted transactions that end below {@code logStartOffset}: no fetch can reach them. */
    void forgetAbortedBelow(long logStartOffset) {
        while (!aborted.isEmpty() && aborted.peekFirst().lastOffset() < logStartOffset) {
            aborted.removeFirst();
        }
    }

    /** Every producer with state here, by producer id. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>();
        producers.forEach((id, e) -> out.add(new ActiveProducer(id, e.epoch,
                e.batches.isEmpty() ? RecordBatch.NO_SEQUENCE : e.batches.peekLast().lastSeq, e.lastTimestamp,
                e.coordinatorEpoch, e.txnFirstOffset)));
        out.sort(Comparator.comparingLong(ActiveProducer::producerId));
        return out;
    }

    /**
     * The state as a snapshot covering offsets below {@code offset}; the caller guarantees every batch
     * recorded here is below it (e.g. a table fed only confirmed batches).
     */
    ProducerSnapshot snapshot(long offset, long logStartOffset, long sizeBytes) {
        List<ProducerSnapshot.Producer> out = new ArrayList<>(producers.size());
        producers.forEach((id, e) -> out.add(new ProducerSnapshot.Producer(id, e.epoch, e.lastTimestamp,
                e.batches.stream().map(b -> new ProducerSnapshot.Batch(b.firstSeq, b.lastSeq, b.baseOffset)).toList(),
                e.txnFirstOffset, e.coordinatorEpoch)));
        out.sort(Comparator.comparingLong(ProducerSnapshot.Producer::producerId));
        forgetAbortedBelow(logStartOffset);
        return new ProducerSnapshot(offset, logStartOffset, sizeBytes, out, List.copyOf(aborted));
    }

    /** Replaces the state with {@code snapshot}'s. */
    void restore(ProducerSnapshot snapshot) {
        producers.clear();
        for (ProducerSnapshot.Producer p : snapshot.producers()) {
            ProducerEntry entry = new ProducerEntry();
            entry.epoch = p.epoch();
            entry.lastTimestamp = p.lastTimestamp();
            entry.txnFirstOffset = p.currentTxnFirstOffset();
            entry.coordinatorEpoch = p.coordinatorEpoch();
            for (ProducerSnapshot.Batch b : p.batches()) {
                entry.batches.addLast(new CachedBatch(b.firstSeq(), b.lastSeq(), b.baseOffset()));
            }
            while (entry.batches.size() > CACHED_BATCHES) {
                entry.batches.removeFirst();
            }
            producers.put(p.producerId(), entry);
        }
        aborted.clear();
        aborted.addAll(snapshot.abortedTxns());
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    private static final class ProducerEntry {
        short epoch = RecordBatch.NO_PRODUCER_EPOCH;
        long lastTimestamp = RecordBatch.NO_TIMESTAMP;
        /** First offset of the open transaction on this partition; -1: none. */
        long txnFirstOffset = -1;
        int coordinatorEpoch = -1;
        final ArrayDeque<CachedBatch> batches = new ArrayDeque<>(CACHED_BATCHES + 1);
    }

    private record CachedBatch(int firstSeq, int lastSeq, long baseOffset) {
    }
}
