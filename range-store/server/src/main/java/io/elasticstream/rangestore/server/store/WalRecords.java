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
 * </pre>
 */
final class WalRecords {
    static final byte CREATE = 1;
    static final byte APPEND = 2;
    static final byte SEAL = 3;
    static final byte TRIM = 4;
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
}
