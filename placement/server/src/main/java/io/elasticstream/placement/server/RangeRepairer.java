package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Re-replication: restores the replicas of sealed ranges that lost one to a dead range server.
 *
 * <p>Each round asks PD for a plan ({@link ReplicationAudit}'s under-replicated ranges, each with a
 * target: a live server not holding the range, chosen by {@link RangePlacer}), then, one range at a
 * time, has the target copy the range from its live replicas ({@link RangeCopier}: the data flows
 * between range servers, never through PD) and, once the copy is durable, asks PD to swap the dead
 * replica for the target in the range record. That swap is a guarded compare-and-set on the record as
 * planned: if the record changed meanwhile (or the target died, or this PD lost the lead), it is
 * dropped and the next round plans again. A failed copy is counted and retried next round; a copy whose
 * record swap lost is left on the target and found again by the next round's (idempotent) copy.
 *
 * <p>Threading: rounds run on this class's own scheduler thread (or the caller's, in {@link #runOnce}),
 * one at a time; planning and the swap run on PD's owner thread as short tasks, while the copy, which
 * may take long, only ties up this thread.
 */
final class RangeRepairer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RangeRepairer.class);
    /** Ranges repaired per round at most, so a round stays bounded (the next round takes the rest). */
    static final int MAX_REPAIRS_PER_ROUND = 32;

    /** PD's side of a round, run on its owner thread. */
    interface Planner {
        /** At most {@code max} repairs, for ranges with a live replica to copy from and a free live server. */
        CompletableFuture<List<RangeRepair>> plan(int max);

        /** Swaps the replica if the record is still as planned; false if it changed or the target died. */
        CompletableFuture<Boolean> commit(RangeRepair repair);
    }

    /** What one round did. */
    record Round(int planned, int repaired, int copyFailed, int dropped) {
    }

    private final Planner planner;
    private final RangeCopier copier;
    private final PlacementMetrics metrics;
    private final long copyTimeoutMs;
    /** Held for a whole round, so rounds never overlap. */
    private final Object roundLock = new Object();
    private volatile ScheduledExecutorService scheduler;
    private volatile boolean closed;

    RangeRepairer(Planner planner, RangeCopier copier, PlacementMetrics metrics, long copyTimeoutMs) {
        this.planner = planner;
        this.copier = copier;
        this.metrics = metrics;
        this.copyTimeoutMs = copyTimeoutMs;
    }

    /** Runs a round every {@code intervalMs}, the first after one interval. */
    synchronized void start(long intervalMs) {
        if (closed || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("pd-range-repair")
                .daemon().factory());
        scheduler.scheduleWithFixedDelay(this::scheduledRound, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        LOG.info("range repair runs every {} ms", intervalMs);
    }

    private void scheduledRound() {
        try {
            Round round = runOnce();
            if (round.planned() > 0) {
                LOG.info("range repair round: {}", round);
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("range repair round failed, retrying next round: {}", e.getMessage());
            }
        }
    }

    /** One round, on the calling thread; rounds never overlap. */
    Round runOnce() {
        synchronized (roundLock) {
            return round();
        }
    }

    private Round round() {
        List<RangeRepair> plan = PlacementDriver.await(planner.plan(MAX_REPAIRS_PER_ROUND));
        int repaired = 0;
        int copyFailed = 0;
        int dropped = 0;
        for (RangeRepair repair : plan) {
            if (closed || Thread.currentThread().isInterrupted()) {
                break;
            }
            if (!copy(repair)) {
                copyFailed++;
                metrics.onRepair(false);
                continue;
            }
            if (PlacementDriver.await(planner.commit(repair))) {
                repaired++;
                metrics.onRepair(true);
            } else {
                dropped++;
                LOG.info("re-replication of {}: the range record changed during the copy; planning again next round",
                        repair);
            }
        }
        return new Round(plan.size(), repaired, copyFailed, dropped);
    }

    private boolean copy(RangeRepair repair) {
        RangeRecord range = repair.range();
        RangeInfo info = new RangeInfo(range.streamId(), range.index(), range.startOffset(), range.endOffset(),
                range.epoch(), repair.sources());
        LOG.info("re-replicating {} from {}", repair, repair.sources());
        try {
            long end = copier.copy(repair.target(), info, repair.sources()).get(copyTimeoutMs, TimeUnit.MILLISECONDS);
            if (end != range.endOffset()) {
                LOG.warn("re-replication of {}: the target sealed at {}, not {}", repair, end, range.endOffset());
                return false;
            }
            return true;
        } catch (ExecutionException e) {
            LOG.warn("re-replication of {} failed: {}", repair, e.getCause().getMessage());
        } catch (TimeoutException e) {
            LOG.warn("re-replication of {} did not finish within {} ms", repair, copyTimeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("re-replication of {} failed", repair, e);
        }
        return false;
    }

    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (this) {
            closed = true;
            s = scheduler;
        }
        if (s != null) {
            s.shutdownNow();
        }
    }
}
