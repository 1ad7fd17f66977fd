package io.elasticstream.broker.records;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * One validated v2 batch from a produce request, still in the request's buffer. Stamping writes the
 * assigned base offset and the leader epoch into those bytes (outside the CRC, so it stays valid).
 */
public final class ProducedBatch {
    private final DefaultRecordBatch batch;
    private final ByteBuffer bytes;
    private final int recordCount;

    /**
     * A transaction marker (a control batch of one COMMIT or ABORT record) of {@code producerId} at
     * {@code producerEpoch}, written by the coordinator at {@code coordinatorEpoch}; stamped like any batch.
     */
    public static ProducedBatch endTxnMarker(long producerId, short producerEpoch, boolean commit,
                                             int coordinatorEpoch, long timestampMs) {
        MemoryRecords records = MemoryRecords.withEndTransactionMarker(0L, timestampMs,
                RecordBatch.NO_PARTITION_LEADER_EPOCH, producerId, producerEpoch,
                new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, coordinatorEpoch));
        DefaultRecordBatch batch = (DefaultRecordBatch) records.batches().iterator().next();
        return new ProducedBatch(batch, records.buffer().duplicate(), 1);
    }

    ProducedBatch(DefaultRecordBatch batch, ByteBuffer bytes, int recordCount) {
        this.batch = batch;
        this.bytes = bytes;
        this.recordCount = recordCount;
    }

    /** The batch's bytes (a view; position 0, limit = size). */
    public ByteBuffer bytes() {
        return bytes.duplicate();
    }

    public int recordCount() {
        return recordCount;
    }

    public int sizeInBytes() {
        return bytes.remaining();
    }

    public long maxTimestamp() {
        return batch.maxTimestamp();
    }

    public boolean hasProducerId() {
        return batch.producerId() != RecordBatch.NO_PRODUCER_ID;
    }

    public long producerId() {
        return batch.producerId();
    }

    public short producerEpoch() {
        return batch.producerEpoch();
    }

    public int baseSequence() {
        return batch.baseSequence();
    }

    public int lastSequence() {
        return batch.lastSequence();
    }

    public boolean isTransactional() {
        return batch.isTransactional();
    }

    /** Writes the base offset and leader epoch into the batch header. */
    public void stamp(long baseOffset, int leaderEpoch) {
        batch.setLastOffset(baseOffset + recordCount - 1);
        batch.setPartitionLeaderEpoch(leaderEpoch);
    }
}
