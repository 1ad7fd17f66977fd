package io.elasticstream.broker.partition;

import io.elasticstream.placement.api.ProducerSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the last
 * {@value #CACHED_BATCHES} batches (sequence range and offsets), as Kafka keeps them. Not thread-safe:
 * the owning partition's monitor guards it.
 *
 * <p>Rules (Kafka's {@code ProducerAppendInfo}): an older epoch is rejected; a batch equal to a cached
 * one is a duplicate and answered with the original offset; with a new epoch the first sequence must be
 * 0 (unless the producer is unknown); otherwise the first sequence must follow the last one. A producer
 * this partition has no state for may start at any sequence.
 */
final class ProducerStateTable {
    static final int CACHED_BATCHES = 5;

    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    /** Outcome of {@link #check}: either new (append it) or a duplicate of a batch at {@code baseOffset}. */
    record Check(boolean duplicate, long duplicateBaseOffset) {
        static final Check NEW = new Check(false, -1);
    }

    Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return Check.NEW;
        }
        if (epoch < entry.epoch) {
            throw new InvalidProducerEpochException("Epoch of producer " + producerId + " is " + epoch
                    + ", which is smaller than the last seen epoch " + entry.epoch);
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
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry());
        entry.lastTimestamp = maxTimestamp;
        if (epoch != entry.epoch) {
            entry.epoch = epoch;
            entry.batches.clear();
        }
        entry.batches.addLast(new CachedBatch(firstSeq, lastSeq, baseOffset));
        if (entry.batches.size() > CACHED_BATCHES) {
            entry.batches.removeFirst();
        }
    }

    /** Every producer with state here, by producer id. */
    List<ActiveProducer> activeProducers() {
        List<ActiveProducer> out = new ArrayList<>();
        producers.forEach((id, e) -> out.add(new ActiveProducer(id, e.epoch,
                e.batches.isEmpty() ? RecordBatch.NO_SEQUENCE : e.batches.peekLast().lastSeq, e.lastTimestamp)));
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
                e.batches.stream().map(b -> new ProducerSnapshot.Batch(b.firstSeq, b.lastSeq, b.baseOffset)).toList())));
        out.sort(Comparator.comparingLong(ProducerSnapshot.Producer::producerId));
        return new ProducerSnapshot(offset, logStartOffset, sizeBytes, out);
    }

    /** Replaces the state with {@code snapshot}'s. */
    void restore(ProducerSnapshot snapshot) {
        producers.clear();
        for (ProducerSnapshot.Producer p : snapshot.producers()) {
            ProducerEntry entry = new ProducerEntry();
            entry.epoch = p.epoch();
            entry.lastTimestamp = p.lastTimestamp();
            for (ProducerSnapshot.Batch b : p.batches()) {
                entry.batches.addLast(new CachedBatch(b.firstSeq(), b.lastSeq(), b.baseOffset()));
            }
            while (entry.batches.size() > CACHED_BATCHES) {
                entry.batches.removeFirst();
            }
            producers.put(p.producerId(), entry);
        }
    }

    private static boolean inSequence(int lastSeq, int nextSeq) {
        return nextSeq == lastSeq + 1L || (nextSeq == 0 && lastSeq == Integer.MAX_VALUE);
    }

    private static final class ProducerEntry {
        short epoch = RecordBatch.NO_PRODUCER_EPOCH;
        long lastTimestamp = RecordBatch.NO_TIMESTAMP;
        final ArrayDeque<CachedBatch> batches = new ArrayDeque<>(CACHED_BATCHES + 1);
    }

    private record CachedBatch(int firstSeq, int lastSeq, long baseOffset) {
    }
}
