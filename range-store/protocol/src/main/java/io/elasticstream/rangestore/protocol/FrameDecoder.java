package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into {@link Frame}s and verifies magic, version and payload CRC. Any
 * violation throws {@link CorruptedFrameException}; the channel's exception handler closes that
 * connection only.
 */
public final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    public FrameDecoder() {
        super(Frame.MAX_FRAME_BYTES, 0, 4, 0, 4);
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            if (frame.readableBytes() < Frame.HEADER_BYTES) {
                throw new CorruptedFrameException("frame of " + frame.readableBytes() + " bytes is shorter than its header");
            }
            byte magic = frame.readByte();
            byte version = frame.readByte();
            if (magic != Frame.MAGIC) {
                throw new CorruptedFrameException("bad magic " + magic);
            }
            if (version != Frame.VERSION) {
                throw new CorruptedFrameException("unsupported frame version " + version);
            }
            short opcode = frame.readShort();
            short flags = frame.readShort();
            long requestId = frame.readLong();
            int crc = frame.readInt();
            ByteBuf payload = frame.readRetainedSlice(frame.readableBytes());
            if (Crc.crc32c(payload) != crc) {
                payload.release();
                throw new CorruptedFrameException("payload CRC mismatch for request " + requestId);
            }
            return new Frame(opcode, flags, requestId, payload);
        } finally {
            frame.release();
        }
    }
}
