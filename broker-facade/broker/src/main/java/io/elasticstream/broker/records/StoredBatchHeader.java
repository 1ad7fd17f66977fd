package io.elasticstream.broker.records;

import java.nio.ByteBuffer;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Producer fields of a stored batch, read back for rebuilding idempotence and transaction state on
 * partition open. {@code marker} is the transaction marker of a control batch (null for a data batch).
 */
public record StoredBatchHeader(long baseOffset, long lastOffset, long producerId, short producerEpoch,
                                int baseSequence, int lastSequence, boolean transactional, Marker marker) {

    /** A transaction marker: commit or abort, written by the coordinator at {@code coordinatorEpoch}. */
    public record Marker(boolean commit, int coordinatorEpoch) {
    }

    public boolean hasProducerId() {
        return producerId != RecordBatch.NO_PRODUCER_ID;
    }

    /** Whether the single batch in {@code bytes} is a control batch (a transaction marker, say). */
    public static boolean isControl(ByteBuffer bytes) {
        return MemoryRecords.readableRecords(bytes.duplicate()).batches().iterator().next().isControlBatch();
    }

    /** Reads the header of the single batch in {@code bytes}. */
    public static StoredBatchHeader read(ByteBuffer bytes) {
        RecordBatch batch = MemoryRecords.readableRecords(bytes.duplicate()).batches().iterator().next();
        Marker marker = null;
        if (batch.isControlBatch()) {
            Iterator<Record> records = batch.iterator();
            if (records.hasNext()) {
                Record r = records.next();
                ControlRecordType type = ControlRecordType.parse(r.key());
                if (type == ControlRecordType.COMMIT || type == ControlRecordType.ABORT) {
                    marker = new Marker(type == ControlRecordType.COMMIT,
                            EndTransactionMarker.deserialize(r).coordinatorEpoch());
                }
            }
        }
        return new StoredBatchHeader(batch.baseOffset(), batch.lastOffset(), batch.producerId(), batch.producerEpoch(),
                batch.baseSequence(), batch.lastSequence(), batch.isTransactional(), marker);
    }

    /**
     * The offset and timestamp of the first record with timestamp &gt;= {@code timestamp} in the stored
     * batch, or null if none. Decompresses the batch if needed.
     */
    public static long[] firstAtOrAfter(ByteBuffer bytes, long timestamp) {
        return firstAtOrAfter(bytes, timestamp, Long.MIN_VALUE);
    }

    /**
     * As {@link #firstAtOrAfter(ByteBuffer, long)}, among the records at or above {@code minOffset} (the
     * log start offset may lie inside a batch).
     */
    public static long[] firstAtOrAfter(ByteBuffer bytes, long timestamp, long minOffset) {
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes.duplicate()).batches()) {
            if (batch.maxTimestamp() < timestamp) {
                continue;
            }
            for (Record record : batch) {
                if (record.offset() >= minOffset && record.timestamp() >= timestamp) {
                    return new long[] {record.offset(), record.timestamp()};
                }
            }
        }
        return null;
    }

    /** The largest timestamp in the stored batch and the offset of the (first) record carrying it. */
    public static long[] maxTimestamp(ByteBuffer bytes) {
        long bestTs = RecordBatch.NO_TIMESTAMP;
        long bestOffset = -1;
        for (MutableRecordBatch batch : MemoryRecords.readableRecords(bytes.duplicate()).batches()) {
            for (Record record : batch) {
                if (record.timestamp() > bestTs) {
                    bestTs = record.timestamp();
                    bestOffset = record.offset();
                }
            }
        }
        return new long[] {bestOffset, bestTs};
    }
}
