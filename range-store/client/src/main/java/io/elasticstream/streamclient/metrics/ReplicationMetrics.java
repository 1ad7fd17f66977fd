package io.elasticstream.streamclient.metrics;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.common.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replication metrics of the streams one process writes:
 * <ul>
 *   <li>{@value #INFLIGHT} (gauge: appends sent and not yet confirmed or failed)</li>
 *   <li>{@value #CONFIRM_LATENCY} (timer: from append to confirmation on ackCount replicas)</li>
 *   <li>{@value #FAILED_APPENDS} (meter: appends that completed with an error)</li>
 *   <li>{@value #SEALS} (meter: ranges sealed by a writer: at a roll, or an orphan when a stream opens)</li>
 *   <li>{@value #ROLLS} (meter: rolls started, OPEN → ROLLING)</li>
 *   <li>{@value #REPLICA_TIMEOUTS} and {@value #REPLICA_ERRORS} (meters: what made the writer roll)</li>
 * </ul>
 */
public final class ReplicationMetrics {
    public static final String INFLIGHT = "rangestore.replication.appends.inflight";
    public static final String CONFIRM_LATENCY = "rangestore.replication.confirm.latency";
    public static final String FAILED_APPENDS = "rangestore.replication.appends.failed";
    public static final String SEALS = "rangestore.replication.seals";
    public static final String ROLLS = "rangestore.replication.rolls";
    public static final String REPLICA_TIMEOUTS = "rangestore.replication.replica.timeouts";
    public static final String REPLICA_ERRORS = "rangestore.replication.replica.errors";

    private final Clock clock;
    private final AtomicLong inflight = new AtomicLong();
    private final Timer confirmLatency;
    private final Meter failedAppends;
    private final Meter seals;
    private final Meter rolls;
    private final Meter replicaTimeouts;
    private final Meter replicaErrors;

    public ReplicationMetrics(MetricRegistry registry, Clock clock) {
        this.clock = clock;
        registry.register(INFLIGHT, (Gauge<Long>) inflight::get);
        confirmLatency = registry.timer(CONFIRM_LATENCY);
        failedAppends = registry.meter(FAILED_APPENDS);
        seals = registry.meter(SEALS);
        rolls = registry.meter(ROLLS);
        replicaTimeouts = registry.meter(REPLICA_TIMEOUTS);
        replicaErrors = registry.meter(REPLICA_ERRORS);
    }

    /** Metrics on a registry of their own: for tests and callers that do not export metrics. */
    public static ReplicationMetrics unregistered() {
        return new ReplicationMetrics(new MetricRegistry(), Clock.SYSTEM);
    }

    /** An append was accepted; {@code confirmed} completes when it is confirmed or fails. */
    public void onAppend(CompletableFuture<?> confirmed) {
        long startNs = clock.nanoTime();
        inflight.incrementAndGet();
        confirmed.whenComplete((v, err) -> {
            inflight.decrementAndGet();
            if (err == null) {
                confirmLatency.update(clock.nanoTime() - startNs, TimeUnit.NANOSECONDS);
            } else {
                failedAppends.mark();
            }
        });
    }

    public void onSeal() {
        seals.mark();
    }

    public void onRoll() {
        rolls.mark();
    }

    public void onReplicaTimeout() {
        replicaTimeouts.mark();
    }

    public void onReplicaError() {
        replicaErrors.mark();
    }
}
