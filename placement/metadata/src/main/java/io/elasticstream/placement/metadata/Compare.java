package io.elasticstream.placement.metadata;

import java.util.Arrays;

/**
 * One condition of a {@link Txn}, as in etcd: compare a key's version, create or mod revision, or
 * value with a given operand. An absent key has version 0, revisions 0 and no value (a value compare
 * on an absent key is false).
 */
public record Compare(String key, Target target, Result result, long number, byte[] value) {

    public enum Target { VERSION, CREATE_REVISION, MOD_REVISION, VALUE }

    public enum Result { EQUAL, NOT_EQUAL, LESS, GREATER }

    /** The key does not exist. */
    public static Compare absent(String key) {
        return new Compare(key, Target.VERSION, Result.EQUAL, 0, null);
    }

    /** The key exists. */
    public static Compare present(String key) {
        return new Compare(key, Target.VERSION, Result.GREATER, 0, null);
    }

    /** The key was last written at exactly {@code modRevision} (0 = absent). */
    public static Compare modRevision(String key, long modRevision) {
        return new Compare(key, Target.MOD_REVISION, Result.EQUAL, modRevision, null);
    }

    public static Compare version(String key, Result result, long version) {
        return new Compare(key, Target.VERSION, result, version, null);
    }

    public static Compare valueEquals(String key, byte[] value) {
        return new Compare(key, Target.VALUE, Result.EQUAL, 0, value.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Compare c && key.equals(c.key) && target == c.target && result == c.result
                && number == c.number && Arrays.equals(value, c.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + target.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Compare[" + key + " " + target + " " + result + " " + (target == Target.VALUE ? "<value>" : number) + "]";
    }
}
