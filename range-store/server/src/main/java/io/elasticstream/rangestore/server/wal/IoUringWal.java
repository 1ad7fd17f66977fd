package io.elasticstream.rangestore.server.wal;

import io.elasticstream.common.Checks;
import io.elasticstream.rangestore.server.wal.uring.IoUring;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The io_uring WAL engine: preallocated segment files opened {@code O_DIRECT}, each group commit one
 * 4 KiB-aligned WRITE linked to an FSYNC(DATASYNC) on this log's own ring (see
 * {@link IoUringSegmentWriter} for how alignment keeps positions contiguous). Same on-disk format,
 * recovery, group commit and reads as {@link FileChannelWal} ({@link GroupCommitWal}).
 */
public final class IoUringWal extends GroupCommitWal {
    private static final int RING_ENTRIES = 8;

    private IoUringWal(Path directory, WalConfig config, IoUring ring, WalObserver observer) {
        super(directory, config, new IoUringSegmentWriter(ring, config), observer);
    }

    /**
     * Opens (creating if needed) the log in {@code directory}, recovering it first.
     *
     * @throws WalException if io_uring cannot be set up, or the directory cannot be used or is already open
     */
    public static IoUringWal open(Path directory, WalConfig config) {
        return open(directory, config, WalObserver.NONE);
    }

    /** As {@link #open(Path, WalConfig)}, reporting each group commit to {@code observer}. */
    public static IoUringWal open(Path directory, WalConfig config, WalObserver observer) {
        Checks.notNull(directory, "directory");
        Checks.notNull(config, "config");
        IoUring ring;
        try {
            ring = IoUring.setup(RING_ENTRIES);
        } catch (IOException e) {
            throw new WalException("cannot set up io_uring for the WAL in " + directory, e);
        }
        return GroupCommitWal.open(new IoUringWal(directory, config, ring, observer));
    }

    /**
     * Whether io_uring can be used here: a ring can be set up (the kernel has it, and neither seccomp
     * nor {@code kernel.io_uring_disabled} refuses it). Returns the reason when not, else null.
     */
    static String unavailableReason() {
        try {
            IoUring.setup(2).close();
            return null;
        } catch (IOException | RuntimeException | LinkageError e) {
            return e.toString();
        }
    }
}
