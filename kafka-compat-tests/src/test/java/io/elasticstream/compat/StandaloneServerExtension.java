package io.elasticstream.compat;

import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * One {@link StandaloneServer} per test class: started before the class's first test (like
 * {@code @BeforeAll}), closed after its last (like {@code @AfterAll}). When a test fails, the tail of the
 * server log (and whether the server is still alive) is attached to the failure as a suppressed exception.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final StandaloneServerExtension SERVER = new StandaloneServerExtension("produce-consume");
 * }</pre>
 */
public final class StandaloneServerExtension
        implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {
    private final String name;
    private final Map<String, String> overrides;
    private StandaloneServer server;

    public StandaloneServerExtension(String name) {
        this(name, Map.of());
    }

    public StandaloneServerExtension(String name, Map<String, String> overrides) {
        this.name = name;
        this.overrides = Map.copyOf(overrides);
    }

    public StandaloneServer server() {
        if (server == null) {
            throw new IllegalStateException("server " + name + " is not started (register the extension static)");
        }
        return server;
    }

    public String bootstrapServers() {
        return server().bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = StandaloneServer.create(name, overrides);
        server.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        if (server != null) {
            String state = server.isRunning() ? "server is running (pid " + server.pid() + ")"
                    : "server is NOT running";
            throwable.addSuppressed(server.failure(context.getDisplayName() + " failed; " + state, null));
        }
        throw throwable;
    }
}
