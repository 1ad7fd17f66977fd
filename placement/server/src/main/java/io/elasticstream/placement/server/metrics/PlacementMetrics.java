package io.elasticstream.placement.server.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.common.Clock;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the placement driver decides:
 * <ul>
 *   <li>{@value #REQUESTS} (meter: requests run on PD's owner thread — registrations, topic and range
 *       placement, seals, lookups)</li>
 *   <li>{@value #FAILED} (meter: those that completed with an error)</li>
 *   <li>{@value #LATENCY} (timer: from submission to the end of the decision, queueing included)</li>
 *   <li>{@value #REPAIRS_SUCCEEDED} (counter: sealed ranges copied to a range server: in place of a dead
 *       replica, as a missing one, or completing a short one)</li>
 *   <li>{@value #REPAIRS_FAILED} (counter: such copies that failed; retried in the next round)</li>
 *   <li>{@value #RANGES_VERIFIED} (counter: sealed ranges found held whole by all their replicas)</li>
 *   <li>{@value #RANGES_COMPACTED} (counter: range records merged away into runs of old history)</li>
 *   <li>{@value #LEADER} (gauge: 1 while this PD is the leader, else 0)</li>
 *   <li>{@value #ELECTIONS_WON} (counter: terms this PD started leading)</li>
 *   <li>{@value #RANGES_PLACED} (counter: placement decisions for new ranges)</li>
 *   <li>{@value #PARTITIONS_ASSIGNED} (counter: partitions given a first owner, by topic creation or
 *       partition addition)</li>
 *   <li>{@value #PARTITIONS_MOVED_PLANNED} (counter: partitions moved by AlterPartitionReassignments)</li>
 *   <li>{@value #PARTITIONS_MOVED_FAILOVER} (counter: partitions moved off brokers whose session ended)</li>
 *   <li>{@value #BROKER_SESSIONS_ENDED} (counter: broker liveness keys that went away: session lease
 *       expiries and unregistrations, as PD's watch saw them)</li>
 * </ul>
 */
public final class PlacementMetrics {
    public static final String REQUESTS = "placement.requests";
    public static final String FAILED = "placement.requests.failed";
    public static final String LATENCY = "placement.request.latency";
    public static final String REPAIRS_SUCCEEDED = "placement.repairs.succeeded";
    public static final String REPAIRS_FAILED = "placement.repairs.failed";
    public static final String RANGES_VERIFIED = "placement.ranges.verified";
    public static final String RANGES_COMPACTED = "placement.ranges.compacted";
    public static final String LEADER = "placement.leader";
    public static final String ELECTIONS_WON = "placement.elections.won";
    public static final String RANGES_PLACED = "placement.ranges.placed";
    public static final String PARTITIONS_ASSIGNED = "placement.partitions.assigned";
    public static final String PARTITIONS_MOVED_PLANNED = "placement.partitions.moved.planned";
    public static final String PARTITIONS_MOVED_FAILOVER = "placement.partitions.moved.failover";
    public static final String BROKER_SESSIONS_ENDED = "placement.broker.sessions.ended";

    private final Clock clock;
    private final Meter requests;
    private final Meter failed;
    private final Timer latency;
    private final Counter repairsSucceeded;
    private final Counter repairsFailed;
    private final Counter rangesVerified;
    private final Counter rangesCompacted;
    private final Counter electionsWon;
    private final Counter rangesPlaced;
    private final Counter partitionsAssigned;
    private final Counter partitionsMovedPlanned;
    private final Counter partitionsMovedFailover;
    private final Counter brokerSessionsEnded;
    private volatile BooleanSupplier leading = () -> false;

    public PlacementMetrics(MetricRegistry registry, Clock clock) {
        this.clock = clock;
        requests = registry.meter(REQUESTS);
        failed = registry.meter(FAILED);
        latency = registry.timer(LATENCY);
        repairsSucceeded = registry.counter(REPAIRS_SUCCEEDED);
        repairsFailed = registry.counter(REPAIRS_FAILED);
        rangesVerified = registry.counter(RANGES_VERIFIED);
        rangesCompacted = registry.counter(RANGES_COMPACTED);
        electionsWon = registry.counter(ELECTIONS_WON);
        rangesPlaced = registry.counter(RANGES_PLACED);
        partitionsAssigned = registry.counter(PARTITIONS_ASSIGNED);
        partitionsMovedPlanned = registry.counter(PARTITIONS_MOVED_PLANNED);
        partitionsMovedFailover = registry.counter(PARTITIONS_MOVED_FAILOVER);
        brokerSessionsEnded = registry.counter(BROKER_SESSIONS_ENDED);
        registry.gauge(LEADER, () -> () -> leading.getAsBoolean() ? 1 : 0);
    }

    /** Where {@value #LEADER} reads whether this PD leads now. */
    public void reportLeadership(BooleanSupplier isLeader) {
        leading = isLeader;
    }

    public void onElected() {
        electionsWon.inc();
    }

    public void onRangePlaced() {
        rangesPlaced.inc();
    }

    public void onPartitionsAssigned(int count) {
        partitionsAssigned.inc(count);
    }

    public void onPartitionsMoved(int count, boolean planned) {
        (planned ? partitionsMovedPlanned : partitionsMovedFailover).inc(count);
    }

    public void onBrokerSessionEnded() {
        brokerSessionsEnded.inc();
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

    public void onRangesVerified(int count) {
        rangesVerified.inc(count);
    }

    /** {@code records} range records were merged into others. */
    public void onRangesCompacted(int records) {
        rangesCompacted.inc(records);
    }

    public long rangesVerified() {
        return rangesVerified.getCount();
    }

    public long rangesCompacted() {
        return rangesCompacted.getCount();
    }

    public long repairsSucceeded() {
        return repairsSucceeded.getCount();
    }

    public long repairsFailed() {
        return repairsFailed.getCount();
    }
}
