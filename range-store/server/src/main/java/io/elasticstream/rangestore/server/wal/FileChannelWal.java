package io.elasticstream.rangestore.server.wal;

import io.elasticstream.common.Checks;
import java.nio.file.Path;

/**
 * The portable WAL engine: preallocated segment files written with {@link java.nio.channels.FileChannel}
 * gathering writes and made durable with {@code force(false)} (fdatasync). Group commit, recovery and
 * reads are {@link GroupCommitWal}'s (see there for threading and lifecycle).
 */
public final class FileChannelWal extends GroupCommitWal {

    private FileChannelWal(Path directory, WalConfig config, WalObserver observer) {
        super(directory, config, new FileChannelSegmentWriter(), observer);
    }

    /**
     * Opens (creating if needed) the log in {@code directory}, recovering it first: a torn or stale
     * tail is truncated and logged. Only one open log per directory at a time (a lock file enforces it).
     *
     * @throws WalException if the directory cannot be used or is already open
     */
    public static FileChannelWal open(Path directory, WalConfig config) {
        return open(directory, config, WalObserver.NONE);
    }

    /** As {@link #open(Path, WalConfig)}, reporting each group commit to {@code observer}. */
    public static FileChannelWal open(Path directory, WalConfig config, WalObserver observer) {
        Checks.notNull(directory, "directory");
        Checks.notNull(config, "config");
        return GroupCommitWal.open(new FileChannelWal(directory, config, observer));
    }
}
