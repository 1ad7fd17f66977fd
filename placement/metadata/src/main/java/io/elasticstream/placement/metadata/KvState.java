package io.elasticstream.placement.metadata;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.TxnResult;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The in-memory state machine of the embedded store: keys, the store revision and leases, with
 * etcd v3 semantics. Pure and single-threaded (the store's owner thread); it does no I/O. Every
 * mutation returns the {@link LogEntry} that reproduces it on replay, and the watch events it caused.
 *
 * <p>etcd rules kept here: the store starts at revision 1; a transaction that changes at least one key
 * gets revision + 1 and every key it writes gets that modRevision; a delete of an absent key is not a
 * change; a transaction may not write the same key twice (nor put a key it also deletes); a put naming
 * a lease that does not exist (or is past its deadline) fails the whole transaction; Gets inside a
 * transaction see the writes made earlier in the same transaction.
 */
final class KvState {
    /** The revision of an empty store, as in etcd. */
    static final long INITIAL_REVISION = 1;

    private static final byte[] NO_VALUE = new byte[0];

    /** Keys are ordered as etcd orders them: by their UTF-8 bytes, which is code point order. */
    static final Comparator<String> KEY_ORDER = KvState::compareKeys;

    private final TreeMap<String, KeyValue> kvs = new TreeMap<>(KEY_ORDER);
    private final Map<Long, Lease> leases = new HashMap<>();
    private long revision = INITIAL_REVISION;
    private long nextLeaseId = 1;

    /** A granted lease: its TTL, the monotonic deadline of its next expiry and the keys attached. */
    static final class Lease {
        final long id;
        final long ttlMs;
        long deadlineMs;
        final SortedSet<String> keys = new TreeSet<>(KEY_ORDER);

        Lease(long id, long ttlMs, long deadlineMs) {
            this.id = id;
            this.ttlMs = ttlMs;
            this.deadlineMs = deadlineMs;
        }
    }

    /** What a mutation did: the client-visible result, the log entry to persist (null: nothing to persist), the events. */
    record Outcome<T>(T result, LogEntry entry, List<WatchEvent> events) {
    }

    long revision() {
        return revision;
    }

    long nextLeaseId() {
        return nextLeaseId;
    }

    Collection<KeyValue> keyValues() {
        return kvs.values();
    }

    /** Leases sorted by id. */
    List<Lease> leases() {
        List<Lease> all = new ArrayList<>(leases.values());
        all.sort(Comparator.comparingLong(l -> l.id));
        return all;
    }

    KeyValue get(String key) {
        return kvs.get(key);
    }

    List<KeyValue> range(String prefix) {
        List<KeyValue> out = new ArrayList<>();
        for (KeyValue kv : kvs.tailMap(prefix, true).values()) {
            if (!kv.key().startsWith(prefix)) {
                break;
            }
            out.add(kv);
        }
        return List.copyOf(out);
    }

    // ---------------------------------------------------------------- transactions

    Outcome<TxnResult> txn(Txn txn, long nowMs) {
        for (Compare compare : txn.compares()) {
            if (compare.key() == null || compare.target() == null || compare.result() == null) {
                throw new MetadataStoreException("incomplete compare " + compare);
            }
        }
        boolean succeeded = true;
        for (Compare compare : txn.compares()) {
            if (!holds(compare)) {
                succeeded = false;
                break;
            }
        }
        List<Op> ops = succeeded ? txn.success() : txn.failure();
        validate(ops, nowMs);
        long changeRevision = revision + 1;
        List<WatchEvent> events = new ArrayList<>();
        List<List<KeyValue>> results = new ArrayList<>(ops.size());
        for (Op op : ops) {
            switch (op) {
                case Op.Put put -> {
                    events.add(applyPut(put.key(), put.value().clone(), put.leaseId(), changeRevision));
                    results.add(List.of());
                }
                case Op.Delete delete -> {
                    WatchEvent event = applyDelete(delete.key(), changeRevision);
                    if (event != null) {
                        events.add(event);
                    }
                    results.add(List.of());
                }
                case Op.DeletePrefix deletePrefix -> {
                    for (KeyValue kv : range(deletePrefix.prefix())) {
                        events.add(applyDelete(kv.key(), changeRevision));
                    }
                    results.add(List.of());
                }
                case Op.Get get -> {
                    if (get.prefix()) {
                        results.add(range(get.key()));
                    } else {
                        KeyValue kv = kvs.get(get.key());
                        results.add(kv == null ? List.of() : List.of(kv));
                    }
                }
            }
        }
        LogEntry entry = null;
        if (!events.isEmpty()) {
            revision = changeRevision;
            entry = new LogEntry(revision, List.of(), List.of(), changes(events));
        }
        return new Outcome<>(new TxnResult(succeeded, revision, List.copyOf(results)), entry, List.copyOf(events));
    }

    private boolean holds(Compare compare) {
        KeyValue kv = kvs.get(compare.key());
        int order;
        switch (compare.target()) {
            case VALUE -> {
                if (kv == null) {
                    return false; // etcd: a value compare on an absent key always fails
                }
                byte[] operand = compare.value() == null ? NO_VALUE : compare.value();
                order = Arrays.compareUnsigned(kv.value(), operand);
            }
            case VERSION -> order = Long.compare(kv == null ? 0 : kv.version(), compare.number());
            case CREATE_REVISION -> order = Long.compare(kv == null ? 0 : kv.createRevision(), compare.number());
            case MOD_REVISION -> order = Long.compare(kv == null ? 0 : kv.modRevision(), compare.number());
            default -> throw new IllegalStateException("unknown compare target " + compare.target());
        }
        return switch (compare.result()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case LESS -> order < 0;
            case GREATER -> order > 0;
        };
    }

    /** Rejects the branch before anything is applied, so a failed transaction changes nothing. */
    private void validate(List<Op> ops, long nowMs) {
        Set<String> putKeys = new HashSet<>();
        List<String> deletedPrefixes = new ArrayList<>();
        Set<String> deletedKeys = new HashSet<>();
        for (Op op : ops) {
            switch (op) {
                case Op.Put put -> {
                    requireKey(put.key());
                    if (put.value() == null) {
                        throw new MetadataStoreException("null value for key " + put.key());
                    }
                    if (!StandardCharsets.UTF_8.newEncoder().canEncode(put.key())) {
                        throw new MetadataStoreException("key is not valid UTF-16 text: " + put.key());
                    }
                    if (!putKeys.add(put.key())) {
                        throw new MetadataStoreException("duplicate key given in txn request: " + put.key());
                    }
                    if (put.leaseId() != 0 && liveLease(put.leaseId(), nowMs) == null) {
                        throw new MetadataStoreException.LeaseNotFound(put.leaseId());
                    }
                }
                case Op.Delete delete -> {
                    requireKey(delete.key());
                    deletedKeys.add(delete.key());
                }
                case Op.DeletePrefix deletePrefix -> deletedPrefixes.add(requirePrefix(deletePrefix.prefix()));
                case Op.Get get -> {
                    if (get.prefix()) {
                        requirePrefix(get.key());
                    } else {
                        requireKey(get.key());
                    }
                }
            }
        }
        for (String key : putKeys) {
            boolean deleted = deletedKeys.contains(key);
            for (String prefix : deletedPrefixes) {
                deleted |= key.startsWith(prefix);
            }
            if (deleted) {
                throw new MetadataStoreException("duplicate key given in txn request: " + key + " is both put and deleted");
            }
        }
    }

    private static void requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new MetadataStoreException("key is not provided");
        }
    }

    private static String requirePrefix(String prefix) {
        if (prefix == null) {
            throw new MetadataStoreException("prefix is null");
        }
        return prefix;
    }

    private WatchEvent applyPut(String key, byte[] value, long leaseId, long changeRevision) {
        KeyValue prev = kvs.get(key);
        KeyValue kv = prev == null
                ? new KeyValue(key, value, changeRevision, changeRevision, 1, leaseId)
                : new KeyValue(key, value, prev.createRevision(), changeRevision, prev.version() + 1, leaseId);
        install(kv);
        return new WatchEvent(WatchEvent.Type.PUT, kv, prev);
    }

    /** Returns null when the key is absent (not a change, as in etcd). */
    private WatchEvent applyDelete(String key, long changeRevision) {
        KeyValue prev = uninstall(key);
        if (prev == null) {
            return null;
        }
        KeyValue tombstone = new KeyValue(key, NO_VALUE, 0, changeRevision, 0, 0);
        return new WatchEvent(WatchEvent.Type.DELETE, tombstone, prev);
    }

    private void install(KeyValue kv) {
        KeyValue prev = kvs.put(kv.key(), kv);
        if (prev != null && prev.leaseId() != 0) {
            leases.get(prev.leaseId()).keys.remove(prev.key());
        }
        if (kv.leaseId() != 0) {
            Lease lease = leases.get(kv.leaseId());
            Checks.state(lease != null, "key %s attached to unknown lease %d", kv.key(), kv.leaseId());
            lease.keys.add(kv.key());
        }
    }

    private KeyValue uninstall(String key) {
        KeyValue prev = kvs.remove(key);
        if (prev != null && prev.leaseId() != 0) {
            leases.get(prev.leaseId()).keys.remove(key);
        }
        return prev;
    }

    private static List<LogEntry.Change> changes(List<WatchEvent> events) {
        List<LogEntry.Change> changes = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            changes.add(event.type() == WatchEvent.Type.PUT
                    ? LogEntry.Change.put(event.kv())
                    : LogEntry.Change.delete(event.kv().key()));
        }
        return List.copyOf(changes);
    }

    // ---------------------------------------------------------------- leases

    private Lease liveLease(long leaseId, long nowMs) {
        Lease lease = leases.get(leaseId);
        return lease == null || lease.deadlineMs <= nowMs ? null : lease;
    }

    Outcome<Long> grantLease(long ttlMs, long nowMs) {
        Checks.argument(ttlMs > 0, "lease ttlMs must be positive, got %d", ttlMs);
        long id = nextLeaseId++;
        leases.put(id, new Lease(id, ttlMs, nowMs + ttlMs));
        LogEntry entry = new LogEntry(revision, List.of(new LogEntry.Grant(id, ttlMs)), List.of(), List.of());
        return new Outcome<>(id, entry, List.of());
    }

    /** Refreshes the deadline; a lease past its deadline is gone even if not yet revoked (as in etcd). */
    void keepAlive(long leaseId, long nowMs) {
        Lease lease = liveLease(leaseId, nowMs);
        if (lease == null) {
            throw new MetadataStoreException.LeaseNotFound(leaseId);
        }
        lease.deadlineMs = nowMs + lease.ttlMs;
    }

    /** Revokes a lease and deletes its keys in one revision; null when the lease does not exist. */
    Outcome<Void> revokeLease(long leaseId) {
        Lease lease = leases.get(leaseId);
        if (lease == null) {
            return null;
        }
        long changeRevision = revision + 1;
        List<WatchEvent> events = new ArrayList<>();
        for (String key : List.copyOf(lease.keys)) {
            events.add(applyDelete(key, changeRevision));
        }
        Checks.state(lease.keys.isEmpty(), "lease %d still has keys after revoke", leaseId);
        leases.remove(leaseId);
        if (!events.isEmpty()) {
            revision = changeRevision;
        }
        LogEntry entry = new LogEntry(revision, List.of(), List.of(leaseId), changes(events));
        return new Outcome<>(null, entry, List.copyOf(events));
    }

    /** Revokes every lease whose deadline has passed, each in its own revision, in id order. */
    List<Outcome<Void>> expireLeases(long nowMs) {
        List<Long> due = new ArrayList<>();
        for (Lease lease : leases.values()) { // runs after every batch: cheap when nothing is due
            if (lease.deadlineMs <= nowMs) {
                due.add(lease.id);
            }
        }
        if (due.isEmpty()) {
            return List.of();
        }
        due.sort(null);
        List<Outcome<Void>> outcomes = new ArrayList<>(due.size());
        for (long leaseId : due) {
            outcomes.add(revokeLease(leaseId));
        }
        return outcomes;
    }

    /** After a restart every lease gets a full TTL from now, as etcd does on a leader change. */
    void resetLeaseDeadlines(long nowMs) {
        for (Lease lease : leases.values()) {
            lease.deadlineMs = nowMs + lease.ttlMs;
        }
    }

    // ---------------------------------------------------------------- recovery

    /** Loads a snapshot into an empty state. */
    void restore(long snapshotRevision, long snapshotNextLeaseId, List<LogEntry.Grant> snapshotLeases, List<KeyValue> snapshotKvs) {
        Checks.state(kvs.isEmpty() && leases.isEmpty() && revision == INITIAL_REVISION, "restore into a non-empty state");
        Checks.state(snapshotRevision >= INITIAL_REVISION, "snapshot revision %d", snapshotRevision);
        revision = snapshotRevision;
        nextLeaseId = snapshotNextLeaseId;
        for (LogEntry.Grant grant : snapshotLeases) {
            Checks.state(grant.leaseId() < nextLeaseId, "snapshot lease %d >= next lease id %d", grant.leaseId(), nextLeaseId);
            leases.put(grant.leaseId(), new Lease(grant.leaseId(), grant.ttlMs(), 0));
        }
        for (KeyValue kv : snapshotKvs) {
            Checks.state(kv.modRevision() <= revision, "snapshot key %s at revision %d > %d", kv.key(), kv.modRevision(), revision);
            install(kv);
        }
    }

    /** Re-applies one persisted entry during recovery. */
    void replay(LogEntry entry) {
        boolean changesKeys = !entry.changes().isEmpty();
        Checks.state(changesKeys ? entry.revision() == revision + 1 : entry.revision() == revision,
                "log entry at revision %d does not follow store revision %d", entry.revision(), revision);
        for (LogEntry.Grant grant : entry.grants()) {
            Checks.state(grant.leaseId() >= nextLeaseId, "lease id %d granted twice", grant.leaseId());
            leases.put(grant.leaseId(), new Lease(grant.leaseId(), grant.ttlMs(), 0));
            nextLeaseId = grant.leaseId() + 1;
        }
        for (LogEntry.Change change : entry.changes()) {
            if (change.kv() != null) {
                Checks.state(change.kv().modRevision() == entry.revision(), "put of %s at %d in entry %d",
                        change.key(), change.kv().modRevision(), entry.revision());
                install(change.kv());
            } else {
                Checks.state(uninstall(change.key()) != null, "log deletes absent key %s", change.key());
            }
        }
        for (long leaseId : entry.revokes()) {
            Lease lease = leases.remove(leaseId);
            Checks.state(lease != null && lease.keys.isEmpty(), "revoked lease %d unknown or still has keys", leaseId);
        }
        revision = entry.revision();
    }

    // ---------------------------------------------------------------- key order

    private static int compareKeys(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
