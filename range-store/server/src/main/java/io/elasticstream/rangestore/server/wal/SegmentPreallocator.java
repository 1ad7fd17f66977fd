package io.elasticstream.rangestore.server.wal;

import io.elasticstream.rangestore.server.wal.uring.NativeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates segment files at full size and zero-filled (real written blocks, not holes or unwritten
 * extents), so that the fdatasync after each group commit has no file metadata to flush. The next
 * segment is prepared in the background under a temporary name while the current one fills; a roll
 * only renames it. Files are sized up to a multiple of {@link #BLOCK_BYTES} so aligned (O_DIRECT)
 * writes never extend them.
 *
 * <p>Released segments come back through {@link #recycle}: renamed out of the log and, at the next
 * preparation, taken as they are instead of creating and filling a new file. Their old records stay in
 * them; each record carries the position it was written at, so recovery reads the first old one as the
 * end of the log ({@link WalRecovery}), and overwriting allocated blocks needs no metadata either.
 *
 * <p>Threading: {@link #recycle} may be called by any thread; {@link #prepareNext} and {@link #takePrepared} are called by the log's writer thread
 * (or the opening thread, before the writer starts); the zero-filling runs on one daemon thread owned
 * here.
 */
final class SegmentPreallocator implements AutoCloseable {
    static final int BLOCK_BYTES = 4096;
    static final String PREPARED_FILE_NAME = "next-segment.prealloc";
    static final String RECYCLED_PREFIX = "recycled-";
    static final String RECYCLED_SUFFIX = ".prealloc";
    /** Released segment files kept for reuse; more are deleted. */
    static final int MAX_RECYCLED = 2;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(1 << 20);

    private final Path directory;
    private final long fileSizeBytes;
    private final ExecutorService executor;
    private CompletableFuture<Path> prepared;
    /** Released segment files waiting for reuse (renamed out of the log); any thread adds, the filler takes. */
    private final ConcurrentLinkedDeque<Path> recycled = new ConcurrentLinkedDeque<>();
    private final AtomicLong recycledSeq = new AtomicLong();

    SegmentPreallocator(Path directory, long segmentSizeBytes) {
        this.directory = directory;
        this.fileSizeBytes = roundUpToBlock(segmentSizeBytes);
        this.executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("wal-prealloc-" + directory.getFileName()).daemon(true).factory());
    }

    static long roundUpToBlock(long bytes) {
        return (bytes + BLOCK_BYTES - 1) / BLOCK_BYTES * BLOCK_BYTES;
    }

    /** The size of every preallocated segment file. */
    long fileSizeBytes() {
        return fileSizeBytes;
    }

    /**
     * Deletes a prepared file left by an earlier run (its zero-filling may not have finished) and released
     * segment files that were not reused.
     */
    void deleteLeftover() throws IOException {
        Files.deleteIfExists(directory.resolve(PREPARED_FILE_NAME));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
                RECYCLED_PREFIX + "*" + RECYCLED_SUFFIX)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    /**
     * Takes back a released segment file: renames it out of the log (durably: the directory is fsynced)
     * and keeps it for the next preparation, which reuses it as it is (its blocks are already allocated
     * and written). Beyond {@link #MAX_RECYCLED} waiting files, the file is deleted instead.
     */
    void recycle(Path segment) throws IOException {
        if (recycled.size() >= MAX_RECYCLED) {
            Files.delete(segment);
        } else {
            Path target = directory.resolve(RECYCLED_PREFIX + recycledSeq.incrementAndGet() + RECYCLED_SUFFIX);
            Files.move(segment, target, StandardCopyOption.ATOMIC_MOVE);
            recycled.addLast(target);
        }
        WalRecovery.fsyncDirectory(directory);
    }

    /** Released segment files waiting for reuse (for tests). */
    int recycledCount() {
        return recycled.size();
    }

    /**
     * Zero-fills {@code path} (creating it if needed) from {@code fromOffset} to full size and fsyncs it.
     * Whole blocks are written with O_DIRECT where the file system allows it, so that filling does not
     * leave tens of MiB of dirty pages whose writeback would stall the log's own fdatasyncs.
     */
    void fill(Path path, long fromOffset) throws IOException {
        long alignedFrom = Math.min(roundUpToBlock(fromOffset), fileSizeBytes);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            writeZeros(channel, ZEROS, fromOffset, alignedFrom);
            if (!fillDirect(path, alignedFrom)) {
                writeZeros(channel, ZEROS, alignedFrom, fileSizeBytes);
            }
            channel.force(true);
        }
    }

    /** Writes zeros over {@code [alignedFrom, size)} with O_DIRECT; false if that is not possible here. */
    private boolean fillDirect(Path path, long alignedFrom) {
        if (alignedFrom >= fileSizeBytes) {
            return true;
        }
        try {
            NativeFiles.writeZerosDirect(path, alignedFrom, fileSizeBytes);
            return true;
        } catch (IOException | RuntimeException | LinkageError e) {
            return false; // no FFM access or a file system that refuses the writes: fill through the page cache
        }
    }

    private static void writeZeros(FileChannel channel, ByteBuffer zeros, long from, long to) throws IOException {
        long at = from;
        while (at < to) {
            ByteBuffer chunk = zeros.duplicate();
            chunk.limit((int) Math.min(chunk.capacity(), to - at));
            at += channel.write(chunk, at);
        }
    }

    /** Starts preparing the next segment file in the background (if one is not already prepared). */
    void prepareNext() {
        if (prepared != null) {
            return;
        }
        Path path = directory.resolve(PREPARED_FILE_NAME);
        prepared = CompletableFuture.supplyAsync(() -> {
            try {
                Path reuse = recycled.pollFirst();
                if (reuse != null && Files.size(reuse) == fileSizeBytes) {
                    // Taken as it is: its blocks are written already, and its old records cannot be read as
                    // new ones (each carries the position where it was written), so rewriting zeros over it
                    // would only double the disk traffic of a log in steady state.
                    Files.move(reuse, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return path;
                }
                if (reuse != null) {
                    Files.delete(reuse); // another segment size (config changed): start from a fresh file
                }
                fill(path, 0);
                return path;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, executor);
    }

    /**
     * Renames the prepared file (waiting for it if it is still being filled) to {@code target} and makes
     * the rename durable; then starts preparing the following one.
     */
    void takePrepared(Path target) throws IOException {
        prepareNext();
        Path path;
        try {
            path = prepared.join();
        } catch (CompletionException e) {
            prepared = null;
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw new IOException("preparing a WAL segment failed", e.getCause());
        }
        prepared = null;
        Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
        WalRecovery.fsyncDirectory(directory);
        prepareNext();
    }

    /** Waits for a preparation in progress (its file stays, and is deleted at the next open). */
    @Override
    public void close() {
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
