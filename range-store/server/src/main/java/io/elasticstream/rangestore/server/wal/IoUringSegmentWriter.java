package io.elasticstream.rangestore.server.wal;

import io.elasticstream.common.Checks;
import io.elasticstream.rangestore.server.wal.uring.IoUring;
import io.elasticstream.rangestore.server.wal.uring.NativeFiles;
import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes the tail segment through io_uring with {@code O_DIRECT}: each group commit is one WRITE of a
 * 4 KiB-aligned, 4 KiB-padded buffer linked ({@code IOSQE_IO_LINK}) to an FSYNC with
 * {@code IORING_FSYNC_DATASYNC}, submitted and awaited with a single {@code io_uring_enter}.
 *
 * <p>Alignment without gaps: positions stay contiguous (no padding in the log's address space). The
 * bytes of the last, partly filled 4 KiB block are kept in memory; the next write starts at that
 * block's boundary and rewrites them (unchanged) followed by the new records, then zeros up to the
 * next boundary. The zeros lie beyond the durable end, where recovery reads them as the end of the log,
 * and the next write overwrites them. Rewriting the partial block cannot harm acknowledged records:
 * a torn write leaves each sector either old or new, and both hold the same acknowledged bytes.
 *
 * <p>One write+sync is in flight at a time (group commit collects the next batch meanwhile), so
 * completions trivially advance the durable end over a contiguous prefix: the batch is durable only
 * when both its WRITE (full length) and its FSYNC completed successfully. Writer thread only.
 */
final class IoUringSegmentWriter implements SegmentWriter {
    static final int BLOCK_BYTES = SegmentPreallocator.BLOCK_BYTES;
    private static final long WRITE_TAG = 1;
    private static final long FSYNC_TAG = 2;

    private final IoUring ring;
    private final Arena arena = Arena.ofShared();
    /** Aligned staging buffer: the partial tail block, then the batch, then padding. */
    private final MemorySegment staging;
    private int fd = -1;
    private int tailBlockBytes;
    private int writeResult;
    private int fsyncResult;
    private boolean released;

    IoUringSegmentWriter(IoUring ring, WalConfig config) {
        this.ring = ring;
        long largestBatchBytes = Math.max(config.maxBatchBytes(), RecordFormat.recordBytes(config.maxRecordSizeBytes()));
        this.staging = arena.allocate(SegmentPreallocator.roundUpToBlock(largestBatchBytes) + 2L * BLOCK_BYTES, BLOCK_BYTES);
    }

    @Override
    public void switchTo(Path path, long validBytes) throws IOException {
        int next = NativeFiles.openForDirectWrite(path);
        int partial = (int) (validBytes % BLOCK_BYTES);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer head = staging.asSlice(0, partial).asByteBuffer();
            long at = validBytes - partial;
            while (head.hasRemaining()) {
                int n = channel.read(head, at + head.position());
                if (n < 0) {
                    throw new EOFException(path + " ends before its valid bytes (" + validBytes + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            NativeFiles.closeQuietly(next);
            throw e;
        }
        NativeFiles.closeQuietly(fd);
        fd = next;
        tailBlockBytes = partial;
    }

    @Override
    public void writeAndSync(ByteBuffer[] buffers, long fileOffset, long totalBytes) throws IOException {
        Checks.state(fileOffset % BLOCK_BYTES == tailBlockBytes, "write at offset %d but the tail block holds %d bytes",
                fileOffset, tailBlockBytes);
        long end = tailBlockBytes + totalBytes;
        long padded = SegmentPreallocator.roundUpToBlock(end);
        Checks.state(padded <= staging.byteSize(), "batch of %d bytes exceeds the staging buffer", totalBytes);
        ByteBuffer target = staging.asSlice(tailBlockBytes, totalBytes).asByteBuffer();
        for (ByteBuffer buffer : buffers) {
            target.put(buffer);
        }
        staging.asSlice(end, padded - end).fill((byte) 0);
        long writeOffset = fileOffset - tailBlockBytes;

        writeResult = Integer.MIN_VALUE;
        fsyncResult = Integer.MIN_VALUE;
        ring.prepareWrite(fd, staging, (int) padded, writeOffset, IoUring.IOSQE_IO_LINK, WRITE_TAG);
        ring.prepareFsync(fd, (byte) 0, FSYNC_TAG);
        ring.submitAndWait(2, (tag, result) -> {
            if (tag == WRITE_TAG) {
                writeResult = result;
            } else if (tag == FSYNC_TAG) {
                fsyncResult = result;
            }
        });
        if (writeResult != padded) {
            throw new IOException(writeResult < 0 ? "io_uring write failed: " + NativeFiles.describe(-writeResult)
                    : "io_uring short write: " + writeResult + " of " + padded + " bytes");
        }
        if (fsyncResult < 0) {
            throw new IOException("io_uring fdatasync failed: " + NativeFiles.describe(-fsyncResult));
        }
        int nextTail = (int) (end % BLOCK_BYTES);
        MemorySegment.copy(staging, end - nextTail, staging, 0, nextTail);
        tailBlockBytes = nextTail;
    }

    /** Closes the file, the ring and the staging memory. Idempotent. */
    @Override
    public void close() {
        NativeFiles.closeQuietly(fd);
        fd = -1;
        if (!released) {
            released = true;
            ring.close();
            arena.close();
        }
    }
}
