/**
 * The metadata store: a revisioned key-value store with etcd v3 semantics (revisions, compare-and-set
 * transactions, prefix watches, leases). {@link io.elasticstream.placement.metadata.MetadataStore} is the
 * interface; {@link io.elasticstream.placement.metadata.EmbeddedMetadataStore} the standalone
 * implementation persisted in the data directory. The etcd implementation will live beside it.
 *
 * <p>Only the placement driver writes placement metadata; other roles read through watches.
 *
 * <p>Embedded store internals: {@code KvState} is the single-threaded state machine, {@code LogEntry} and
 * {@code LogCodec} the persisted formats, {@code MetadataLog} the directory (snapshot, log generations,
 * recovery), {@code WatchHub} the watch history and delivery. One owner thread per store applies every
 * request and does all file I/O; listeners run on one delivery thread per store; futures complete on
 * the common fork-join pool.
 *
 * <p>Depends on {@code io.elasticstream.common} and slf4j only.
 */
package io.elasticstream.placement.metadata;
