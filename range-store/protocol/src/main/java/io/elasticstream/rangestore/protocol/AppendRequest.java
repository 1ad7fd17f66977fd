package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * Appends one batch of {@code recordCount} records at {@code baseOffset} to an open range. The
 * server accepts it only if {@code baseOffset} equals the range's next offset and {@code epoch} is not
 * older than the range's. {@code confirmedOffset} is the writer's confirmed offset (records below it
 * reached ackCount replicas), piggybacked so replicas know what readers may see. Response:
 * {@link OffsetResponse} with the range's durable end on this replica.
 * <pre>int64 streamId, int32 index, int64 epoch, int64 baseOffset, int32 recordCount,
 * int64 maxTimestamp, int64 confirmedOffset, int32 dataLength, bytes data</pre>
 * Owns one reference to {@code data}.
 */
public record AppendRequest(long streamId, int index, long epoch, long baseOffset, int recordCount,
                            long maxTimestamp, long confirmedOffset, ByteBuf data) {
    private static final int FIXED_BYTES = 8 + 4 + 8 + 8 + 4 + 8 + 8 + 4;

    /** Encodes header + data without copying the data; consumes this request's reference to it. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf head = alloc.buffer(FIXED_BYTES)
                .writeLong(streamId).writeInt(index).writeLong(epoch).writeLong(baseOffset)
                .writeInt(recordCount).writeLong(maxTimestamp).writeLong(confirmedOffset)
                .writeInt(data.readableBytes());
        CompositeByteBuf out = alloc.compositeBuffer(2);
        out.addComponents(true, head, data);
        return out;
    }

    /** Decodes; {@code data} is a retained slice of {@code buf}. */
    public static AppendRequest decode(ByteBuf buf) {
        long streamId = buf.readLong();
        int index = buf.readInt();
        long epoch = buf.readLong();
        long baseOffset = buf.readLong();
        int recordCount = buf.readInt();
        long maxTimestamp = buf.readLong();
        long confirmedOffset = buf.readLong();
        int length = buf.readInt();
        return new AppendRequest(streamId, index, epoch, baseOffset, recordCount, maxTimestamp, confirmedOffset,
                buf.readRetainedSlice(length));
    }
}
