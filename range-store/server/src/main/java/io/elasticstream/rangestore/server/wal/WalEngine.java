package io.elasticstream.rangestore.server.wal;

import java.util.Locale;

/** Which WAL implementation to use. {@link Wals#open} resolves {@link #AUTO} and logs the choice once. */
public enum WalEngine {
    /** io_uring when this machine allows it, else FileChannel. */
    AUTO("io_uring if available, else FileChannel"),
    /** {@link IoUringWal}: O_DIRECT, one linked WRITE + FSYNC(DATASYNC) per group commit on a ring. */
    IO_URING("io_uring (FFM, raw syscalls): O_DIRECT 4 KiB-aligned writes linked to fdatasync"),
    /** {@link FileChannelWal}: portable; gathering writes and {@code force(false)} (fdatasync). */
    FILE_CHANNEL("FileChannel writes + fdatasync (portable fallback)");

    private final String description;

    WalEngine(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /**
     * The engine named by a config value: {@code auto}, {@code io_uring} or {@code file_channel}
     * (case-insensitive).
     *
     * @throws IllegalArgumentException for any other value
     */
    public static WalEngine parse(String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT);
        return switch (normalized) {
            case "auto" -> AUTO;
            case "io_uring", "iouring", "io-uring" -> IO_URING;
            case "file_channel", "filechannel", "file-channel" -> FILE_CHANNEL;
            default -> throw new IllegalArgumentException(
                    "unknown WAL engine '" + value + "' (expected auto, io_uring or file_channel)");
        };
    }
}
