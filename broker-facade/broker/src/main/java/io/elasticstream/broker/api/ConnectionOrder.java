package io.elasticstream.broker.api;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Starts the stages of one connection's requests in the order the requests arrived, also when a stage
 * must first wait for something (e.g. the topic-id listing). Produce needs it: an idempotent producer
 * pipelines up to five requests on a connection, and appending them out of order answers the later ones
 * OUT_OF_ORDER_SEQUENCE_NUMBER. Waiting on a plain shared future would not do: a {@link CompletableFuture}
 * runs its dependents last-registered first.
 *
 * <p>Threading: {@link #run} is called for a given connection from one thread at a time (its event
 * loop); different connections may call concurrently.
 */
final class ConnectionOrder {
    /** Per connection, completes once the stage of its latest request has started; absent when idle. */
    private final Map<String, CompletableFuture<Void>> lastStarted = new ConcurrentHashMap<>();

    /**
     * Runs {@code stage} with the value of {@code ready} once that is complete and every stage passed
     * earlier for {@code connectionId} has started; at once (on this thread) when nothing has to wait.
     */
    <T, R> CompletableFuture<R> run(String connectionId, CompletableFuture<T> ready,
                                    Function<T, CompletableFuture<R>> stage) {
        CompletableFuture<Void> before = lastStarted.get(connectionId);
        if ((before == null || before.isDone()) && ready.isDone() && !ready.isCompletedExceptionally()) {
            try {
                return stage.apply(ready.join());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<Void> after = before == null ? CompletableFuture.completedFuture(null) : before;
        CompletableFuture<CompletableFuture<R>> started = after.thenCompose(v -> ready).thenApply(stage);
        CompletableFuture<Void> mark = started.handle((r, e) -> null);
        lastStarted.put(connectionId, mark);
        mark.whenComplete((v, e) -> lastStarted.remove(connectionId, mark));
        return started.thenCompose(f -> f);
    }

    /** Connections with a stage waiting to start (for tests). */
    int waitingConnections() {
        return lastStarted.size();
    }
}
