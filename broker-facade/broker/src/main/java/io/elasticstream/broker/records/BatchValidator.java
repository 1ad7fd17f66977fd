package io.elasticstream.broker.records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Validates the record batches of one partition in a produce request the way Kafka's log validator
 * does for the checks that apply to stored-as-is batches: magic v2 only, CRC, size against
 * {@code max.message.bytes}, a sane record count and offset deltas. Compressed batches are kept as they
 * came (the broker never recompresses).
 */
public final class BatchValidator {
    private BatchValidator() {
    }

    /**
     * @throws CorruptRecordException            bad CRC or truncated batch (Kafka: CORRUPT_MESSAGE)
     * @throws RecordTooLargeException           a batch larger than {@code maxBatchBytes} (MESSAGE_TOO_LARGE)
     * @throws UnsupportedForMessageFormatException a batch older than magic v2
     * @throws InvalidRecordException            inconsistent header fields (INVALID_RECORD)
     */
    public static List<ProducedBatch> validate(MemoryRecords records, int maxBatchBytes) {
        List<ProducedBatch> batches = new ArrayList<>(1);
        ByteBuffer buffer = records.buffer();
        int consumed = 0;
        for (MutableRecordBatch batch : records.batches()) {
            if (batch.magic() != RecordBatch.MAGIC_VALUE_V2) {
                throw new UnsupportedForMessageFormatException("Produce requests need record batches of magic v2, got v"
                        + batch.magic());
            }
            if (!(batch instanceof DefaultRecordBatch defaultBatch)) {
                throw new InvalidRecordException("unexpected batch type " + batch.getClass().getSimpleName());
            }
            int size = batch.sizeInBytes();
            if (size > maxBatchBytes) {
                throw new RecordTooLargeException("The batch size of " + size
                        + " bytes exceeds the maximum configured value of " + maxBatchBytes + ".");
            }
            batch.ensureValid();
            if (batch.isControlBatch()) {
                throw new InvalidRecordException("Control records cannot be produced by clients");
            }
            long count = batch.lastOffset() - batch.baseOffset() + 1;
            Integer headerCount = defaultBatch.countOrNull();
            if (count <= 0 || count > Integer.MAX_VALUE || (headerCount != null && headerCount != count)) {
                throw new InvalidRecordException("batch declares " + headerCount + " records but spans " + count
                        + " offsets");
            }
            ByteBuffer slice = buffer.duplicate();
            slice.position(buffer.position() + consumed).limit(buffer.position() + consumed + size);
            batches.add(new ProducedBatch(defaultBatch, slice.slice(), (int) count));
            consumed += size;
        }
        if (consumed != records.sizeInBytes()) {
            throw new CorruptRecordException("produce request has " + (records.sizeInBytes() - consumed)
                    + " trailing bytes that are not a complete record batch");
        }
        if (batches.isEmpty()) {
            throw new InvalidRecordException("produce request for a partition carries no record batch");
        }
        return batches;
    }
}
