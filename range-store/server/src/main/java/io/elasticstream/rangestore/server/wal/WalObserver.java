package io.elasticstream.rangestore.server.wal;

/**
 * Receives what the WAL's writer thread does, for metrics. Called on the writer thread: must be quick
 * and must not throw.
 */
public interface WalObserver {
    /** Observes nothing. */
    WalObserver NONE = (records, bytes, syncNs) -> { };

    /**
     * One group commit was written and fdatasync'ed.
     *
     * @param records records in the batch
     * @param bytes   bytes written, record headers included
     * @param syncNs  time spent in the write and sync
     */
    void onGroupCommit(int records, long bytes, long syncNs);
}
