package io.elasticstream.broker.security;

import io.elasticstream.common.Checks;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.plain.internals.PlainSaslServer;
import org.apache.kafka.common.security.plain.internals.PlainServerCallbackHandler;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.apache.kafka.common.security.scram.internals.ScramSaslServer;
import org.apache.kafka.common.security.token.delegation.internals.DelegationTokenCredentialCallback;

/**
 * The SASL mechanisms of one SASL listener ({@code sasl.enabled.mechanisms}, per listener as in Kafka), and a
 * SASL server for each connection. PLAIN checks the {@code user_<name>="<password>"} options of the listener's
 * {@code PlainLoginModule} JAAS entry ({@code listener.name.<name>.plain.sasl.jaas.config}, or the
 * {@code KafkaServer} section of the file {@code java.security.auth.login.config} names), SCRAM-SHA-256 and
 * SCRAM-SHA-512 the credentials stored in placement metadata. Kafka's default, GSSAPI (Kerberos), is not
 * supported: unset, the setting means PLAIN (when the listener has a JAAS entry for it) and both SCRAM ones.
 */
public final class SaslMechanisms {
    private final List<String> enabled;
    private final PlainServerCallbackHandler plainUsers;
    private final Map<String, Object> configs;

    private SaslMechanisms(List<String> enabled, PlainServerCallbackHandler plainUsers, Map<String, Object> configs) {
        this.enabled = enabled;
        this.plainUsers = plainUsers;
        this.configs = configs;
    }

    static SaslMechanisms forListener(ListenerName listener, Map<String, Object> listenerProps) {
        Map<String, Object> configs = new HashMap<>(listenerProps);
        configs.replaceAll((k, v) -> k.endsWith("sasl.jaas.config") ? new Password(String.valueOf(v)) : v);
        String value = (String) listenerProps.get("sasl.enabled.mechanisms");
        List<AppConfigurationEntry> plainJaas = plainJaasEntries(listener, configs);
        List<String> enabled = new ArrayList<>();
        if (value == null || value.isBlank()) {
            if (!plainJaas.isEmpty()) {
                enabled.add(PlainSaslServer.PLAIN_MECHANISM);
            }
            enabled.addAll(ScramMechanism.mechanismNames());
        } else {
            for (String m : value.split(",")) {
                String mechanism = m.trim().toUpperCase(Locale.ROOT);
                Checks.argument(mechanism.equals(PlainSaslServer.PLAIN_MECHANISM) || ScramMechanism.isScram(mechanism),
                        "SASL mechanism %s of listener %s is not supported (PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 are)",
                        mechanism, listener.value());
                enabled.add(mechanism);
            }
        }
        PlainServerCallbackHandler plain = null;
        if (enabled.contains(PlainSaslServer.PLAIN_MECHANISM)) {
            Checks.argument(!plainJaas.isEmpty(), "listener %s enables PLAIN but has no JAAS entry for it (set "
                    + "listener.name.%s.plain.sasl.jaas.config)", listener.value(),
                    listener.value().toLowerCase(Locale.ROOT));
            plain = new PlainServerCallbackHandler();
            plain.configure(configs, PlainSaslServer.PLAIN_MECHANISM, plainJaas);
        }
        return new SaslMechanisms(List.copyOf(enabled), plain, configs);
    }

    /** The listener's JAAS entries for PLAIN, as Kafka looks them up; empty when there is no JAAS config at all. */
    private static List<AppConfigurationEntry> plainJaasEntries(ListenerName listener, Map<String, Object> configs) {
        try {
            return JaasContext.loadServerContext(listener, PlainSaslServer.PLAIN_MECHANISM, configs)
                    .configurationEntries();
        } catch (IllegalArgumentException e) {
            return List.of(); // no JAAS configuration at all
        }
    }

    public List<String> enabled() {
        return enabled;
    }

    boolean isScram(String mechanism) {
        return ScramMechanism.isScram(mechanism);
    }

    SaslServer plainServer() {
        return new PlainSaslServer(plainUsers);
    }

    /** A SCRAM server that authenticates against {@code credential} (found before the exchange started). */
    SaslServer scramServer(String mechanism, ScramCredential credential) {
        try {
            return new ScramSaslServer(ScramMechanism.forMechanismName(mechanism), configs, callbacks -> {
                for (Callback callback : callbacks) {
                    if (callback instanceof DelegationTokenCredentialCallback) {
                        continue; // no delegation tokens: left empty, so token authentication fails
                    }
                    if (callback instanceof ScramCredentialCallback c) {
                        c.scramCredential(credential);
                    } else if (!(callback instanceof NameCallback)) {
                        throw new UnsupportedCallbackException(callback);
                    }
                }
            });
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + mechanism + "'s algorithms", e);
        }
    }
}
