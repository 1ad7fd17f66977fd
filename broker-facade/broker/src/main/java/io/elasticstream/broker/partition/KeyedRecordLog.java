package io.elasticstream.broker.partition;

import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.common.Clock;
import io.elasticstream.rangestore.protocol.StoredBatch;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * An internal topic's partition used as a log of key/value records (as Kafka's coordinators use
 * {@code __consumer_offsets} and {@code __transaction_state}): appends records in plain v2 batches, plain or
 * transactional, and replays every record up to the high watermark with the header of its batch. Two
 * handles are {@code equals} when they wrap the same opening of the partition; a different handle means the
 * partition was reopened and must be replayed.
 */
public record KeyedRecordLog(PartitionLog log, Clock clock) {
    private static final int READ_BYTES = 1024 * 1024;

    /** A record to append: value null is a tombstone. */
    public record Entry(byte[] key, byte[] value) {
    }

    /** Sees the records of a replay in offset order: data records with a key, and transaction markers. */
    public interface Visitor {
        /** A record with a key (value null: a tombstone) in a data batch with {@code header}. */
        void onRecord(StoredBatchHeader header, ByteBuffer key, ByteBuffer value);

        /** A transaction marker of {@code header.producerId()}. */
        default void onMarker(StoredBatchHeader header) {
        }
    }

    /** The partition's leader epoch (the coordinator epoch of a coordinator on it). */
    public int leaderEpoch() {
        return log.leaderEpoch();
    }

    /** Appends the entries as one plain batch; completes once durable. */
    public CompletableFuture<Void> append(List<Entry> entries) {
        return log.append(MemoryRecords.withRecords(Compression.NONE, records(entries)), Integer.MAX_VALUE)
                .thenApply(offset -> null);
    }

    /**
     * Appends the entries as one transactional batch of {@code producerId} at {@code producerEpoch}, without a
     * sequence number (as Kafka's coordinators write transactional offset commits: the partition keeps no
     * sequence for them); completes once durable. The first batch of a transaction here needs the
     * transaction's verification confirmed first ({@link PartitionLog#beginTxnVerification}).
     */
    public CompletableFuture<Void> appendTransactional(List<Entry> entries, long producerId, short producerEpoch) {
        MemoryRecords batch = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, producerEpoch,
                0, records(entries));
        withoutSequence(batch.buffer());
        try {
            return log.append(batch, Integer.MAX_VALUE).thenApply(offset -> null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // refused (an unverified transaction, a fenced epoch)
        }
    }

    private static final int BASE_SEQUENCE_OFFSET = 53;
    private static final int CRC_OFFSET = 17;
    private static final int ATTRIBUTES_OFFSET = 21;

    /**
     * Sets the base sequence of the v2 batch in {@code buffer} to NO_SEQUENCE and its CRC to match: Kafka's
     * builder insists on a sequence for a transactional batch of data records.
     */
    private static void withoutSequence(ByteBuffer buffer) {
        int start = buffer.position();
        buffer.putInt(start + BASE_SEQUENCE_OFFSET, RecordBatch.NO_SEQUENCE);
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().position(start + ATTRIBUTES_OFFSET));
        buffer.putInt(start + CRC_OFFSET, (int) crc.getValue());
    }

    private SimpleRecord[] records(List<Entry> entries) {
        return entries.stream().map(e -> new SimpleRecord(clock.epochMillis(), e.key(), e.value()))
                .toArray(SimpleRecord[]::new);
    }

    /** Feeds every record up to the current high watermark to {@code visitor}, in order; completes when done. */
    public CompletableFuture<Void> replay(Visitor visitor) {
        return replayFrom(log.logStartOffset(), log.highWatermark(), visitor);
    }

    private CompletableFuture<Void> replayFrom(long from, long end, Visitor visitor) {
        if (from >= end) {
            return CompletableFuture.completedFuture(null);
        }
        return log.read(from, READ_BYTES).thenCompose(batches -> {
            long next = from;
            try {
                for (StoredBatch b : batches) {
                    if (b.baseOffset() >= end) {
                        break;
                    }
                    ByteBuffer bytes = b.data().nioBuffer();
                    StoredBatchHeader header = StoredBatchHeader.read(bytes);
                    if (header.marker() != null) {
                        visitor.onMarker(header);
                    } else {
                        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                            if (batch.isControlBatch()) {
                                continue;
                            }
                            for (Record r : batch) {
                                if (r.offset() >= from && r.hasKey()) {
                                    visitor.onRecord(header, r.key(), r.hasValue() ? r.value() : null);
                                }
                            }
                        }
                    }
                    next = b.endOffset();
                }
            } finally {
                batches.forEach(b -> b.data().release());
            }
            if (next <= from) {
                return CompletableFuture.failedFuture(new IllegalStateException(log
                        + ": no progress replaying records at offset " + from));
            }
            return replayFrom(next, end, visitor);
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyedRecordLog other && other.log == log;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(log);
    }
}
