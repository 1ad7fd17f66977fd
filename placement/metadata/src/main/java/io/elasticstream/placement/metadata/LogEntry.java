package io.elasticstream.placement.metadata;

import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import java.util.List;

/**
 * One committed mutation of the embedded store as it is written to the log: the store revision after
 * it, leases granted, leases revoked and the resulting key changes. Replaying the entries in order on
 * top of the snapshot they follow rebuilds the state exactly.
 */
record LogEntry(long revision, List<Grant> grants, List<Long> revokes, List<Change> changes) {

    LogEntry {
        grants = List.copyOf(grants);
        revokes = List.copyOf(revokes);
        changes = List.copyOf(changes);
    }

    /** A lease granted with its TTL. */
    record Grant(long leaseId, long ttlMs) {
    }

    /** The new state of one key: {@code kv} after a put, or null when the key was deleted. */
    record Change(String key, KeyValue kv) {
        static Change put(KeyValue kv) {
            return new Change(kv.key(), kv);
        }

        static Change delete(String key) {
            return new Change(key, null);
        }
    }
}
