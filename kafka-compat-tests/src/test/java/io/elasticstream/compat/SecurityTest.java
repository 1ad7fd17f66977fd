package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue #16's listeners, TLS and SASL, with real Kafka 4.4 clients against a standalone server that has four
 * listeners at once, configured with Kafka's property names: PLAINTEXT (the first, for admin set-up), SASL_PLAINTEXT
 * with PLAIN (JAAS users) and SCRAM-SHA-256, SSL (a PKCS12 key store made here with keytool), and SASL_SSL with
 * SCRAM-SHA-512. SCRAM users are created through AlterUserScramCredentials, as {@code kafka-configs} does. Each
 * listener carries a produce and a group consume (so Metadata and FindCoordinator must answer each listener's own
 * endpoints); wrong passwords and unknown users fail authentication with the same message, and a request other
 * than ApiVersions or SASL before authenticating closes the connection.
 */
class SecurityTest {
    private static final String STORE_PASSWORD = "store-secret";
    private static StandaloneServer server;
    private static Path certs;
    private static int saslPlaintextPort;
    private static int sslPort;
    private static int saslSslPort;

    @BeforeAll
    static void start() throws Exception {
        certs = Files.createTempDirectory(StandaloneServer.targetDir(StandaloneServer.esHome()), "certs-");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", certs.resolve("broker.p12").toString(), "-storepass", STORE_PASSWORD,
                "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", certs.resolve("broker.p12").toString(),
                "-storepass", STORE_PASSWORD, "-file", certs.resolve("ca.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certs.resolve("ca.pem").toString(),
                "-storetype", "PKCS12", "-keystore", certs.resolve("trust.p12").toString(), "-storepass", STORE_PASSWORD);
        saslPlaintextPort = FreePorts.find();
        sslPort = FreePorts.find();
        saslSslPort = FreePorts.find();
        Map<String, String> overrides = new HashMap<>();
        overrides.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:" + saslPlaintextPort
                + ",SSL://127.0.0.1:" + sslPort + ",SECURE://127.0.0.1:" + saslSslPort);
        overrides.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SECURE:SASL_SSL");
        overrides.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256");
        overrides.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"alice-secret\";");
        overrides.put("listener.name.secure.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        overrides.put("ssl.keystore.type", "PKCS12");
        overrides.put("ssl.keystore.location", certs.resolve("broker.p12").toString());
        overrides.put("ssl.keystore.password", STORE_PASSWORD);
        overrides.put("ssl.key.password", STORE_PASSWORD);
        server = StandaloneServer.startNew("security", overrides);
        try (Admin admin = Clients.admin(server.bootstrapServers())) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            "bob-secret"),
                    new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            "carol-secret"))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void plainUsersOfTheJaasConfigProduceAndConsumeOverSaslPlaintext() throws Exception {
        roundTrip(sasl("SASL_PLAINTEXT", saslPlaintextPort, "PLAIN", "alice", "alice-secret"), "sec-plain");
    }

    @Test
    void scramSha256UsersCreatedThroughTheAdminApiProduceAndConsume() throws Exception {
        roundTrip(sasl("SASL_PLAINTEXT", saslPlaintextPort, "SCRAM-SHA-256", "bob", "bob-secret"), "sec-scram256");
    }

    @Test
    void tlsClientsProduceAndConsumeWithTheBrokersCertificateTrusted() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + sslPort);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        trust(config);
        roundTrip(config, "sec-ssl");
    }

    @Test
    void scramSha512OverSaslSslProducesAndConsumesInAGroup() throws Exception {
        Map<String, Object> config = sasl("SASL_SSL", saslSslPort, "SCRAM-SHA-512", "carol", "carol-secret");
        trust(config);
        roundTrip(config, "sec-scram512");
    }

    @Test
    void aWrongPasswordAndAnUnknownUserFailAuthenticationAlike() {
        String wrong = authenticationFailure(sasl("SASL_PLAINTEXT", saslPlaintextPort, "SCRAM-SHA-256", "bob", "nope"));
        String unknown = authenticationFailure(sasl("SASL_PLAINTEXT", saslPlaintextPort, "SCRAM-SHA-256", "mallory",
                "nope"));
        assertEquals(wrong, unknown, "an unknown user must not be told apart from a wrong password");
        String plain = authenticationFailure(sasl("SASL_PLAINTEXT", saslPlaintextPort, "PLAIN", "alice", "nope"));
        assertTrue(plain.contains("Invalid username or password"), plain);
        Map<String, Object> notEnabled = sasl("SASL_PLAINTEXT", saslPlaintextPort, "SCRAM-SHA-512", "carol",
                "carol-secret");
        Throwable refused = failure(notEnabled);
        assertInstanceOf(org.apache.kafka.common.errors.UnsupportedSaslMechanismException.class, refused);
        assertTrue(refused.getMessage().contains("[PLAIN, SCRAM-SHA-256]"), refused.getMessage());
    }

    @Test
    void aRequestBeforeAuthenticatingClosesTheConnection() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", saslPlaintextPort)) {
            socket.setSoTimeout(10_000);
            RequestHeader header = new RequestHeader(ApiKeys.METADATA, (short) 12, "raw", 1);
            ByteBuffer body = new MetadataRequest(new MetadataRequestData().setTopics(null), (short) 12)
                    .serializeWithHeader(header);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(body.remaining());
            out.write(body.array(), body.arrayOffset() + body.position(), body.remaining());
            out.flush();
            assertThrows(EOFException.class, () -> new DataInputStream(socket.getInputStream()).readInt(),
                    "no answer, the connection closed");
        }
    }

    private static Map<String, Object> sasl(String protocol, int port, String mechanism, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        config.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\""
                + password + "\";");
        return config;
    }

    private static void trust(Map<String, Object> config) {
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, certs.resolve("trust.p12").toString());
        config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
    }

    /** Creates a topic, produces 20 records and consumes them in a group, all through {@code security}. */
    private static void roundTrip(Map<String, Object> security, String topic) throws Exception {
        Map<String, Object> adminConfig = new HashMap<>(security);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get(30, TimeUnit.SECONDS);
            assertEquals(String.valueOf(security.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)),
                    admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().host() + ":"
                            + admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().port(),
                    "the cluster is described at this listener's own endpoint");
        }
        Map<String, Object> producerConfig = new HashMap<>(security);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer("unused", producerConfig)) {
            for (int i = 0; i < 20; i++) {
                String value = topic + "-" + i;
                sent.add(value);
                producer.send(new ProducerRecord<>(topic, i % 2, null, value.getBytes(StandardCharsets.UTF_8))).get(30,
                        TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerConfig = new HashMap<>(security);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-" + UUID.randomUUID());
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> received = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Clients.consumerConfig("unused",
                consumerConfig))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    received.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        assertEquals(sent.stream().sorted().toList(), received.stream().sorted().toList());
    }

    /** The message of the SaslAuthenticationException that {@code security}'s admin client gets. */
    private static String authenticationFailure(Map<String, Object> security) {
        Throwable e = failure(security);
        assertInstanceOf(SaslAuthenticationException.class, e, String.valueOf(e));
        return e.getMessage();
    }

    /** Why {@code security}'s admin client cannot list topics. */
    private static Throwable failure(Map<String, Object> security) {
        Map<String, Object> config = new HashMap<>(security);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 25_000);
        try (Admin admin = Admin.create(config)) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(30, TimeUnit.SECONDS));
            return e.getCause();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
