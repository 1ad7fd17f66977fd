package io.elasticstream.observe;

import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a cluster process main does around its real work: what it starts is pushed onto {@link #started()}
 * and closed in reverse order by a shutdown hook (SIGTERM, Ctrl-C), also while start-up is still going on
 * (the deque is concurrent for that); {@link #awaitShutdown()} parks the main thread until then.
 */
public final class ProcessLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessLifecycle.class);

    private final Deque<AutoCloseable> started = new ConcurrentLinkedDeque<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private ProcessLifecycle() {
    }

    /** Installs the shutdown hook of a process playing {@code role} (for the log line). */
    public static ProcessLifecycle onShutdown(String role) {
        ProcessLifecycle lifecycle = new ProcessLifecycle();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
            LOG.info("{} shutting down", role);
            lifecycle.closeAll();
            lifecycle.stopped.countDown();
        }));
        return lifecycle;
    }

    /** What has started so far, most recent first: push each resource as soon as it is open. */
    public Deque<AutoCloseable> started() {
        return started;
    }

    /** Blocks until the shutdown hook has closed everything. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    private void closeAll() {
        for (AutoCloseable c = started.pollFirst(); c != null; c = started.pollFirst()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("error closing {}", c.getClass().getSimpleName(), e);
            }
        }
    }
}
