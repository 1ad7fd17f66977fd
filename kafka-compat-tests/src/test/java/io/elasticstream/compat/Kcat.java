package io.elasticstream.compat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Runs librdkafka's command-line client {@code kcat} (formerly kafkacat) as a child process. */
public final class Kcat {
    private Kcat() {
    }

    /** The kcat (or kafkacat) executable on PATH, if any. */
    public static Optional<Path> find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String name : List.of("kcat", "kafkacat")) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The kcat executable; fails the test with instructions when it is missing. */
    public static Path require() {
        return find().orElseThrow(() -> new AssertionError("kcat (librdkafka's Kafka CLI) is not on PATH. "
                + "It is needed for the librdkafka compatibility tests; bin/test installs it "
                + "(apt-get install -y kcat)."));
    }

    /** Runs kcat with the given arguments, feeding {@code stdin}; kills it and fails after {@code timeout}. */
    public static ToolResult run(Duration timeout, String stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(require().toString());
        command.addAll(List.of(args));
        String described = String.join(" ", command);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("kcat-", ".out");
            err = Files.createTempFile("kcat-", ".err");
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
                throw new AssertionError("timed out after " + timeout + ": " + new ToolResult(described,
                        -1, Files.readString(out), Files.readString(err)).describe());
            }
            return new ToolResult(described, process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + described, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + described, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
