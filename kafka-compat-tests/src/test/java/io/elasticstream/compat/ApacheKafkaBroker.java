package io.elasticstream.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real Apache Kafka 4.4 broker, the reference the suite and {@code bin/bench} compare us against: one
 * single-node KRaft server ({@code process.roles=broker,controller}, {@code node.id=1}) run as a child JVM.
 *
 * <p>Classpath: the module's test classpath ({@code org.apache.kafka:kafka_2.13} and its runtime dependencies
 * from Maven Central), which the build writes to {@code target/test-classpath.txt}
 * (maven-dependency-plugin {@code build-classpath}); the file is found through the system property
 * {@code es.compat.classpathFile} (set by surefire and by {@code bin/bench}). The JVM is the one running
 * the tests, with the heap and GC flags of Kafka's own {@code kafka-server-start.sh}.
 *
 * <p>Start: writes {@code server.properties} (PLAINTEXT and CONTROLLER listeners on two free loopback ports,
 * replication factors 1, {@code group.initial.rebalance.delay.ms=0}), formats the storage once with
 * {@code kafka.tools.StorageTool format --standalone}, launches {@code kafka.Kafka server.properties} and
 * returns when an Admin client's DescribeCluster succeeds (within {@link #START_TIMEOUT}). Stop: SIGTERM,
 * then SIGKILL after 30 s. Output goes to {@code target/kafka-logs/<name>.log}; data to a directory under
 * {@code target/kafka-data/} that {@link #close()} deletes. Port, pid, stop, close and failures are
 * {@link ServerProcess}'s; the JVMs are {@link ChildProcess}es, so none outlives the tests' JVM. Not
 * thread-safe beyond its synchronized lifecycle methods.
 */
public final class ApacheKafkaBroker extends ServerProcess {
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final int PROBE_TIMEOUT_MS = 1_000;
    /** Kafka's kafka-server-start.sh / kafka-run-class.sh defaults. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms1G", "-Xmx1G", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");

    private final Path configFile;
    private final int controllerPort;
    private final String classpath;
    private boolean formatted;
    private Duration lastStartDuration;

    private ApacheKafkaBroker(String name, Path dataDir, Path logFile, int port, int controllerPort,
                              String classpath) {
        super("reference broker", name, dataDir, logFile, port);
        this.configFile = dataDir.resolve("server.properties");
        this.controllerPort = controllerPort;
        this.classpath = classpath;
    }

    @Override
    String title() {
        return "Apache Kafka " + name;
    }

    /** Starts a fresh broker on free ports and waits until it answers DescribeCluster. */
    public static ApacheKafkaBroker startNew(String name) {
        ApacheKafkaBroker broker = create(name, Map.of());
        try {
            broker.start();
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /** Prepares a broker (ports, directories, server.properties with the given overrides) without starting it. */
    public static ApacheKafkaBroker create(String name, Map<String, String> overrides) {
        Path target = targetDir();
        try {
            Path dataDir = Files.createTempDirectory(Files.createDirectories(target.resolve("kafka-data")), name + "-");
            Path logFile = Files.createDirectories(target.resolve("kafka-logs")).resolve(dataDir.getFileName() + ".log");
            int port = FreePorts.find();
            int controllerPort = FreePorts.find();
            while (controllerPort == port) {
                controllerPort = FreePorts.find();
            }
            ApacheKafkaBroker broker = new ApacheKafkaBroker(name, dataDir, logFile, port, controllerPort,
                    readClasspath());
            broker.writeConfig(overrides);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare reference broker " + name, e);
        }
    }

    static Path targetDir() {
        String target = System.getProperty("es.compat.targetDir");
        return target != null ? Path.of(target) : StandaloneServer.esHome().resolve("kafka-compat-tests/target");
    }

    /** The module's test classpath (Kafka, its tools and Streams with their dependencies), as the build wrote it. */
    static String readClasspath() throws IOException {
        String file = System.getProperty("es.compat.classpathFile");
        Path path = file != null ? Path.of(file) : targetDir().resolve("test-classpath.txt");
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no Kafka classpath file " + path + "; build kafka-compat-tests first "
                    + "(mvn -pl kafka-compat-tests package writes it)");
        }
        return Files.readString(path, StandardCharsets.UTF_8).strip();
    }

    private void writeConfig(Map<String, String> overrides) throws IOException {
        Properties config = new Properties();
        config.setProperty("process.roles", "broker,controller");
        config.setProperty("node.id", "1");
        config.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.setProperty("advertised.listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        config.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.setProperty("inter.broker.listener.name", "PLAINTEXT");
        config.setProperty("controller.listener.names", "CONTROLLER");
        config.setProperty("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        config.setProperty("log.dirs", dataDir.resolve("log").toString());
        config.setProperty("offsets.topic.replication.factor", "1");
        config.setProperty("transaction.state.log.replication.factor", "1");
        config.setProperty("transaction.state.log.min.isr", "1");
        config.setProperty("share.coordinator.state.topic.replication.factor", "1");
        config.setProperty("share.coordinator.state.topic.min.isr", "1");
        config.setProperty("group.initial.rebalance.delay.ms", "0");
        overrides.forEach(config::setProperty);
        try (var out = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
            config.store(out, "Apache Kafka reference broker " + name);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** Time from launching {@code kafka.Kafka} (after formatting) to the first successful DescribeCluster. */
    public synchronized Duration lastStartDuration() {
        if (lastStartDuration == null) {
            throw new IllegalStateException("reference broker " + name + " has never started");
        }
        return lastStartDuration;
    }

    /** Formats the storage if not done yet, launches the broker and waits until it answers DescribeCluster. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("reference broker " + name + " is already running");
        }
        if (!formatted) {
            format();
            formatted = true;
        }
        long startNs = System.nanoTime();
        process = launch("Apache Kafka " + name, List.of("kafka.Kafka", configFile.toString()));
        awaitReady();
        lastStartDuration = Duration.ofNanos(System.nanoTime() - startNs);
    }

    private void format() {
        ChildProcess formatter = launch("StorageTool format for Apache Kafka " + name, List.of(
                "kafka.tools.StorageTool", "format", "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString(), "--standalone"));
        int exitCode;
        try {
            exitCode = formatter.awaitExit(FORMAT_TIMEOUT);
        } catch (IllegalStateException e) {
            throw failure(e.getMessage(), e);
        }
        if (exitCode != 0) {
            throw failure("StorageTool format exited with code " + exitCode, null);
        }
    }

    /** Starts {@code java} with Kafka's JVM options and classpath on {@code mainAndArgs}, in the data directory. */
    private ChildProcess launch(String what, List<String> mainAndArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            // The classpath goes in a java @argfile: the command line stays readable in ps and /proc.
            command.add("@" + classpathArgFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + String.join(" ", mainAndArgs), e);
        }
        command.addAll(JVM_OPTIONS);
        command.addAll(mainAndArgs);
        return ChildProcess.start(what, command, dataDir, logFile);
    }

    private Path classpathArgFile() throws IOException {
        Path argFile = dataDir.resolve("classpath.args");
        if (!Files.exists(argFile)) {
            Files.writeString(argFile, "-cp \"" + classpath + "\"\n", StandardCharsets.UTF_8);
        }
        return argFile;
    }

    private void awaitReady() {
        long deadlineNs = System.nanoTime() + START_TIMEOUT.toNanos();
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(PROBE_TIMEOUT_MS));
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(PROBE_TIMEOUT_MS));
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "20");
        props.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "50");
        props.setProperty(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "20");
        props.setProperty(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "50");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.isAlive()) {
                    throw failure("broker exited with code " + process.awaitExit(Duration.ZERO)
                            + " before becoming ready", null);
                }
                try {
                    var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(PROBE_TIMEOUT_MS))
                            .nodes().get(PROBE_TIMEOUT_MS * 2L, TimeUnit.MILLISECONDS);
                    if (!nodes.isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // Not up yet: the probe's own timeout is the poll interval.
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    process.kill();
                    throw failure("broker did not answer DescribeCluster within " + START_TIMEOUT, null);
                }
            }
        } catch (InterruptedException e) {
            process.kill();
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for the broker", e);
        }
    }
}
