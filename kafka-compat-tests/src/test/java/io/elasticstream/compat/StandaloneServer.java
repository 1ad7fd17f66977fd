package io.elasticstream.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
 * {@link #close()} unless {@code -Des.compat.keepData=true}. Not thread-safe beyond its synchronized
 * lifecycle methods; one test class owns one server.
 */
public final class StandaloneServer implements AutoCloseable {
    /** How long a start may take until the ready line appears ({@code -Des.compat.startTimeoutSec}). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("es.compat.startTimeoutSec", 90));
    /** How long a SIGTERM shutdown may take before the process is killed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String READY_PREFIX = "bootstrap.servers=";
    private static final int LOG_TAIL_LINES = 80;

    private final String name;
    private final Path esHome;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Map<String, String> overrides;
    /** The running server; a server never outlives the test JVM (ChildProcess reaps it). */
    private ChildProcess process;
    private String bootstrapServers;
    private int startCount;

    private StandaloneServer(String name, Path esHome, Path dataDir, Path logFile, int port,
                             Map<String, String> overrides) {
        this.name = name;
        this.esHome = esHome;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
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

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Process id of the running server (the JVM itself: the launcher execs it). */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("server " + name + " is not running");
        }
        return process.pid();
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

    /** Clean shutdown: SIGTERM, wait up to 30 s, then SIGKILL. Returns the exit code. No-op if not running. */
    public synchronized int stop() {
        if (process == null) {
            return -1;
        }
        try {
            return process.stop(STOP_TIMEOUT);
        } catch (IllegalStateException e) {
            throw failure(e.getMessage(), e);
        } finally {
            process = null;
        }
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

    /** Stops the server if it runs and deletes its data directory (kept with -Des.compat.keepData=true). */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            TestDirs.deleteUnlessKept(dataDir);
        }
    }

    /** The last {@code lines} lines of the server log (all starts), for failure messages. */
    public String logTail(int lines) {
        return ChildProcess.logTail(logFile, lines);
    }

    /** An exception whose message carries the tail of the server log. */
    public IllegalStateException failure(String message, Throwable cause) {
        String full = "[" + name + " port=" + port + " data=" + dataDir + "] " + message
                + "\n----- last " + LOG_TAIL_LINES + " lines of " + logFile + " -----\n"
                + logTail(LOG_TAIL_LINES) + "\n----- end of server log -----";
        return new IllegalStateException(full, cause);
    }

    @Override
    public String toString() {
        return "StandaloneServer[" + name + " port=" + port + " data=" + dataDir + "]";
    }
}
