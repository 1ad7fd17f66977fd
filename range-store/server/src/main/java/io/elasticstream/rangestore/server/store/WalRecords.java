package io.elasticstream.rangestore.server.store;

import java.nio.ByteBuffer;

/**
 * The range store's WAL record formats (the WAL itself treats records as opaque bytes).
 * <pre>
 * CREATE: int8 type=1, int64 streamId, int32 index, int64 startOffset, int64 epoch
 * APPEND: int8 type=2, int64 streamId, int32 index, int64 epoch, int64 baseOffset, int32 recordCount,
 *         int64 maxTimestamp, bytes data (rest of the record)
 * SEAL:   int8 type=3, int64 streamId, int32 index, int64 epoch, int64 endOffset
 * TRIM:   int8 type=4, int64 streamId, int32 index, int64 newStartOffset (Long.MAX_VALUE = drop the range)
 * MARK:   int8 type=5 (a checkpoint's barrier: the checkpoint holds the state of every record before it)
 * CHECKPOINT: int8 type=6, int64 markPosition, int32 rangeCount, then per range:
 *         int64 streamId, int32 index, int64 startOffset, int64 trimOffset, int64 epoch, int64 durableEnd,
 *         int64 sealedEnd (-1 = open), int32 batchCount, then per batch:
 *         int64 baseOffset, int32 recordCount, int64 maxTimestamp, int64 walPosition, int32 dataBytes
 *         then (optional, absent in older checkpoints) int32 fenceCount, then per fence: int64 streamId,
 *         int64 epoch
 * FENCE:  int8 type=9, int64 streamId, int64 epoch (a seal at this epoch found the range missing: older
 *         writers may no longer create or append to the stream's ranges here)
 * CHECKPOINT_PART:  int8 type=7, bytes (a slice of a CHECKPOINT record too big for one WAL record)
 * CHECKPOINT_PARTS: int8 type=8, int32 partCount, int64 partPosition * partCount (in order: their bytes,
 *         without the type bytes, concatenated, are the CHECKPOINT record)
 * </pre>
 */
final class WalRecords {
    static final byte CREATE = 1;
    static final byte APPEND = 2;
    static final byte SEAL = 3;
    static final byte TRIM = 4;
    static final byte MARK = 5;
    static final byte CHECKPOINT = 6;
    static final byte CHECKPOINT_PART = 7;
    static final byte CHECKPOINT_PARTS = 8;
    static final byte FENCE = 9;
    static final int CHECKPOINT_HEADER_BYTES = 1 + 8 + 4;
    static final int CHECKPOINT_RANGE_BYTES = 8 + 4 + 8 + 8 + 8 + 8 + 8 + 4;
    static final int CHECKPOINT_BATCH_BYTES = 8 + 4 + 8 + 8 + 4;
    /** Bytes before the data in an APPEND record. */
    static final int APPEND_HEADER_BYTES = 1 + 8 + 4 + 8 + 8 + 4 + 8;

    private WalRecords() {
    }

    static ByteBuffer create(long streamId, int index, long startOffset, long epoch) {
        return ByteBuffer.allocate(29).put(CREATE).putLong(streamId).putInt(index).putLong(startOffset).putLong(epoch)
                .flip();
    }

    static ByteBuffer append(long streamId, int index, long epoch, long baseOffset, int recordCount, long maxTimestamp,
                             ByteBuffer data) {
        ByteBuffer buf = ByteBuffer.allocate(APPEND_HEADER_BYTES + data.remaining());
        buf.put(APPEND).putLong(streamId).putInt(index).putLong(epoch).putLong(baseOffset).putInt(recordCount)
                .putLong(maxTimestamp).put(data);
        return buf.flip();
    }

    static ByteBuffer seal(long streamId, int index, long epoch, long endOffset) {
        return ByteBuffer.allocate(29).put(SEAL).putLong(streamId).putInt(index).putLong(epoch).putLong(endOffset)
                .flip();
    }

    static ByteBuffer trim(long streamId, int index, long newStartOffset) {
        return ByteBuffer.allocate(21).put(TRIM).putLong(streamId).putInt(index).putLong(newStartOffset).flip();
    }

    static ByteBuffer fence(long streamId, long epoch) {
        return ByteBuffer.allocate(17).put(FENCE).putLong(streamId).putLong(epoch).flip();
    }

    static ByteBuffer mark() {
        return ByteBuffer.allocate(1).put(MARK).flip();
    }

    /** A CHECKPOINT_PART record holding {@code slice}'s remaining bytes. */
    static ByteBuffer checkpointPart(ByteBuffer slice) {
        return ByteBuffer.allocate(1 + slice.remaining()).put(CHECKPOINT_PART).put(slice.duplicate()).flip();
    }

    /** The CHECKPOINT_PARTS record listing where the parts of one checkpoint lie, in order. */
    static ByteBuffer checkpointParts(long[] partPositions) {
        ByteBuffer out = ByteBuffer.allocate(1 + 4 + 8 * partPositions.length).put(CHECKPOINT_PARTS)
                .putInt(partPositions.length);
        for (long position : partPositions) {
            out.putLong(position);
        }
        return out.flip();
    }
}
