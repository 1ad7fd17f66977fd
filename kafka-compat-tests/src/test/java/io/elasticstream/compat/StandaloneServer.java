package io.elasticstream.compat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
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
    private static final long READY_POLL_MS = 50;
    private static final int LOG_TAIL_LINES = 80;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // A server must never outlive the test JVM (it would hold its port and disk).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "standalone-server-reaper"));
    }

    private final String name;
    private final Path esHome;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Map<String, String> overrides;
    private Process process;
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

    private static Path targetDir(Path esHome) {
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
        List<String> command = command();
        long logOffset;
        try {
            Files.writeString(logFile, "%n===== start #%d of %s at %s: %s =====%n".formatted(startCount, name,
                            Instant.now(), String.join(" ", command)),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logOffset = Files.size(logFile);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(esHome.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
        LIVE.add(process);
        String ready = awaitReadyLine(logOffset);
        String expected = "127.0.0.1:" + port;
        if (!ready.equals(expected)) {
            process.destroyForcibly();
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

    private String awaitReadyLine(long logOffset) {
        long deadlineNs = System.nanoTime() + START_TIMEOUT.toNanos();
        LogScanner scanner = new LogScanner(logFile, logOffset);
        try {
            while (true) {
                for (String line : scanner.newLines()) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith(READY_PREFIX)) {
                        return trimmed.substring(READY_PREFIX.length()).strip();
                    }
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    process.destroyForcibly();
                    throw failure("server did not print '" + READY_PREFIX + "...' within " + START_TIMEOUT, null);
                }
                // Waiting on the process doubles as the poll interval and notices an early death at once.
                if (process.waitFor(READY_POLL_MS, TimeUnit.MILLISECONDS)) {
                    throw failure("server exited with code " + process.exitValue() + " before becoming ready", null);
                }
            }
        } catch (IOException e) {
            process.destroyForcibly();
            throw failure("cannot read server log " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted while waiting for the server to become ready", e);
        }
    }

    /** Clean shutdown: SIGTERM, wait up to 30 s, then SIGKILL. Returns the exit code. No-op if not running. */
    public synchronized int stop() {
        if (process == null) {
            return -1;
        }
        try {
            process.destroy(); // SIGTERM on Unix
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw failure("server did not exit within " + STOP_TIMEOUT + " of SIGTERM; killed it", null);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw failure("interrupted while stopping the server", e);
        } finally {
            LIVE.remove(process);
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
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.destroyForcibly(); // SIGKILL on Unix
            process.waitFor();
            List<ProcessHandle> survivors = descendants.stream().filter(ProcessHandle::isAlive).toList();
            if (!survivors.isEmpty()) {
                survivors.forEach(ProcessHandle::destroyForcibly);
                throw failure("bin/quickstart did not exec the server: processes " + survivors
                        + " survived SIGKILL of pid " + process.pid(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while killing the server", e);
        } finally {
            LIVE.remove(process);
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
            if (!Boolean.getBoolean("es.compat.keepData")) {
                deleteRecursively(dataDir);
            }
        }
    }

    /** The last {@code lines} lines of the server log (all starts), for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
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

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** Reads the lines appended to a file since a given offset, a chunk at a time. */
    private static final class LogScanner {
        private final Path file;
        private long position;
        private final StringBuilder partialLine = new StringBuilder();

        LogScanner(Path file, long position) {
            this.file = file;
            this.position = position;
        }

        List<String> newLines() throws IOException {
            List<String> lines = new ArrayList<>();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
                while (true) {
                    buffer.clear();
                    int read = channel.read(buffer, position);
                    if (read <= 0) {
                        break;
                    }
                    position += read;
                    // Log output is ASCII in practice; a multi-byte character split across chunks only garbles
                    // a log line, never the ASCII ready line.
                    partialLine.append(new String(buffer.array(), 0, read, StandardCharsets.UTF_8));
                }
            }
            int newline;
            while ((newline = partialLine.indexOf("\n")) >= 0) {
                lines.add(partialLine.substring(0, newline));
                partialLine.delete(0, newline + 1);
            }
            return lines;
        }
    }
}
