package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Creates (opens) range {@code index} of a stream on a replica, starting at {@code startOffset},
 * owned by writer {@code epoch}. Idempotent for the same arguments. Response: {@link OffsetResponse}
 * with the replica's current end of the range.
 * <pre>int64 streamId, int32 index, int64 startOffset, int64 epoch</pre>
 */
public record CreateRangeRequest(long streamId, int index, long startOffset, long epoch) {

    public ByteBuf encode(ByteBufAllocator alloc) {
        return alloc.buffer(28).writeLong(streamId).writeInt(index).writeLong(startOffset).writeLong(epoch);
    }

    public static CreateRangeRequest decode(ByteBuf buf) {
        return new CreateRangeRequest(buf.readLong(), buf.readInt(), buf.readLong(), buf.readLong());
    }
}
