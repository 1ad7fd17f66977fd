/**
 * Security of the Kafka listeners, with Kafka's property names: several listeners at once ({@link Listeners}:
 * {@code listeners}, {@code advertised.listeners}, {@code listener.security.protocol.map}), TLS on the SSL and
 * SASL_SSL ones ({@link TlsEngines}: Kafka's {@code ssl.*} settings, PEM, PKCS12 and JKS stores, through Kafka's
 * own {@code SslFactory} on the JDK's SSLEngine), and SASL on the SASL_PLAINTEXT and SASL_SSL ones
 * ({@link SaslAuthenticator}, one per connection: SaslHandshake then SaslAuthenticate; PLAIN against the users
 * of the listener's JAAS config, SCRAM-SHA-256/512 against the credentials in placement metadata, see
 * {@link ScramCredentialLookup}). Depends on the placement API and Kafka's client classes; the Netty pipeline
 * lives in {@code net}, which uses these.
 */
package io.elasticstream.broker.security;
