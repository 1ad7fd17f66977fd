package io.elasticstream.broker.security;

import io.elasticstream.placement.api.ScramCredential;
import java.security.GeneralSecurityException;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * SCRAM credentials as stored: the keys derived from a salted password (RFC 5802), and Kafka's bounds on the
 * iteration count. Shared by AlterUserScramCredentials (the client sends the salted password) and
 * {@code --add-scram} (the password is salted here first).
 */
public final class ScramKeys {
    private ScramKeys() {
    }

    /** Kafka's refusal of {@code iterations} for {@code mechanism} ("Too few iterations", ...), or null. */
    public static String iterationsRefusal(ScramMechanism mechanism, int iterations) {
        if (iterations < mechanism.minIterations()) {
            return "Too few iterations";
        }
        if (iterations > mechanism.maxIterations()) {
            return "Too many iterations";
        }
        return null;
    }

    /** The credential of {@code user} whose password, salted with {@code salt}, is {@code saltedPassword}. */
    public static ScramCredential fromSaltedPassword(String user, ScramMechanism mechanism, byte[] salt,
                                                     byte[] saltedPassword, int iterations) {
        try {
            var derived = new ScramFormatter(mechanism).generateCredential(salt, saltedPassword, iterations);
            return new ScramCredential(user, mechanism.mechanismName(), derived.salt(), derived.storedKey(),
                    derived.serverKey(), derived.iterations());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + mechanism.mechanismName() + "'s algorithms", e);
        }
    }

    /** The credential of {@code user} with {@code password}, salted with {@code salt}. */
    public static ScramCredential fromPassword(String user, ScramMechanism mechanism, String password, byte[] salt,
                                               int iterations) {
        try {
            byte[] salted = new ScramFormatter(mechanism).saltedPassword(password, salt, iterations);
            return fromSaltedPassword(user, mechanism, salt, salted, iterations);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + mechanism.mechanismName() + "'s algorithms", e);
        }
    }
}
