package io.elasticstream.broker.api;

import io.elasticstream.broker.partition.PartitionLog;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The long poll of a fetch: one retry, when a log it reads gets new data (or whatever else a {@link Watched}
 * names happens) or when its wait is over.
 */
final class AppendWait {
    /**
     * A log a fetch waits on, and whether it already holds more than the fetch could take; {@code alsoOn}
     * registers the retry for another wake-up (a ShareFetch: a change of the share-partition).
     */
    record Watched(PartitionLog log, BooleanSupplier hasMore, Consumer<Runnable> alsoOn) {
        Watched(PartitionLog log, BooleanSupplier hasMore) {
            this(log, hasMore, retry -> { });
        }
    }

    private AppendWait() {
    }

    /** Runs {@code retry} once: when any watched log gets new data, or after {@code remainingNs}. */
    static void retryOnAppend(ScheduledExecutorService timer, List<Watched> watched, long remainingNs, Runnable retry) {
        AtomicBoolean fired = new AtomicBoolean();
        Runnable once = () -> {
            if (fired.compareAndSet(false, true)) {
                retry.run();
            }
        };
        timer.schedule(once, remainingNs, TimeUnit.NANOSECONDS);
        for (Watched w : watched) {
            w.log().awaitAppend(once);
            w.alsoOn().accept(once);
            if (w.hasMore().getAsBoolean()) {
                once.run(); // data arrived between the read and the registration
            }
        }
    }
}
