package io.elasticstream.placement.metadata;

/** One operation in a branch of a {@link Txn}. */
public sealed interface Op {

    /** Writes {@code value} at {@code key}, attached to {@code leaseId} (0 = no lease). */
    record Put(String key, byte[] value, long leaseId) implements Op {
    }

    /** Deletes {@code key} if present. */
    record Delete(String key) implements Op {
    }

    /** Deletes every key starting with {@code prefix}. */
    record DeletePrefix(String prefix) implements Op {
    }

    /** Reads {@code key} (or every key under it when {@code prefix}) as of this transaction. */
    record Get(String key, boolean prefix) implements Op {
    }

    static Op put(String key, byte[] value) {
        return new Put(key, value, 0);
    }

    static Op put(String key, byte[] value, long leaseId) {
        return new Put(key, value, leaseId);
    }

    static Op delete(String key) {
        return new Delete(key);
    }

    static Op deletePrefix(String prefix) {
        return new DeletePrefix(prefix);
    }

    static Op get(String key) {
        return new Get(key, false);
    }

    static Op getPrefix(String prefix) {
        return new Get(prefix, true);
    }
}
