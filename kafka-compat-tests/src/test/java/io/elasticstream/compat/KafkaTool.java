package io.elasticstream.compat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * Runs one of Kafka's command-line tools in this JVM through its {@code main(String[])}, as its shell
 * script would: {@code Exit.exit(code)} is redirected (Kafka's exit-procedure hook) to an exception
 * carrying the code, the shutdown hooks the tool registers through {@code Exit.addShutdownHook} run when
 * it returns (as they would when its JVM exits: the console producer flushes in one), stdin is the given
 * text, and stdout and stderr are captured. A {@code main} that returns normally exits with 0.
 * Serialized with the other tool runners: they swap the same process-wide streams and hooks.
 */
public final class KafkaTool {
    private KafkaTool() {
    }

    private static final class ExitRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int statusCode;

        ExitRequested(int statusCode) {
            super("Exit.exit(" + statusCode + ")", null, false, false);
            this.statusCode = statusCode;
        }
    }

    /** Runs {@code toolClass.main(args)} with an empty stdin. */
    public static ToolResult run(String name, Class<?> toolClass, String... args) {
        return runWithInput(name, toolClass, "", args);
    }

    /** Runs {@code toolClass.main(args)} reading {@code stdin}. */
    public static ToolResult runWithInput(String name, Class<?> toolClass, String stdin, String... args) {
        Method main;
        try {
            main = toolClass.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(toolClass + " has no main(String[])", e);
        }
        synchronized (KafkaTopicCommand.class) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream originalOut = System.out;
            PrintStream originalErr = System.err;
            InputStream originalIn = System.in;
            List<Runnable> shutdownHooks = new ArrayList<>();
            int exitCode;
            Exit.setExitProcedure((statusCode, message) -> {
                throw new ExitRequested(statusCode);
            });
            Exit.setShutdownHookAdder((hookName, hook) -> shutdownHooks.add(hook));
            try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(capturedOut);
                System.setErr(capturedErr);
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
                try {
                    main.invoke(null, (Object) args);
                    exitCode = 0;
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof ExitRequested exit) {
                        exitCode = exit.statusCode;
                    } else {
                        e.getCause().printStackTrace(System.err);
                        exitCode = 1;
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                } finally {
                    shutdownHooks.forEach(Runnable::run);
                }
            } finally {
                System.setOut(originalOut);
                System.setErr(originalErr);
                System.setIn(originalIn);
                Exit.resetExitProcedure();
                Exit.resetShutdownHookAdder();
            }
            return new ToolResult(name + " " + String.join(" ", args), exitCode, out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }
}
