package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;

/** Status prefix shared by every response payload. */
public final class Responses {
    private Responses() {
    }

    /** An error response payload: status and a human-readable message. */
    public static ByteBuf error(ByteBufAllocator alloc, Status status, String message) {
        ByteBuf buf = alloc.buffer(8 + message.length());
        buf.writeShort(status.code());
        int lengthAt = buf.writerIndex();
        buf.writeShort(0);
        int written = ByteBufUtil.writeUtf8(buf, message);
        buf.setShort(lengthAt, written);
        return buf;
    }

    /** Reads the status; throws {@link RpcException} with the server's message if it is not OK. */
    public static void checkStatus(ByteBuf buf) {
        Status status = Status.of(buf.readShort());
        if (status != Status.OK) {
            int length = buf.readUnsignedShort();
            throw new RpcException(status, buf.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
    }
}
