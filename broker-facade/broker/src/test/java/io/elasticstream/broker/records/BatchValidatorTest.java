package io.elasticstream.broker.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnsupportedForMessageFormatException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

class BatchValidatorTest {

    private static MemoryRecords batch(byte magic, Compression compression, int records, int valueBytes) {
        ByteBuffer buffer = ByteBuffer.allocate(1024 + records * (valueBytes + 64));
        var builder = magic == RecordBatch.MAGIC_VALUE_V2
                ? MemoryRecords.builder(buffer, magic, compression, TimestampType.CREATE_TIME, 0L, 1000L,
                        42L, (short) 0, 0, false, RecordBatch.NO_PARTITION_LEADER_EPOCH)
                : MemoryRecords.builder(buffer, magic, compression, TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < records; i++) {
            builder.append(new SimpleRecord(1000L + i, null, new byte[valueBytes]));
        }
        return builder.build();
    }

    @Test
    void aValidBatchIsAcceptedAndStampingKeepsItsCrcValid() {
        MemoryRecords records = batch(RecordBatch.MAGIC_VALUE_V2, Compression.zstd().build(), 10, 100);
        List<ProducedBatch> batches = BatchValidator.validate(records, 1_000_000);
        assertEquals(1, batches.size());
        ProducedBatch b = batches.getFirst();
        assertEquals(10, b.recordCount());
        assertEquals(42L, b.producerId());
        assertEquals(1009L, b.maxTimestamp());

        b.stamp(500, 7);
        RecordBatch stamped = MemoryRecords.readableRecords(b.bytes()).batches().iterator().next();
        stamped.ensureValid();
        assertEquals(500, stamped.baseOffset());
        assertEquals(509, stamped.lastOffset());
        assertEquals(7, stamped.partitionLeaderEpoch());
    }

    @Test
    void aCorruptedBatchIsRejected() {
        MemoryRecords records = batch(RecordBatch.MAGIC_VALUE_V2, Compression.NONE, 3, 10);
        ByteBuffer buf = records.buffer();
        buf.put(buf.limit() - 1, (byte) (buf.get(buf.limit() - 1) ^ 1));
        assertThrows(CorruptRecordException.class, () -> BatchValidator.validate(records, 1_000_000));
    }

    @Test
    void aBatchLargerThanMaxMessageBytesIsTooLarge() {
        MemoryRecords records = batch(RecordBatch.MAGIC_VALUE_V2, Compression.NONE, 10, 1000);
        assertThrows(RecordTooLargeException.class, () -> BatchValidator.validate(records, 5_000));
    }

    @Test
    void oldMessageFormatsAreRefused() {
        MemoryRecords records = batch(RecordBatch.MAGIC_VALUE_V1, Compression.NONE, 2, 10);
        assertThrows(UnsupportedForMessageFormatException.class, () -> BatchValidator.validate(records, 1_000_000));
    }
}
