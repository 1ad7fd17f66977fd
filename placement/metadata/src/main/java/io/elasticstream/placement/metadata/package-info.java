/**
 * The metadata store: a revisioned key-value store with etcd v3 semantics (revisions, compare-and-set
 * transactions, prefix watches, leases). {@link io.elasticstream.placement.metadata.MetadataStore} is the
 * interface and states the guarantees; both implementations pass one contract test suite.
 *
 * <p>{@link io.elasticstream.placement.metadata.EmbeddedMetadataStore} (standalone mode) persists to the
 * data directory. Revisions start at 1 in an empty directory and survive restarts; a completed write is
 * fsynced; lease time runs on the injected clock and restarts give surviving leases a full TTL; watch
 * history is kept in memory (a bounded number of recent events) so watches cannot start before the
 * revision the store was opened at. Internals: {@code KvState} is the single-threaded state machine,
 * {@code LogEntry} and {@code LogCodec} the persisted formats, {@code MetadataLog} the directory
 * (snapshot, log generations, recovery), {@code WatchHub} the watch history and delivery. One owner
 * thread per store applies every request and does all file I/O.
 *
 * <p>{@link io.elasticstream.placement.metadata.EtcdMetadataStore} (cluster mode) maps the interface 1:1
 * onto etcd v3 through jetcd: every key is stored under a configurable key prefix (stripped on the way
 * back), a {@link io.elasticstream.placement.metadata.Txn} is one etcd Txn, and revisions, versions and
 * lease ids are etcd's own. Revisions are therefore the cluster-wide etcd revision: strictly increasing
 * and durable (raft), but not starting at 1, and they may jump by writes outside the prefix. Lease TTLs
 * are rounded up to whole seconds and etcd enforces its minimum TTL; expiry is etcd's (checked about
 * every 500 ms). Watch history is what etcd has not compacted. Watches resume themselves after a
 * disconnect or an etcd restart from the last delivered revision + 1, dropping anything already
 * delivered; connection trouble surfaces as {@code MetadataStoreException.Unavailable} on calls.
 *
 * <p>Threading: all methods are thread-safe and non-blocking. Futures complete on the common fork-join
 * pool (never on a store's internal or jetcd's network threads); watch listeners run on one delivery
 * thread per store.
 *
 * <p>Only the placement driver writes placement metadata; other roles read through watches.
 *
 * <p>Depends on {@code io.elasticstream.common}, slf4j and jetcd (etcd store only).
 */
package io.elasticstream.placement.metadata;
