/**
 * The metadata store: a revisioned key-value store with etcd v3 semantics (revisions, compare-and-set
 * transactions, prefix watches, leases). {@link io.elasticstream.placement.metadata.MetadataStore} is the
 * interface; {@link io.elasticstream.placement.metadata.EmbeddedMetadataStore} the standalone
 * implementation persisted in the data directory. The etcd implementation will live beside it.
 *
 * <p>Only the placement driver writes placement metadata; other roles read through watches.
 * Depends on {@code io.elasticstream.common} only.
 */
package io.elasticstream.placement.metadata;
