package io.elasticstream.placement.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.common.Clock;
import java.util.concurrent.TimeUnit;

/**
 * What the placement driver decides:
 * <ul>
 *   <li>{@value #REQUESTS} (meter: requests run on PD's owner thread — registrations, topic and range
 *       placement, seals, lookups)</li>
 *   <li>{@value #FAILED} (meter: those that completed with an error)</li>
 *   <li>{@value #LATENCY} (timer: from submission to the end of the decision, queueing included)</li>
 *   <li>{@value #REPAIRS_SUCCEEDED} (counter: sealed ranges copied to a new range server in place of a dead
 *       replica)</li>
 *   <li>{@value #REPAIRS_FAILED} (counter: such copies that failed; retried in the next round)</li>
 * </ul>
 */
public final class PlacementMetrics {
    public static final String REQUESTS = "placement.requests";
    public static final String FAILED = "placement.requests.failed";
    public static final String LATENCY = "placement.request.latency";
    public static final String REPAIRS_SUCCEEDED = "placement.repairs.succeeded";
    public static final String REPAIRS_FAILED = "placement.repairs.failed";

    private final Clock clock;
    private final Meter requests;
    private final Meter failed;
    private final Timer latency;
    private final Counter repairsSucceeded;
    private final Counter repairsFailed;

    public PlacementMetrics(MetricRegistry registry, Clock clock) {
        this.clock = clock;
        requests = registry.meter(REQUESTS);
        failed = registry.meter(FAILED);
        latency = registry.timer(LATENCY);
        repairsSucceeded = registry.counter(REPAIRS_SUCCEEDED);
        repairsFailed = registry.counter(REPAIRS_FAILED);
    }

    /** Metrics on a registry of their own: for tests and callers that do not export metrics. */
    public static PlacementMetrics unregistered() {
        return new PlacementMetrics(new MetricRegistry(), Clock.SYSTEM);
    }

    /** A request was submitted; returns its start time for {@link #onDone}. */
    public long onRequest() {
        requests.mark();
        return clock.nanoTime();
    }

    public void onDone(long startNs, boolean succeeded) {
        if (!succeeded) {
            failed.mark();
        }
        latency.update(clock.nanoTime() - startNs, TimeUnit.NANOSECONDS);
    }

    /** A re-replication finished: the copy is durable and the range record names the new replica, or not. */
    public void onRepair(boolean succeeded) {
        (succeeded ? repairsSucceeded : repairsFailed).inc();
    }

    public long repairsSucceeded() {
        return repairsSucceeded.getCount();
    }

    public long repairsFailed() {
        return repairsFailed.getCount();
    }
}
