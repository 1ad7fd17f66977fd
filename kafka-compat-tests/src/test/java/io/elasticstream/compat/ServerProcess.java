package io.elasticstream.compat;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What the servers the suite runs as a child process share ({@link StandaloneServer} and
 * {@link ApacheKafkaBroker}): a name, a port, a data directory and a log file, the running {@link ChildProcess}
 * (reaped when the test JVM exits), stop (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}), close (stop,
 * then delete the data directory unless {@code -Des.compat.keepData=true}) and failures that carry the tail
 * of the log. Not thread-safe beyond its synchronized lifecycle methods.
 */
abstract class ServerProcess implements AutoCloseable {
    /** How long a start may take until the server is ready ({@code -Des.compat.startTimeoutSec}). */
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("es.compat.startTimeoutSec", 90));
    /** How long a SIGTERM shutdown may take before the process is killed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 80;

    /** What the server is, in messages: "server", "reference broker". */
    private final String kind;
    final String name;
    final Path dataDir;
    final Path logFile;
    final int port;
    /** The running server, null when stopped; guarded by {@code this}. */
    ChildProcess process;

    ServerProcess(String kind, String name, Path dataDir, Path logFile, int port) {
        this.kind = kind;
        this.name = name;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
    }

    /** How failures name the server: its name unless a subclass says more. */
    String title() {
        return name;
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

    /** Process id of the running server. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(kind + " " + name + " is not running");
        }
        return process.pid();
    }

    /** Clean shutdown: SIGTERM, wait up to 30 s, then SIGKILL. Returns the exit code; -1 if not running. */
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

    /** Stops the server if it runs and deletes its data directory (kept with -Des.compat.keepData=true). */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            TestDirs.deleteUnlessKept(dataDir);
        }
    }

    /** The last {@code lines} lines of the log (all starts), for failure messages. */
    public String logTail(int lines) {
        return ChildProcess.logTail(logFile, lines);
    }

    /** An exception whose message carries the tail of the log. */
    public IllegalStateException failure(String message, Throwable cause) {
        String full = "[" + title() + " port=" + port + " data=" + dataDir + "] " + message
                + "\n----- last " + LOG_TAIL_LINES + " lines of " + logFile + " -----\n"
                + logTail(LOG_TAIL_LINES) + "\n----- end of " + kind + " log -----";
        return new IllegalStateException(full, cause);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + " port=" + port + " data=" + dataDir + "]";
    }
}
