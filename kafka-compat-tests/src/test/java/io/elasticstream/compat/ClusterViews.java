package io.elasticstream.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Reading PD's cluster view ({@code GET /v1/cluster}) of a {@link ClusterHarness} in tests. */
final class ClusterViews {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long POLL_MS = 20;

    private ClusterViews() {
    }

    /** Polls the view until {@code condition} holds; after {@code timeoutSeconds} fails with the last view and logs. */
    static JsonNode await(ClusterHarness cluster, String what, long timeoutSeconds, Predicate<JsonNode> condition) {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String last = null;
        while (System.nanoTime() - deadlineNs < 0) {
            last = cluster.clusterView().orElse(null);
            if (last != null) {
                JsonNode view = parse(last);
                if (condition.test(view)) {
                    return view;
                }
            }
            pause(POLL_MS);
        }
        throw new AssertionError("cluster view never showed " + what + "; last view: " + last + cluster.logTails(15));
    }

    /** Ids of the members (brokers or range servers of a view) marked live, i.e. holding a PD session. */
    static Set<Integer> liveIds(JsonNode members) {
        Set<Integer> ids = new TreeSet<>();
        members.forEach(m -> {
            if (m.path("live").asBoolean(false)) {
                ids.add(m.path("id").asInt());
            }
        });
        return ids;
    }

    static JsonNode parse(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null) {
                throw new AssertionError("empty cluster view");
            }
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
