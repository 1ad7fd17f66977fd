package io.elasticstream.rangestore.server.store;

import java.nio.ByteBuffer;

/** A batch read back from the store: its offsets, max timestamp and bytes as appended. */
public record ReadBatch(long baseOffset, int recordCount, long maxTimestamp, ByteBuffer data) {
}
