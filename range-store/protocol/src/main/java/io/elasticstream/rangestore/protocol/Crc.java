package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** CRC32C over the readable bytes of a (possibly composite) buffer, without moving its indexes. */
public final class Crc {
    private Crc() {
    }

    public static int crc32c(ByteBuf buf) {
        CRC32C crc = new CRC32C();
        if (buf.readableBytes() == 0) {
            return (int) crc.getValue();
        }
        for (ByteBuffer nio : buf.nioBuffers(buf.readerIndex(), buf.readableBytes())) {
            crc.update(nio);
        }
        return (int) crc.getValue();
    }
}
