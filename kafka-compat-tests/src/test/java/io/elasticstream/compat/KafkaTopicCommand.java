package io.elasticstream.compat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.internals.Exit;
import org.apache.kafka.tools.TopicCommand;

/**
 * Runs Kafka's own {@code kafka-topics} tool ({@link TopicCommand}) in this JVM, the way Kafka's tests do:
 * through its package-private {@code execute}, with {@code Exit.exit(code)} redirected (Kafka's
 * exit-procedure hook) to an exception carrying the code instead of ending the JVM. Stdout and stderr
 * are captured.
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

    /**
     * {@code TopicCommand.execute(String...)}: the tool without its {@code main} wrapper, which turns
     * the tool's own {@code Exit.exit(0)} on success into exit code 1 once exit is redirected.
     */
    private static final Method EXECUTE = executeMethod();

    private static Method executeMethod() {
        try {
            Method m = TopicCommand.class.getDeclaredMethod("execute", String[].class);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("kafka-tools changed: TopicCommand.execute(String...) is gone", e);
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
            EXECUTE.invoke(null, (Object) args);
            exitCode = 0;
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ExitRequested exit) {
                exitCode = exit.statusCode;
            } else {
                // What the tool's own main does with a failure: print it and exit 1.
                System.err.println("Error while executing topic command : " + cause.getMessage());
                cause.printStackTrace(System.err);
                exitCode = 1;
            }
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
            Exit.resetExitProcedure();
        }
        return new ToolResult("kafka-topics " + String.join(" ", args), exitCode,
                out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
