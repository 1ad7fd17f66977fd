package io.elasticstream.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Elastic Stream server in standalone mode, run as a real OS process through {@code <repo>/bin/quickstart}.
 *
 * <p>The launcher contract this harness relies on: {@code bin/quickstart --data-dir DIR --port PORT
 * [--override k=v]...} {@code exec}s the server JVM (so the started process <em>is</em> the server and
 * SIGKILL on it kills the server), listens on {@code 127.0.0.1:PORT}, prints exactly one line
 * {@code bootstrap.servers=127.0.0.1:PORT} on stdout when ready, shuts down cleanly on SIGTERM, and keeps
 * all data when restarted on the same data directory.
 *
 * <p>Stdout and stderr of every start go (appended) to {@code target/server-logs/<name>.log}; failures carry
 * the tail of that log. The data directory lives under {@code target/server-data/} and is deleted by
 * {@link #close()} unless {@code -Des.compat.keepData=true}. Port, pid, stop, close and failures are
 * {@link ServerProcess}'s. Not thread-safe beyond its synchronized lifecycle methods; one test class owns
 * one server.
 */
public final class StandaloneServer extends ServerProcess {
    private static final String READY_PREFIX = "bootstrap.servers=";

    private final Path esHome;
    private final Map<String, String> overrides;
    private String bootstrapServers;
    private int startCount;

    private StandaloneServer(String name, Path esHome, Path dataDir, Path logFile, int port,
                             Map<String, String> overrides) {
        super("server", name, dataDir, logFile, port);
        this.esHome = esHome;
        this.overrides = overrides;
    }

    /** Starts a server with a fresh data directory and a free port; waits until it is ready. */
    public static StandaloneServer startNew(String name) {
        return startNew(name, Map.of());
    }

    /**
     * Starts a server with a fresh data directory, a free port and the given Kafka-named config overrides
     * (passed as {@code --override key=value}); waits until it is ready.
     */
    public static StandaloneServer startNew(String name, Map<String, String> overrides) {
        StandaloneServer server = create(name, overrides);
        server.start();
        return server;
    }

    /** Prepares a server (data directory, port, log file) without starting it. */
    public static StandaloneServer create(String name, Map<String, String> overrides) {
        Path esHome = esHome();
        Path target = targetDir(esHome);
        try {
            Path dataRoot = Files.createDirectories(target.resolve("server-data"));
            Path dataDir = Files.createTempDirectory(dataRoot, name + "-");
            Path logDir = Files.createDirectories(target.resolve("server-logs"));
            Path logFile = logDir.resolve(dataDir.getFileName() + ".log");
            return new StandaloneServer(name, esHome, dataDir, logFile, FreePorts.find(),
                    new LinkedHashMap<>(overrides));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare directories for server " + name, e);
        }
    }

    /** The repository root, from the {@code es.home} system property (set by the module's surefire config). */
    static Path esHome() {
        String home = System.getProperty("es.home");
        if (home == null || home.isBlank()) {
            throw new IllegalStateException("system property es.home (the repository root) is not set; "
                    + "run the tests through Maven (kafka-compat-tests/pom.xml sets it)");
        }
        Path path = Path.of(home).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path.resolve("bin/quickstart"))) {
            throw new IllegalStateException("es.home=" + path + " has no bin/quickstart");
        }
        return path;
    }

    static Path targetDir(Path esHome) {
        String target = System.getProperty("es.compat.targetDir");
        return target != null ? Path.of(target) : esHome.resolve("kafka-compat-tests/target");
    }

    /** {@code 127.0.0.1:PORT}, as printed by the server; valid while it runs and across restarts. */
    public synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("server " + name + " has never become ready");
        }
        return bootstrapServers;
    }

    /** Starts the server on this data directory and port; returns when the ready line has been printed. */
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("server " + name + " is already running (pid " + process.pid() + ")");
        }
        startCount++;
        process = ChildProcess.start("start #" + startCount + " of " + name, command(), esHome, logFile);
        String ready;
        try {
            ready = process.awaitLine(READY_PREFIX, START_TIMEOUT);
        } catch (IllegalStateException e) {
            process = null;
            throw failure(e.getMessage(), e);
        }
        String expected = "127.0.0.1:" + port;
        if (!ready.equals(expected)) {
            process.kill();
            process = null;
            throw failure("server printed bootstrap.servers=" + ready + " but was asked for " + expected, null);
        }
        bootstrapServers = ready;
    }

    private List<String> command() {
        List<String> command = new ArrayList<>(List.of(esHome.resolve("bin/quickstart").toString(),
                "--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
        overrides.forEach((key, value) -> {
            command.add("--override");
            command.add(key + "=" + value);
        });
        return command;
    }

    /**
     * Crash: SIGKILL the server and wait for it to be gone. Fails if the launcher left a descendant process
     * alive (it must {@code exec} the JVM, or a "kill" here would not kill the server).
     */
    public synchronized void kill() {
        if (process == null) {
            throw new IllegalStateException("server " + name + " is not running");
        }
        try {
            process.kill();
        } catch (IllegalStateException e) {
            throw failure(e.getMessage(), e);
        } finally {
            process = null;
        }
    }

    /** Clean restart on the same data directory and port. */
    public synchronized void restart() {
        stop();
        start();
    }
}
