package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** A successful response carrying one offset (the range's end on the replica). */
public record OffsetResponse(long endOffset) {

    public ByteBuf encode(ByteBufAllocator alloc) {
        return alloc.buffer(10).writeShort(Status.OK.code()).writeLong(endOffset);
    }

    /** Decodes a response payload, throwing {@link RpcException} for a non-OK status. */
    public static OffsetResponse decode(ByteBuf buf) {
        Responses.checkStatus(buf);
        return new OffsetResponse(buf.readLong());
    }
}
