package io.elasticstream.rangestore.server.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * How an engine writes the tail segment and makes it durable: the one part that differs between
 * engines. Used only by the writer thread of a {@link GroupCommitWal}; not thread-safe.
 */
interface SegmentWriter extends AutoCloseable {

    /**
     * Makes {@code path} (a preallocated segment file) the file written from now on; its first
     * {@code validBytes} bytes are records already durable, the rest is zeros or old records of a reused file.
     */
    void switchTo(Path path, long validBytes) throws IOException;

    /**
     * Writes {@code buffers} (their remaining bytes, {@code totalBytes} in all, records back to back)
     * at {@code fileOffset}, which is where the valid bytes end, and returns once they are durable
     * (fdatasync'ed). Buffers may be consumed.
     */
    void writeAndSync(ByteBuffer[] buffers, long fileOffset, long totalBytes) throws IOException;

    /** Releases the file and any native resources. Idempotent; never throws. */
    @Override
    void close();
}
