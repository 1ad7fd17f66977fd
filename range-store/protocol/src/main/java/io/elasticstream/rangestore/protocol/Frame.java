package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;

/**
 * One decoded (or to-be-encoded) frame. Owns one reference to {@code payload}; whoever consumes the
 * frame releases it.
 */
public record Frame(short opcode, short flags, long requestId, ByteBuf payload) implements ReferenceCounted {
    public static final byte MAGIC = (byte) 0xE5;
    public static final byte VERSION = 1;
    public static final short FLAG_RESPONSE = 1;
    /** magic, version, opcode, flags, requestId, crc. */
    public static final int HEADER_BYTES = 1 + 1 + 2 + 2 + 8 + 4;
    public static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    public static Frame request(Opcode opcode, long requestId, ByteBuf payload) {
        return new Frame(opcode.code(), (short) 0, requestId, payload);
    }

    public static Frame response(short opcode, long requestId, ByteBuf payload) {
        return new Frame(opcode, FLAG_RESPONSE, requestId, payload);
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    @Override
    public int refCnt() {
        return payload.refCnt();
    }

    @Override
    public Frame retain() {
        payload.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        payload.retain(increment);
        return this;
    }

    @Override
    public Frame touch() {
        payload.touch();
        return this;
    }

    @Override
    public Frame touch(Object hint) {
        payload.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return payload.release();
    }

    @Override
    public boolean release(int decrement) {
        return payload.release(decrement);
    }
}
