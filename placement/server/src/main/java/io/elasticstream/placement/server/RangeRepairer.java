package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Re-replication and range history upkeep: keeps every sealed range on as many range servers holding it
 * whole as its stream's replica count, and compacts old range records.
 *
 * <p>Each round asks PD for a plan ({@link RangeMaintenance#plan}):
 * <ul>
 *   <li>repairs of ranges with a replica on a dead server, or placed on fewer servers than the replica
 *       count: one at a time, the target (a live server not holding the range, chosen by
 *       {@link RangePlacer}) copies the range from its live replicas ({@link RangeCopier}: the data flows
 *       between range servers, never through PD), and once the copy is durable PD records the target in
 *       place of the dead replica, or as an added one;</li>
 *   <li>checks of sealed ranges not yet verified: each replica is asked whether it holds the range whole
 *       ({@link RangeCopier#holdsWhole}). A replica can be short: its writer confirmed batches with the
 *       others' acknowledgements and sealed the range before the last ones reached it. If all hold it,
 *       PD marks the range verified; a short replica is completed in place by a copy from the others, and
 *       the next round checks again. A slice of verified ranges is checked again each round (a scrub),
 *       so a replica lost later on a live server is completed too.</li>
 * </ul>
 * Then PD merges runs of settled range records ({@link RangeMaintenance#compact}): in rounds that verified
 * ranges or follow one that merged some, and every {@link #COMPACT_EVERY_ROUNDS} rounds otherwise.
 *
 * <p>Every record change is a guarded compare-and-set on the range as planned: if it changed meanwhile
 * (or the target died, or this PD lost the lead), it is dropped and the next round plans again. A failed
 * copy is counted and retried next round; a copy whose record change lost is left on the target and
 * found again by the next round's (idempotent) copy.
 *
 * <p>Threading: rounds run on this class's own scheduler thread (or the caller's, in {@link #runOnce}),
 * one at a time; planning (which reads every record) and copies and checks (which may take long) tie up
 * only this thread, while record changes run on PD's owner thread as short tasks.
 */
final class RangeRepairer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RangeRepairer.class);
    /** Ranges repaired per round at most, so a round stays bounded (the next round takes the rest). */
    static final int MAX_REPAIRS_PER_ROUND = 32;
    /** Ranges checked per round at most. */
    static final int MAX_CHECKS_PER_ROUND = 1024;
    /**
     * Longest a round waits for one replica's answer to a check. A server that does not answer in time
     * (hung, or frozen while its session still lives) is not asked again that round, so it cannot hold up
     * the round's other checks and repairs.
     */
    static final long CHECK_TIMEOUT_MS = 5_000;
    /** Verified ranges checked again per round at most (the scrub: 100,000 ranges a pass of about 8 minutes at 5 s). */
    static final int MAX_SCRUBS_PER_ROUND = 1024;
    /** Compaction transactions per round at most. */
    static final int MAX_MERGES_PER_ROUND = 64;
    /**
     * Compaction reads every range record again, so it runs only in rounds that verified ranges (which makes
     * records settled), and otherwise every this many rounds (empty ranges settle without a check).
     */
    static final int COMPACT_EVERY_ROUNDS = 12;

    /**
     * PD's side of a round (see {@link RangeMaintenance}): planning may run on the calling thread, record
     * changes run on PD's owner thread.
     */
    interface Planner {
        CompletableFuture<RangeMaintenance.Plan> plan(int maxRepairs, int maxChecks);

        /** Records the repair's target if the range is still as planned; false if it changed or the target died. */
        CompletableFuture<Boolean> commit(RangeRepair repair);

        /** Marks the ranges verified where they are still as checked; completes with how many. */
        CompletableFuture<Integer> markVerified(List<RangeCheck> checks);

        /** Merges settled range records; completes with how many records were merged away. */
        CompletableFuture<Integer> compact(int maxMerges);
    }

    /**
     * What one round did: repairs planned (including completions of short replicas found by checks),
     * repaired, failed copies, repairs dropped because the record changed, ranges verified, and range
     * records compacted away.
     */
    record Round(int planned, int repaired, int copyFailed, int dropped, int verified, int compacted) {
    }

    private final Planner planner;
    private final RangeCopier copier;
    private final PlacementMetrics metrics;
    private final long copyTimeoutMs;
    /** Held for a whole round, so rounds never overlap. */
    private final Object roundLock = new Object();
    /** Rounds since the last compaction; guarded by {@link #roundLock}. */
    private int roundsSinceCompaction = COMPACT_EVERY_ROUNDS;
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
            if (round.planned() > 0 || round.verified() > 0 || round.compacted() > 0) {
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
        RangeMaintenance.Plan plan = PlacementDriver.await(planner.plan(MAX_REPAIRS_PER_ROUND, MAX_CHECKS_PER_ROUND));
        List<RangeRepair> repairs = new ArrayList<>(plan.repairs());
        List<RangeCheck> whole = new ArrayList<>();
        Set<Integer> unresponsive = new HashSet<>();
        for (RangeCheck check : plan.checks()) {
            if (closed || Thread.currentThread().isInterrupted()) {
                break;
            }
            if (check.replicas().stream().anyMatch(replica -> unresponsive.contains(replica.id()))) {
                continue;
            }
            List<RangeRepair> completions = check(check, unresponsive);
            if (completions == null) {
                continue; // some replica could not tell: next round
            }
            if (completions.isEmpty()) {
                if (!check.range().verified()) {
                    whole.add(check);
                }
            } else {
                repairs.addAll(completions);
            }
        }
        int verified = whole.isEmpty() ? 0 : PlacementDriver.await(planner.markVerified(whole));
        int repaired = 0;
        int copyFailed = 0;
        int dropped = 0;
        for (RangeRepair repair : repairs) {
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
        int compacted = 0;
        if (!closed && (verified > 0 || ++roundsSinceCompaction >= COMPACT_EVERY_ROUNDS)) {
            compacted = PlacementDriver.await(planner.compact(MAX_MERGES_PER_ROUND));
            roundsSinceCompaction = compacted > 0 ? COMPACT_EVERY_ROUNDS : 0; // while it finds work, every round
        }
        return new Round(repairs.size(), repaired, copyFailed, dropped, verified, compacted);
    }

    /**
     * Asks every replica of the checked range whether it holds it whole: the repairs completing the short
     * ones from the whole ones (none if all hold it), or null if some replica could not tell (it is added
     * to {@code unresponsive}), or none holds it whole (nothing to copy from).
     */
    private List<RangeRepair> check(RangeCheck check, Set<Integer> unresponsive) {
        List<CompletableFuture<Boolean>> answers = check.replicas().stream()
                .map(replica -> copier.holdsWhole(replica, check.asked())).toList();
        List<RangeServerInfo> whole = new ArrayList<>();
        List<RangeServerInfo> partial = new ArrayList<>();
        for (int i = 0; i < answers.size(); i++) {
            try {
                boolean holds = answers.get(i).get(CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                (holds ? whole : partial).add(check.replicas().get(i));
            } catch (ExecutionException | TimeoutException e) {
                LOG.info("check of {}: replica {} could not tell ({}); not asked again this round", check,
                        check.replicas().get(i).id(), e instanceof TimeoutException ? "no answer within "
                                + CHECK_TIMEOUT_MS + " ms" : e.getCause().getMessage());
                unresponsive.add(check.replicas().get(i).id());
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        if (whole.isEmpty()) {
            LOG.warn("check of {}: no replica holds it whole", check);
            return null;
        }
        if (!partial.isEmpty()) {
            LOG.info("check of {}{}: replicas {} hold less than the whole range; completing them from {}", check,
                    check.range().verified() ? " (verified before: a replica was lost since)" : "",
                    partial.stream().map(RangeServerInfo::id).toList(), whole.stream().map(RangeServerInfo::id).toList());
        }
        return partial.stream().map(shortReplica -> check.completing(shortReplica, whole)).toList();
    }

    private boolean copy(RangeRepair repair) {
        RangeRecord range = repair.range();
        LOG.info("re-replicating {} from {}", repair, repair.sources().stream().map(RangeServerInfo::id).toList());
        try {
            long end = copier.copy(repair.target(), repair.copyRequest(), repair.sources())
                    .get(copyTimeoutMs, TimeUnit.MILLISECONDS);
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
