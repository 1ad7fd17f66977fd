package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.util.List;

/** Writes a {@link Frame} as a small header buffer followed by the payload, without copying it. */
@ChannelHandler.Sharable
public final class FrameEncoder extends MessageToMessageEncoder<Frame> {
    public static final FrameEncoder INSTANCE = new FrameEncoder();

    private FrameEncoder() {
        super(Frame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
        ByteBuf payload = frame.payload();
        ByteBuf header = ctx.alloc().buffer(4 + Frame.HEADER_BYTES);
        header.writeInt(Frame.HEADER_BYTES + payload.readableBytes());
        header.writeByte(Frame.MAGIC);
        header.writeByte(Frame.VERSION);
        header.writeShort(frame.opcode());
        header.writeShort(frame.flags());
        header.writeLong(frame.requestId());
        header.writeInt(Crc.crc32c(payload));
        out.add(header);
        out.add(payload.retain()); // the encoder base class releases the frame itself
    }
}
