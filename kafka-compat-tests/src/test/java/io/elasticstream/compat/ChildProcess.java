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
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One OS process started by a test: stdout and stderr appended to a log file, a ready line awaited in that
 * log or its exit awaited, stopped by pid (SIGTERM, then SIGKILL) or killed (SIGKILL). Shared by
 * {@link StandaloneServer}, {@link ApacheKafkaBroker} and {@link ClusterHarness}. Every live child is
 * SIGKILLed when the test JVM exits, so none outlives it.
 *
 * <p>Methods that wait throw {@link IllegalStateException} with a plain message; callers add context (the
 * log tail). Not thread-safe: one owner drives one child.
 */
public final class ChildProcess {
    private static final long READY_POLL_MS = 50;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "child-process-reaper"));
    }

    private final String name;
    private final Path logFile;
    private final Process process;
    private final long logOffset;

    private ChildProcess(String name, Path logFile, Process process, long logOffset) {
        this.name = name;
        this.logFile = logFile;
        this.process = process;
        this.logOffset = logOffset;
    }

    /**
     * Starts {@code command} in {@code workDir}, stdin from /dev/null, stdout and stderr appended to
     * {@code logFile} after a header line naming the start.
     */
    public static ChildProcess start(String name, List<String> command, Path workDir, Path logFile) {
        try {
            Files.writeString(logFile, "%n===== start of %s at %s: %s =====%n".formatted(name, Instant.now(),
                            String.join(" ", command)),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            long offset = Files.size(logFile);
            Process process = new ProcessBuilder(command)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            LIVE.add(process);
            return new ChildProcess(name, logFile, process, offset);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * Waits until a line starting with {@code prefix} (after stripping) appears in this start's output and
     * returns the rest of it, stripped. Fails (and SIGKILLs the child) on timeout, and fails when the child
     * exits first.
     */
    public String awaitLine(String prefix, Duration timeout) {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        LogScanner scanner = new LogScanner(logFile, logOffset);
        try {
            while (true) {
                for (String line : scanner.newLines()) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith(prefix)) {
                        return trimmed.substring(prefix.length()).strip();
                    }
                }
                if (System.nanoTime() - deadlineNs > 0) {
                    kill();
                    throw new IllegalStateException(name + " did not print '" + prefix + "...' within " + timeout);
                }
                // Waiting on the process doubles as the poll interval and notices an early death at once.
                if (process.waitFor(READY_POLL_MS, TimeUnit.MILLISECONDS)) {
                    LIVE.remove(process);
                    throw new IllegalStateException(name + " exited with code " + process.exitValue()
                            + " before printing '" + prefix + "...'");
                }
            }
        } catch (IOException e) {
            kill();
            throw new IllegalStateException("cannot read log " + logFile + " of " + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    /** The rest of the first line of this start's output so far that starts with {@code prefix}, stripped. */
    public Optional<String> findLine(String prefix) {
        try {
            for (String line : new LogScanner(logFile, logOffset).newLines()) {
                String trimmed = line.strip();
                if (trimmed.startsWith(prefix)) {
                    return Optional.of(trimmed.substring(prefix.length()).strip());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read log " + logFile + " of " + name, e);
        }
    }

    /**
     * Waits up to {@code timeout} for the child to exit by itself and returns its exit code (at once for a
     * child that has exited). SIGKILLs it and fails if it still runs then, or if interrupted.
     */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not exit within " + timeout);
            }
            LIVE.remove(process);
            return process.exitValue();
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /**
     * Clean shutdown: SIGTERM, wait up to {@code timeout}, then SIGKILL and fail. Returns the exit code;
     * the exit code of an already exited child.
     */
    public int stop(Duration timeout) {
        try {
            process.destroy(); // SIGTERM on Unix
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new IllegalStateException(name + " (pid " + process.pid() + ") did not exit within " + timeout
                        + " of SIGTERM; killed it");
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        } finally {
            LIVE.remove(process);
        }
    }

    /**
     * Crash: SIGKILL and wait until the child is gone. Fails if a descendant survived (the launcher script
     * must {@code exec} the JVM, or killing the child would not kill the server).
     */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        try {
            process.destroyForcibly(); // SIGKILL on Unix
            process.waitFor();
            List<ProcessHandle> survivors = descendants.stream().filter(ProcessHandle::isAlive).toList();
            if (!survivors.isEmpty()) {
                survivors.forEach(ProcessHandle::destroyForcibly);
                throw new IllegalStateException(name + "'s launcher did not exec the server: processes " + survivors
                        + " survived SIGKILL of pid " + process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing " + name, e);
        } finally {
            LIVE.remove(process);
        }
    }

    /** Freezes the child with SIGSTOP (it holds its sockets and files but runs no code) until {@link #resume()}. */
    public void suspend() {
        signal("STOP");
    }

    /** Lets a {@link #suspend() suspended} child run again with SIGCONT. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " (" + name + ") failed: "
                        + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal + " for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }

    /** The last {@code lines} lines of the log file (all starts written to it). */
    public String logTail(int lines) {
        return logTail(logFile, lines);
    }

    static String logTail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    @Override
    public String toString() {
        return "ChildProcess[" + name + " pid=" + process.pid() + " log=" + logFile + "]";
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
