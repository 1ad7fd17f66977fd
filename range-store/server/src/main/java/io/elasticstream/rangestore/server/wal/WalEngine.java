package io.elasticstream.rangestore.server.wal;

/** The WAL implementations, in order of preference. {@link Wals#open} picks one and logs which. */
public enum WalEngine {
    /** {@link FileChannelWal}: portable; gathering writes and {@code force(false)} (fdatasync). */
    FILE_CHANNEL("FileChannel writes + fdatasync (portable fallback; the io_uring engine is not built yet)");

    private final String description;

    WalEngine(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
