package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Reads whole batches of a range starting with the batch that contains {@code startOffset}, stopping
 * before {@code endOffset} (exclusive; the reader's visibility bound) and after about
 * {@code maxBytes} — at least one batch is returned if any is readable. Response: {@link FetchResponse}.
 * <pre>int64 streamId, int32 index, int64 startOffset, int64 endOffset, int32 maxBytes</pre>
 */
public record FetchRequest(long streamId, int index, long startOffset, long endOffset, int maxBytes) {

    public ByteBuf encode(ByteBufAllocator alloc) {
        return alloc.buffer(32).writeLong(streamId).writeInt(index).writeLong(startOffset).writeLong(endOffset)
                .writeInt(maxBytes);
    }

    public static FetchRequest decode(ByteBuf buf) {
        return new FetchRequest(buf.readLong(), buf.readInt(), buf.readLong(), buf.readLong(), buf.readInt());
    }
}
