package io.elasticstream.broker.api;

import io.elasticstream.placement.api.PlacementService;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks reserved at PD, so ids are never reused across restarts or
 * brokers. Thread-safe.
 */
final class ProducerIdAllocator {
    static final int BLOCK_SIZE = 1000;

    private final PlacementService placement;
    private long next;
    private long blockEnd;
    private CompletableFuture<Void> refill;

    ProducerIdAllocator(PlacementService placement) {
        this.placement = placement;
    }

    synchronized CompletableFuture<Long> nextId() {
        if (next < blockEnd) {
            return CompletableFuture.completedFuture(next++);
        }
        if (refill == null) {
            refill = placement.allocateProducerIds(BLOCK_SIZE).thenAccept(first -> {
                synchronized (this) {
                    next = first;
                    blockEnd = first + BLOCK_SIZE;
                    refill = null;
                }
            });
            CompletableFuture<Void> current = refill;
            current.whenComplete((v, err) -> {
                if (err != null) {
                    synchronized (this) {
                        refill = null;
                    }
                }
            });
            return current.thenCompose(v -> nextId());
        }
        return refill.thenCompose(v -> nextId());
    }
}
