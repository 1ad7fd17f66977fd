package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Seals a range on a replica so it accepts no more appends. With {@code endOffset} = {@link #AT_END}
 * the replica seals at its own durable end (used to learn the end of an orphan range); otherwise
 * at {@code endOffset}, which must not exceed what the replica holds. Requests carrying an epoch older
 * than the range's are fenced. Response: {@link OffsetResponse} with the sealed end.
 * <pre>int64 streamId, int32 index, int64 epoch, int64 endOffset</pre>
 */
public record SealRequest(long streamId, int index, long epoch, long endOffset) {
    public static final long AT_END = -1;

    public ByteBuf encode(ByteBufAllocator alloc) {
        return alloc.buffer(28).writeLong(streamId).writeInt(index).writeLong(epoch).writeLong(endOffset);
    }

    public static SealRequest decode(ByteBuf buf) {
        return new SealRequest(buf.readLong(), buf.readInt(), buf.readLong(), buf.readLong());
    }
}
