package io.elasticstream.placement.api;

import java.util.List;

/**
 * Idempotent and transactional producer state of a partition's stream as of offset {@code offset}
 * (exclusive): what the broker rebuilds from the stream's batches below it, so that on open it reads only
 * the batches from there on. {@code logStartOffset} and {@code sizeBytes} are the stream's start and the
 * bytes of its readable confirmed batches as of the snapshot, letting the broker skip the scan for size too
 * while the start has not moved. {@code abortedTxns} is the partition's index of aborted transactions
 * (Kafka's {@code .txnindex}) whose abort marker is below {@code offset} and at or above the log start,
 * in marker order: what {@code read_committed} fetches are answered with.
 */
public record ProducerSnapshot(long offset, long logStartOffset, long sizeBytes, List<Producer> producers,
                               List<AbortedTxn> abortedTxns) {
    /** At most this many batches per producer (Kafka's cache of the last five). */
    public static final int MAX_BATCHES = 5;

    public ProducerSnapshot {
        producers = List.copyOf(producers);
        abortedTxns = List.copyOf(abortedTxns);
    }

    /** A snapshot with no aborted transactions. */
    public ProducerSnapshot(long offset, long logStartOffset, long sizeBytes, List<Producer> producers) {
        this(offset, logStartOffset, sizeBytes, producers, List.of());
    }

    /**
     * One producer id: its epoch, the max timestamp of its last batch, its last batches in offset order, the
     * first offset of its transaction open on this partition (-1: none) and the epoch of the transaction
     * coordinator that wrote its last marker here (-1: none).
     */
    public record Producer(long producerId, short epoch, long lastTimestamp, List<Batch> batches,
                           long currentTxnFirstOffset, int coordinatorEpoch) {
        public Producer {
            batches = List.copyOf(batches);
            if (batches.size() > MAX_BATCHES) {
                throw new IllegalArgumentException("producer " + producerId + ": " + batches.size()
                        + " batches, at most " + MAX_BATCHES);
            }
        }

        /** A producer with no open transaction and no marker. */
        public Producer(long producerId, short epoch, long lastTimestamp, List<Batch> batches) {
            this(producerId, epoch, lastTimestamp, batches, -1, -1);
        }
    }

    /** A batch by its sequence range and base offset. */
    public record Batch(int firstSeq, int lastSeq, long baseOffset) {
    }

    /**
     * An aborted transaction of {@code producerId}: its first record at {@code firstOffset}, its abort marker
     * at {@code lastOffset}.
     */
    public record AbortedTxn(long producerId, long firstOffset, long lastOffset) {
    }
}
