package io.elasticstream.compat.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one Kafka command-line tool class ({@code org.apache.kafka.tools.*}) in its own JVM on the Kafka
 * classpath, as {@code kafka-run-class.sh} would, and returns its output. A tool that fails or overruns its
 * timeout is an error carrying its output.
 */
final class ToolRunner {
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseG1GC",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.NetworkClient=error");
    private final Path classpathArgFile;
    private final Path workDir;
    private int runCount;

    ToolRunner(String classpath, Path workDir) {
        this.workDir = workDir;
        this.classpathArgFile = workDir.resolve("tools-classpath.args");
        try {
            Files.writeString(classpathArgFile, "-cp \"" + classpath + "\"\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + classpathArgFile, e);
        }
    }

    /** What a tool printed (stdout and stderr interleaved) and its exit code. */
    record ToolResult(String commandLine, int exitCode, List<String> lines) {
        /** The most telling line for a failure: an exception line if there is one, else the last line. */
        String reason() {
            return lines.stream().filter(l -> l.contains("Exception:") || l.contains("Error:")).findFirst()
                    .orElse(lines.isEmpty() ? "(no output)" : lines.getLast()).strip();
        }

        String describe() {
            return commandLine + " exited with code " + exitCode + "; last output:\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    /**
     * Runs {@code mainClass args} and returns what it printed and its exit code (a tool may print its summary
     * and then fail while closing). Fails only when the tool overruns its timeout.
     */
    ToolResult run(String mainClass, List<String> args, Duration timeout) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + classpathArgFile);
        command.addAll(JVM_OPTIONS);
        command.add(mainClass);
        command.addAll(args);
        Path output = workDir.resolve("tool-" + (++runCount) + ".log");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly();
                process.waitFor();
            }
            List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            String commandLine = mainClass + " " + String.join(" ", args);
            if (!exited) {
                throw new IllegalStateException(commandLine + " did not finish within " + timeout + "; output:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            return new ToolResult(commandLine, process.exitValue(), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + mainClass, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + mainClass, e);
        }
    }
}
