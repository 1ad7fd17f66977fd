package io.elasticstream.compat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * returns when an Admin client's DescribeCluster succeeds. Stop: SIGTERM, then SIGKILL after 30 s.
 * Output goes to {@code target/kafka-logs/<name>.log}; data to a directory under {@code target/kafka-data/}
 * that {@link #close()} deletes. Not thread-safe beyond its synchronized lifecycle methods.
 */
public final class ApacheKafkaBroker implements AutoCloseable {
    /** How long the broker may take until it answers DescribeCluster. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("es.compat.startTimeoutSec", 90));
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);
    private static final int PROBE_TIMEOUT_MS = 1_000;
    private static final int LOG_TAIL_LINES = 80;
    /** Kafka's kafka-server-start.sh / kafka-run-class.sh defaults. */
    private static final List<String> JVM_OPTIONS = List.of("-Xms1G", "-Xmx1G", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
            "-Djava.awt.headless=true");
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // A broker must never outlive the JVM that started it.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "kafka-broker-reaper"));
    }

    private final String name;
    private final Path dataDir;
    private final Path configFile;
    private final Path logFile;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private boolean formatted;
    private Process process;
    private Duration lastStartDuration;

    private ApacheKafkaBroker(String name, Path dataDir, Path logFile, int port, int controllerPort,
                              String classpath) {
        this.name = name;
        this.dataDir = dataDir;
        this.configFile = dataDir.resolve("server.properties");
        this.logFile = logFile;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
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

    private static Path targetDir() {
        String target = System.getProperty("es.compat.targetDir");
        return target != null ? Path.of(target) : StandaloneServer.esHome().resolve("kafka-compat-tests/target");
    }

    private static String readClasspath() throws IOException {
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

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("reference broker " + name + " is not running");
        }
        return process.pid();
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
        process = launch(List.of("kafka.Kafka", configFile.toString()), "start");
        LIVE.add(process);
        awaitReady();
        lastStartDuration = Duration.ofNanos(System.nanoTime() - startNs);
    }

    private void format() {
        Process formatter = launch(List.of("kafka.tools.StorageTool", "format", "--cluster-id",
                Uuid.randomUuid().toString(), "--config", configFile.toString(), "--standalone"), "format");
        LIVE.add(formatter);
        try {
            if (!formatter.waitFor(FORMAT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                formatter.destroyForcibly();
                throw failure("StorageTool format did not finish within " + FORMAT_TIMEOUT, null);
            }
            if (formatter.exitValue() != 0) {
                throw failure("StorageTool format exited with code " + formatter.exitValue(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            formatter.destroyForcibly();
            throw failure("interrupted while formatting the storage", e);
        } finally {
            LIVE.remove(formatter);
        }
    }

    private Process launch(List<String> mainAndArgs, String what) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        // The classpath goes in a java @argfile (added below): the command line stays readable in ps and /proc.
        command.addAll(mainAndArgs);
        try {
            command.add(1, "@" + classpathArgFile());
            Files.writeString(logFile, "%n===== %s of %s at %s: %s =====%n".formatted(what, name, Instant.now(),
                            String.join(" ", mainAndArgs)),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot launch " + String.join(" ", mainAndArgs), e);
        }
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
                    LIVE.remove(process);
                    throw failure("broker exited with code " + process.exitValue() + " before becoming ready", null);
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
                    process.destroyForcibly();
                    throw failure("broker did not answer DescribeCluster within " + START_TIMEOUT, null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted while waiting for the broker", e);
        }
    }

    /** SIGTERM, wait up to 30 s, then SIGKILL. Returns the exit code; -1 if not running. */
    public synchronized int stop() {
        if (process == null) {
            return -1;
        }
        try {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw failure("broker did not exit within " + STOP_TIMEOUT + " of SIGTERM; killed it", null);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted while stopping the broker", e);
        } finally {
            LIVE.remove(process);
            process = null;
        }
    }

    /** Stops the broker if it runs and deletes its data directory (kept with -Des.compat.keepData=true). */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            TestDirs.deleteUnlessKept(dataDir);
        }
    }

    /** An exception whose message carries the tail of the broker's output. */
    public IllegalStateException failure(String message, Throwable cause) {
        String tail;
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            tail = String.join("\n", all.subList(Math.max(0, all.size() - LOG_TAIL_LINES), all.size()));
        } catch (IOException e) {
            tail = "(cannot read " + logFile + ": " + e + ")";
        }
        return new IllegalStateException("[Apache Kafka " + name + " port=" + port + " data=" + dataDir + "] "
                + message + "\n----- last " + LOG_TAIL_LINES + " lines of " + logFile + " -----\n" + tail
                + "\n----- end of broker log -----", cause);
    }

    @Override
    public String toString() {
        return "ApacheKafkaBroker[" + name + " port=" + port + " data=" + dataDir + "]";
    }
}
