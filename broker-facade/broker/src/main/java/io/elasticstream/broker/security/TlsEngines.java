package io.elasticstream.broker.security;

import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.network.ConnectionMode;
import org.apache.kafka.common.security.ssl.SslFactory;

/**
 * Server-side TLS engines of one SSL or SASL_SSL listener, built by Kafka's own {@link SslFactory} from the
 * listener's {@code ssl.*} settings (so PEM, PKCS12 and JKS key and trust stores, {@code ssl.client.auth},
 * {@code ssl.enabled.protocols} and the cipher settings mean what they mean in Kafka; TLS 1.3 by default). The
 * settings are checked once, at start-up: a missing or unreadable key store fails the broker with Kafka's error.
 */
public final class TlsEngines implements AutoCloseable {
    private static final ConfigDef SSL_CONFIGS = new ConfigDef().withClientSslSupport()
            .define(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, ConfigDef.Type.STRING,
                    BrokerSecurityConfigs.SSL_CLIENT_AUTH_DEFAULT, ConfigDef.Importance.MEDIUM,
                    BrokerSecurityConfigs.SSL_CLIENT_AUTH_DOC);

    private final SslFactory factory;

    private TlsEngines(SslFactory factory) {
        this.factory = factory;
    }

    /** The engines of the listener whose settings are {@code listenerProps} (see {@link ListenerProperties}). */
    static TlsEngines forListener(Map<String, Object> listenerProps) {
        Map<String, Object> configs = new HashMap<>(listenerProps);
        configs.putAll(SSL_CONFIGS.parse(listenerProps));
        // Clients check the host name; a server checks nothing about the client's name.
        configs.put("ssl.endpoint.identification.algorithm", "");
        SslFactory factory = new SslFactory(ConnectionMode.SERVER);
        factory.configure(configs);
        return new TlsEngines(factory);
    }

    /** A new engine for a connection from {@code peerHost}:{@code peerPort}. */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        return factory.createSslEngine(peerHost, peerPort);
    }

    @Override
    public void close() {
        factory.close();
    }
}
