package io.elasticstream.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ConnectionOrderTest {
    private final ConnectionOrder order = new ConnectionOrder();
    private final List<String> started = new ArrayList<>();

    private CompletableFuture<String> record(String name) {
        started.add(name);
        return CompletableFuture.completedFuture(name);
    }

    @Test
    void stagesWaitingOnOneSharedFutureStartInArrivalOrder() {
        CompletableFuture<String> listing = new CompletableFuture<>();
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = "request" + i;
            results.add(order.run("c1", listing, v -> record(name)));
        }
        assertTrue(started.isEmpty());
        listing.complete("names");
        assertEquals(List.of("request0", "request1", "request2", "request3", "request4"), started);
        results.forEach(r -> assertTrue(r.isDone()));
        assertEquals(0, order.waitingConnections());
    }

    @Test
    void aReadyRequestWaitsBehindAnEarlierWaitingOneOfTheSameConnectionOnly() {
        CompletableFuture<String> listing = new CompletableFuture<>();
        order.run("c1", listing, v -> record("first"));
        order.run("c1", CompletableFuture.completedFuture("x"), v -> record("second"));
        order.run("c2", CompletableFuture.completedFuture("x"), v -> record("other connection"));
        assertEquals(List.of("other connection"), started);
        listing.complete("names");
        assertEquals(List.of("other connection", "first", "second"), started);
    }

    @Test
    void aFailedWaitFailsItsRequestButNotTheNextOne() {
        CompletableFuture<String> listing = new CompletableFuture<>();
        CompletableFuture<String> first = order.run("c1", listing, v -> record("first"));
        CompletableFuture<String> second = order.run("c1", CompletableFuture.completedFuture("x"), v -> record("second"));
        listing.completeExceptionally(new IllegalStateException("PD unavailable"));
        assertTrue(first.isCompletedExceptionally());
        assertEquals("second", second.join());
        assertEquals(List.of("second"), started);
    }

    @Test
    void withNothingToWaitForTheStageRunsAtOnce() {
        CompletableFuture<String> r = order.run("c1", CompletableFuture.completedFuture("x"), v -> record("now"));
        assertEquals("now", r.getNow(null));
        assertEquals(0, order.waitingConnections());
    }
}
