package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;

/**
 * One stored batch as returned by a fetch: offsets {@code [baseOffset, baseOffset + recordCount)},
 * the largest record timestamp, and the bytes exactly as appended. Owns one reference to {@code data}.
 */
public record StoredBatch(long baseOffset, int recordCount, long maxTimestamp, ByteBuf data) {

    public long endOffset() {
        return baseOffset + recordCount;
    }
}
