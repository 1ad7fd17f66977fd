package io.elasticstream.placement.server.metrics;

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
 * </ul>
 */
public final class PlacementMetrics {
    public static final String REQUESTS = "placement.requests";
    public static final String FAILED = "placement.requests.failed";
    public static final String LATENCY = "placement.request.latency";

    private final Clock clock;
    private final Meter requests;
    private final Meter failed;
    private final Timer latency;

    public PlacementMetrics(MetricRegistry registry, Clock clock) {
        this.clock = clock;
        requests = registry.meter(REQUESTS);
        failed = registry.meter(FAILED);
        latency = registry.timer(LATENCY);
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
}
