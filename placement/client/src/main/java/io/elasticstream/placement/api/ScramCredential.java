package io.elasticstream.placement.api;

import java.util.Arrays;

/**
 * One user's SCRAM credential for one mechanism, as Kafka keeps it (RFC 5802): the salt, the iteration count and
 * the two keys derived from the salted password. The password itself, and the salted password, are never
 * stored. Equality compares the bytes.
 *
 * @param user       the user name (the SCRAM authentication identity)
 * @param mechanism  {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
 * @param salt       the salt
 * @param storedKey  H(HMAC(saltedPassword, "Client Key"))
 * @param serverKey  HMAC(saltedPassword, "Server Key")
 * @param iterations the iteration count
 */
public record ScramCredential(String user, String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey,
                              int iterations) {
    public ScramCredential {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] storedKey() {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey() {
        return serverKey.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScramCredential c && user.equals(c.user) && mechanism.equals(c.mechanism)
                && Arrays.equals(salt, c.salt) && Arrays.equals(storedKey, c.storedKey)
                && Arrays.equals(serverKey, c.serverKey) && iterations == c.iterations;
    }

    @Override
    public int hashCode() {
        return (user.hashCode() * 31 + mechanism.hashCode()) * 31 + Arrays.hashCode(storedKey);
    }

    @Override
    public String toString() {
        // Never the keys: a log line must not carry what would let someone impersonate the server.
        return "ScramCredential[user=" + user + ", mechanism=" + mechanism + ", iterations=" + iterations
                + ", salt=" + salt.length + " bytes]";
    }

    /** A user and mechanism: what a deletion names. */
    public record Key(String user, String mechanism) {
    }
}
