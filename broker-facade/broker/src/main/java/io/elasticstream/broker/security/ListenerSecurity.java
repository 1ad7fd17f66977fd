package io.elasticstream.broker.security;

import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * What one listener asks of its connections: TLS (SSL, SASL_SSL), a SASL exchange (SASL_PLAINTEXT, SASL_SSL),
 * both or neither (PLAINTEXT), built once from the listener's settings at start-up. The principal of a
 * connection is, as with Kafka's default principal builder, {@code User:<SASL authorization id>} after SASL,
 * {@code User:<certificate subject DN>} on TLS with a client certificate, else {@code User:ANONYMOUS}.
 */
public final class ListenerSecurity implements AutoCloseable {
    private final Listener listener;
    private final TlsEngines tls;
    private final SaslMechanisms sasl;
    private final ScramCredentialLookup credentials;

    private ListenerSecurity(Listener listener, TlsEngines tls, SaslMechanisms sasl,
                             ScramCredentialLookup credentials) {
        this.listener = listener;
        this.tls = tls;
        this.sasl = sasl;
        this.credentials = credentials;
    }

    /** Plain TCP, no authentication: for tests and tools that start a bare listener. */
    public static ListenerSecurity plaintext(Listener listener) {
        return new ListenerSecurity(listener, null, null, null);
    }

    /** The security of {@code listener} per the broker's settings {@code props} (as given). */
    public static ListenerSecurity of(Listener listener, Map<String, String> props, ScramCredentialLookup credentials) {
        Map<String, Object> settings = ListenerProperties.of(props, listener.name());
        SecurityProtocol p = listener.protocol();
        TlsEngines tls = p == SecurityProtocol.SSL || p == SecurityProtocol.SASL_SSL
                ? TlsEngines.forListener(settings) : null;
        SaslMechanisms sasl = p == SecurityProtocol.SASL_PLAINTEXT || p == SecurityProtocol.SASL_SSL
                ? SaslMechanisms.forListener(listener.listenerName(), settings) : null;
        return new ListenerSecurity(listener, tls, sasl, credentials);
    }

    public Listener listener() {
        return listener;
    }

    /** The TLS engines, or null on a listener without TLS. */
    public TlsEngines tls() {
        return tls;
    }

    /** A new SASL exchange for a connection, or null on a listener without SASL. */
    public SaslAuthenticator newAuthenticator(String connectionId) {
        return sasl == null ? null : new SaslAuthenticator(sasl, credentials, connectionId);
    }

    /** The principal of a TLS session before (or without) SASL. */
    public static KafkaPrincipal tlsPrincipal(SSLSession session) {
        try {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, session.getPeerPrincipal().getName());
        } catch (SSLPeerUnverifiedException e) {
            return KafkaPrincipal.ANONYMOUS; // no client certificate (ssl.client.auth=none or requested)
        }
    }

    @Override
    public void close() {
        if (tls != null) {
            tls.close();
        }
    }
}
