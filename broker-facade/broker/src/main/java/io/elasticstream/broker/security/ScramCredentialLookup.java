package io.elasticstream.broker.security;

import io.elasticstream.placement.api.PlacementService;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;

/**
 * Finds a user's SCRAM credential in placement metadata, read afresh for each authentication (so a credential
 * altered or deleted takes effect on the next connection, on every broker). A user without one gets a decoy: a
 * salt derived from the user name with a key random to this broker (the same salt every time, as a real user's
 * would be) and keys nobody knows, so the exchange runs to the end and fails like a wrong password, and a client
 * cannot tell from the answers, or their timing, whether the user exists.
 */
public final class ScramCredentialLookup {
    private static final int DECOY_SALT_BYTES = 24;
    private final PlacementService placement;
    private final SecureRandom random = new SecureRandom();
    private final byte[] decoyKey = new byte[32];

    public ScramCredentialLookup(PlacementService placement) {
        this.placement = placement;
        random.nextBytes(decoyKey);
    }

    /** The credential of {@code user} for {@code mechanism}, or a decoy when there is none. */
    CompletableFuture<ScramCredential> find(String user, ScramMechanism mechanism) {
        return placement.scramCredentials(user).thenApply(credentials -> credentials.stream()
                .filter(c -> c.mechanism().equals(mechanism.mechanismName()))
                .findFirst()
                .map(c -> new ScramCredential(c.salt(), c.storedKey(), c.serverKey(), c.iterations()))
                .orElseGet(() -> decoy(user, mechanism)));
    }

    private ScramCredential decoy(String user, ScramMechanism mechanism) {
        byte[] storedKey = new byte[64];
        byte[] serverKey = new byte[64];
        random.nextBytes(storedKey);
        random.nextBytes(serverKey);
        return new ScramCredential(decoySalt(user, mechanism), storedKey, serverKey, mechanism.minIterations());
    }

    private byte[] decoySalt(String user, ScramMechanism mechanism) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(decoyKey, "HmacSHA256"));
            byte[] digest = mac.doFinal((mechanism.mechanismName() + "/" + user).getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(digest, DECOY_SALT_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
