package io.elasticstream.placement.api;

import java.util.List;

/**
 * Idempotent-producer state of a partition's stream as of offset {@code offset} (exclusive): what the
 * broker rebuilds from the stream's batches below it, so that on open it reads only the batches from
 * there on. {@code logStartOffset} and {@code sizeBytes} are the stream's start and the bytes of its
 * readable confirmed batches as of the snapshot, letting the broker skip the scan for size too while the
 * start has not moved.
 */
public record ProducerSnapshot(long offset, long logStartOffset, long sizeBytes, List<Producer> producers) {
    /** At most this many batches per producer (Kafka's cache of the last five). */
    public static final int MAX_BATCHES = 5;

    public ProducerSnapshot {
        producers = List.copyOf(producers);
    }

    /** One producer id: its epoch, the max timestamp of its last batch, its last batches in offset order. */
    public record Producer(long producerId, short epoch, long lastTimestamp, List<Batch> batches) {
        public Producer {
            batches = List.copyOf(batches);
            if (batches.size() > MAX_BATCHES) {
                throw new IllegalArgumentException("producer " + producerId + ": " + batches.size()
                        + " batches, at most " + MAX_BATCHES);
            }
        }
    }

    /** A batch by its sequence range and base offset. */
    public record Batch(int firstSeq, int lastSeq, long baseOffset) {
    }
}
