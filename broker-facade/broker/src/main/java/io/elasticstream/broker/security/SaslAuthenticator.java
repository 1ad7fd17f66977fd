package io.elasticstream.broker.security;

import java.util.concurrent.CompletableFuture;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramMessages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SASL exchange of one connection, as Kafka's broker runs it: until it completes, only ApiVersions,
 * SaslHandshake (v1: naming the mechanism) and SaslAuthenticate (each carrying one token) are accepted. A
 * mechanism not enabled is answered UNSUPPORTED_SASL_MECHANISM with the enabled ones, a failed exchange
 * SASL_AUTHENTICATION_FAILED with Kafka's message; after either the connection is closed. Success makes the
 * principal {@code User:<authorization id>}. Calls come from the connection's event loop one at a time (a client
 * waits for each answer); a SCRAM exchange first fetches the user's credential without blocking it.
 */
public final class SaslAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(SaslAuthenticator.class);

    private enum State { HANDSHAKE, AUTHENTICATE, COMPLETE, FAILED }

    private final SaslMechanisms mechanisms;
    private final ScramCredentialLookup credentials;
    private final String connection;
    private State state = State.HANDSHAKE;
    private String mechanism;
    private SaslServer server;
    private KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;

    public SaslAuthenticator(SaslMechanisms mechanisms, ScramCredentialLookup credentials, String connection) {
        this.mechanisms = mechanisms;
        this.credentials = credentials;
        this.connection = connection;
    }

    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** Whether the connection must be closed once the last answer is written. */
    public boolean hasFailed() {
        return state == State.FAILED;
    }

    public KafkaPrincipal principal() {
        return principal;
    }

    /** SaslHandshake: picks the mechanism. */
    public SaslHandshakeResponseData handshake(String requested) {
        SaslHandshakeResponseData response = new SaslHandshakeResponseData().setMechanisms(mechanisms.enabled());
        if (state != State.HANDSHAKE) {
            state = State.FAILED;
            return response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code());
        }
        if (!mechanisms.enabled().contains(requested)) {
            LOG.info("Connection {}: SASL mechanism {} not enabled (enabled: {}); closing", connection, requested,
                    mechanisms.enabled());
            state = State.FAILED;
            return response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        }
        mechanism = requested;
        state = State.AUTHENTICATE;
        return response.setErrorCode(Errors.NONE.code());
    }

    /** SaslAuthenticate: one token of the exchange; the answer carries the server's next token. */
    public CompletableFuture<SaslAuthenticateResponseData> authenticate(byte[] token) {
        if (state != State.AUTHENTICATE) {
            state = State.FAILED;
            return CompletableFuture.completedFuture(failure(Errors.ILLEGAL_SASL_STATE,
                    "Unexpected SaslAuthenticate request before a successful SaslHandshake"));
        }
        if (server != null) {
            return CompletableFuture.completedFuture(evaluate(token));
        }
        if (!mechanisms.isScram(mechanism)) {
            server = mechanisms.plainServer();
            return CompletableFuture.completedFuture(evaluate(token));
        }
        String user;
        try {
            user = ScramFormatter.username(new ScramMessages.ClientFirstMessage(token).saslName());
        } catch (SaslException | IllegalArgumentException e) {
            return CompletableFuture.completedFuture(failed("Authentication failed: invalid SCRAM client-first "
                    + "message: " + e.getMessage()));
        }
        return credentials.find(user, ScramMechanism.forMechanismName(mechanism)).handle((credential, err) -> {
            if (err != null) {
                state = State.FAILED;
                LOG.warn("Connection {}: SCRAM credential of '{}' not readable: {}", connection, user, err.toString());
                return failure(Errors.SASL_AUTHENTICATION_FAILED,
                        "Authentication failed: the credential store is not reachable; try again");
            }
            server = mechanisms.scramServer(mechanism, credential);
            return evaluate(token);
        });
    }

    private SaslAuthenticateResponseData evaluate(byte[] token) {
        try {
            byte[] challenge = server.evaluateResponse(token);
            if (server.isComplete()) {
                state = State.COMPLETE;
                principal = new KafkaPrincipal(KafkaPrincipal.USER_TYPE, server.getAuthorizationID());
                LOG.debug("Connection {}: authenticated as {} with {}", connection, principal, mechanism);
            }
            return new SaslAuthenticateResponseData().setErrorCode(Errors.NONE.code())
                    .setAuthBytes(challenge == null ? new byte[0] : challenge).setSessionLifetimeMs(0);
        } catch (SaslAuthenticationException e) {
            return failed(e.getMessage());
        } catch (SaslException | RuntimeException e) {
            return failed("Authentication failed during authentication due to invalid credentials with SASL "
                    + "mechanism " + mechanism);
        }
    }

    private SaslAuthenticateResponseData failed(String message) {
        state = State.FAILED;
        LOG.info("Connection {}: SASL {} authentication failed: {}", connection, mechanism, message);
        return failure(Errors.SASL_AUTHENTICATION_FAILED, message);
    }

    private static SaslAuthenticateResponseData failure(Errors error, String message) {
        return new SaslAuthenticateResponseData().setErrorCode(error.code()).setErrorMessage(message)
                .setAuthBytes(new byte[0]);
    }
}
