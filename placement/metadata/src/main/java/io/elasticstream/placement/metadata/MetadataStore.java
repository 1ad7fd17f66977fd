package io.elasticstream.placement.metadata;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A revisioned key-value store with the guarantees of etcd v3, which is what cluster mode runs on.
 * Standalone mode uses {@link EmbeddedMetadataStore}, persisted in the data directory. Both pass one
 * contract test suite.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Every successful mutating transaction gets the next store revision (a positive long,
 *       strictly increasing, never reused, surviving restarts). A key's {@code modRevision} is the
 *       revision of the transaction that last wrote it, its {@code version} counts writes since it was
 *       created (0 = absent), {@code createRevision} is the revision that created it.</li>
 *   <li>{@link #txn} is atomic and linearizable: compares are evaluated and the chosen branch applied
 *       as one step. A completed future means the result is durable (fsynced for the embedded store).</li>
 *   <li>Watches deliver every change under a prefix with revision &gt; {@code startRevision - 1}, in
 *       revision order, each revision once, on a single thread per watch; the events of one
 *       transaction arrive together. A watch can therefore resume after a disconnect from the last
 *       revision it saw + 1.</li>
 *   <li>Leases: keys attached to a lease are deleted (with watch events) when the lease expires or
 *       is revoked. A lease expires when no keep-alive arrives within its TTL.</li>
 * </ul>
 * All methods are thread-safe and non-blocking; failures complete the future exceptionally with a
 * {@link MetadataStoreException}.
 */
public interface MetadataStore extends AutoCloseable {

    /** The current value of one key, if present. */
    CompletableFuture<Optional<KeyValue>> get(String key);

    /** All keys starting with {@code prefix}, in key order, and the store revision they were read at. */
    CompletableFuture<RangeResult> getPrefix(String prefix);

    /** Evaluates the compares; applies {@code success} ops if all hold, else {@code failure} ops. */
    CompletableFuture<TxnResult> txn(Txn txn);

    /** Unconditional put; completes with the new store revision. */
    default CompletableFuture<Long> put(String key, byte[] value) {
        return txn(Txn.builder().success(Op.put(key, value)).build()).thenApply(TxnResult::revision);
    }

    /** Unconditional delete; completes with the store revision after it. */
    default CompletableFuture<Long> delete(String key) {
        return txn(Txn.builder().success(Op.delete(key)).build()).thenApply(TxnResult::revision);
    }

    /**
     * Watches every key under {@code prefix} starting at {@code startRevision} (inclusive; 0 means
     * "from now on"). Events older than the store keeps (compacted) fail the watch with
     * {@link MetadataStoreException.Compacted}: the watcher should re-read with {@link #getPrefix} and
     * watch again from that revision + 1.
     */
    Watch watchPrefix(String prefix, long startRevision, WatchListener listener);

    /** Grants a lease that lives {@code ttlMs} past its last keep-alive; completes with its id. */
    CompletableFuture<Long> grantLease(long ttlMs);

    /** Refreshes a lease once; fails with {@link MetadataStoreException.LeaseNotFound} if it is gone. */
    CompletableFuture<Void> keepAlive(long leaseId);

    /** Revokes a lease now, deleting its keys. Revoking an unknown lease succeeds. */
    CompletableFuture<Void> revokeLease(long leaseId);

    /** Releases resources; pending futures fail. Idempotent. */
    @Override
    void close();

    /** One key and its revision metadata. {@code leaseId} is 0 when the key has no lease. */
    record KeyValue(String key, byte[] value, long createRevision, long modRevision, long version, long leaseId) {
    }

    /** Keys read under a prefix, and the store revision of that read. */
    record RangeResult(List<KeyValue> kvs, long revision) {
    }

    /**
     * The outcome of a transaction: which branch ran, the store revision after it (unchanged if the
     * branch wrote nothing), and one result per op of that branch (the keys a {@link Op.Get} read;
     * empty for writes).
     */
    record TxnResult(boolean succeeded, long revision, List<List<KeyValue>> results) {
    }

    /** A cancellable watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /** Receives watch events on the watch's own thread; must not block for long. */
    interface WatchListener {
        /** All events of one revision, or of consecutive revisions, in order. */
        void onEvents(List<WatchEvent> events);

        /** The watch ended abnormally (store closed, compacted history, disconnect). */
        default void onError(Throwable error) {
        }
    }

    /** A put or delete of one key; {@code kv.modRevision()} is the revision of the change. */
    record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {
        public enum Type { PUT, DELETE }

        public long revision() {
            return kv.modRevision();
        }
    }
}
