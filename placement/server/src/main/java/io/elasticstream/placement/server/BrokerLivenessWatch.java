package io.elasticstream.placement.server;

import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells PD when the set of live brokers may have changed: follows the store watch on
 * {@code alive/brokers/} and calls {@code onChange} when a broker's liveness key is deleted (its session
 * expired) or created (a session started), once at start, and after every watch failure (the watch is
 * re-opened from a fresh read after {@link #RETRY_DELAY_MS}, so a change missed meanwhile is still seen).
 * Load updates of live brokers (puts of existing keys) are ignored.
 *
 * <p>Threading: {@code onChange} runs on the store's watch thread or the common pool; it must only hand
 * work over (PD enqueues onto its owner thread).
 */
final class BrokerLivenessWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerLivenessWatch.class);
    static final long RETRY_DELAY_MS = 1_000;

    private final MetadataStore store;
    private final String prefix;
    private final Runnable onChange;
    /** Runs once per liveness key deleted (a session that expired or was closed), for metrics. */
    private final Runnable onSessionEnded;
    private final AtomicReference<MetadataStore.Watch> watch = new AtomicReference<>();
    private final AtomicInteger generation = new AtomicInteger();
    private volatile boolean closed;

    BrokerLivenessWatch(MetadataStore store, MetadataKeys keys, Runnable onChange, Runnable onSessionEnded) {
        this.onSessionEnded = onSessionEnded;
        this.store = store;
        this.prefix = keys.aliveBrokersPrefix();
        this.onChange = onChange;
    }

    void start() {
        open();
    }

    private void open() {
        if (closed) {
            return;
        }
        int current = generation.incrementAndGet();
        store.getPrefix(prefix).whenComplete((snapshot, error) -> {
            if (closed || current != generation.get()) {
                return;
            }
            if (error != null) {
                LOG.warn("cannot read {} ({}); retrying", prefix, error.toString());
                retryLater(current);
                return;
            }
            MetadataStore.Watch opened = store.watchPrefix(prefix, snapshot.revision() + 1, new Listener(current));
            replace(opened);
            if (closed) {
                replace(null);
            }
            onChange.run(); // whatever happened before the watch started
        });
    }

    private void retryLater(int failedGeneration) {
        CompletableFuture.delayedExecutor(RETRY_DELAY_MS, TimeUnit.MILLISECONDS).execute(() -> {
            if (failedGeneration == generation.get()) {
                open();
            }
        });
    }

    private void replace(MetadataStore.Watch next) {
        MetadataStore.Watch previous = watch.getAndSet(next);
        if (previous != null) {
            previous.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        replace(null);
    }

    private final class Listener implements MetadataStore.WatchListener {
        private final int watchGeneration;

        Listener(int watchGeneration) {
            this.watchGeneration = watchGeneration;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            if (closed || watchGeneration != generation.get()) {
                return;
            }
            boolean changed = false;
            for (WatchEvent event : events) {
                if (event.type() == WatchEvent.Type.DELETE) {
                    onSessionEnded.run();
                }
                changed |= event.type() == WatchEvent.Type.DELETE || event.kv().version() == 1;
            }
            if (changed) {
                onChange.run();
            }
        }

        @Override
        public void onError(Throwable error) {
            if (closed || watchGeneration != generation.get()) {
                return;
            }
            LOG.warn("broker liveness watch failed ({}); re-opening in {} ms", error.toString(), RETRY_DELAY_MS);
            retryLater(watchGeneration);
        }
    }
}
