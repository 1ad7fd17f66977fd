package io.elasticstream.common;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks later, injected like {@link Clock}: production code uses a real executor, deterministic
 * simulations a virtual-time event queue.
 */
public interface Scheduler {

    /** Runs {@code task} once after {@code delayMs}; the returned handle cancels it if it has not run. */
    Cancellable schedule(Runnable task, long delayMs);

    /** A scheduled task that can be called off. */
    @FunctionalInterface
    interface Cancellable {
        void cancel();
    }

    /** A scheduler backed by {@code executor}. */
    static Scheduler of(ScheduledExecutorService executor) {
        return (task, delayMs) -> {
            ScheduledFuture<?> f = executor.schedule(task, delayMs, TimeUnit.MILLISECONDS);
            return () -> f.cancel(false);
        };
    }
}
