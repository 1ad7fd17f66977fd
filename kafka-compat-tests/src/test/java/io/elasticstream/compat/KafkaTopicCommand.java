package io.elasticstream.compat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.TopicCommand;

/**
 * Runs Kafka's own {@code kafka-topics} tool ({@link TopicCommand}) in this JVM, the way Kafka's tests do:
 * its public {@code main} ends in {@code Exit.exit(code)}, which is redirected (Kafka's exit-procedure hook)
 * to an exception carrying the code instead of ending the JVM. Stdout and stderr are captured.
 * Serialized: it swaps the process-wide System.out/err and exit procedure while it runs.
 */
public final class KafkaTopicCommand {
    private KafkaTopicCommand() {
    }

    /** The exit code the tool asked for; thrown by the replacement exit procedure. */
    private static final class ExitRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int statusCode;

        ExitRequested(int statusCode, String message) {
            super("Exit.exit(" + statusCode + ")" + (message == null ? "" : ": " + message), null, false, false);
            this.statusCode = statusCode;
        }
    }

    public static synchronized ToolResult run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        int exitCode;
        Exit.setExitProcedure((statusCode, message) -> {
            throw new ExitRequested(statusCode, message);
        });
        try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(capturedOut);
            System.setErr(capturedErr);
            TopicCommand.main(args);
            exitCode = 0; // main returned without Exit.exit (older tool versions): success
        } catch (ExitRequested exit) {
            exitCode = exit.statusCode;
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Exit.resetExitProcedure();
        }
        return new ToolResult("kafka-topics " + String.join(" ", args), exitCode,
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
