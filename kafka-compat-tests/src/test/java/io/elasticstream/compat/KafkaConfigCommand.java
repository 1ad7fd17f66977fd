package io.elasticstream.compat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.ConfigCommand;

/**
 * Runs Kafka's own {@code kafka-configs} tool ({@link ConfigCommand}) in this JVM: its {@code main}
 * returns normally on success and calls {@code Exit.exit(1)} on failure, which is redirected (Kafka's
 * exit-procedure hook) to an exception carrying the code. Stdout and stderr are captured.
 * Serialized: it swaps the process-wide System.out/err and exit procedure while it runs.
 */
public final class KafkaConfigCommand {
    private KafkaConfigCommand() {
    }

    private static final class ExitRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int statusCode;

        ExitRequested(int statusCode) {
            super("Exit.exit(" + statusCode + ")", null, false, false);
            this.statusCode = statusCode;
        }
    }

    public static ToolResult run(String... args) {
        // One lock with kafka-topics: both swap the same process-wide streams and exit procedure.
        synchronized (KafkaTopicCommand.class) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream originalOut = System.out;
            PrintStream originalErr = System.err;
            int exitCode;
            Exit.setExitProcedure((statusCode, message) -> {
                throw new ExitRequested(statusCode);
            });
            try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(capturedOut);
                System.setErr(capturedErr);
                ConfigCommand.main(args);
                exitCode = 0;
            } catch (ExitRequested exit) {
                exitCode = exit.statusCode;
            } finally {
                System.setOut(originalOut);
                System.setErr(originalErr);
                Exit.resetExitProcedure();
            }
            return new ToolResult("kafka-configs " + String.join(" ", args), exitCode,
                    out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
