package io.elasticstream.rangestore.server.store;

import io.elasticstream.common.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a range server takes checkpoints ({@link RangeStore#checkpoint}): every {@code intervalMs} it
 * checks, and checkpoints if the WAL grew by {@code minWalBytes} since the last one (bounding replay) or
 * any range was trimmed meanwhile (so trimmed space is released soon). Checkpoints run on the
 * scheduler's thread, one at a time; a failed one is logged and tried again at the next check.
 */
public final class CheckpointPolicy implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPolicy.class);

    private final RangeStore store;
    private final Scheduler scheduler;
    private final long intervalMs;
    private final long minWalBytes;
    private long lastEndPosition;
    private long lastTrimCount;
    private volatile boolean closed;
    private volatile Scheduler.Cancellable next;

    private CheckpointPolicy(RangeStore store, Scheduler scheduler, long intervalMs, long minWalBytes) {
        this.store = store;
        this.scheduler = scheduler;
        this.intervalMs = intervalMs;
        this.minWalBytes = minWalBytes;
        this.lastEndPosition = store.wal().endPosition();
        this.lastTrimCount = store.trimCount();
    }

    /** Starts checking every {@code intervalMs}; {@link #close} stops it. */
    public static CheckpointPolicy start(RangeStore store, Scheduler scheduler, long intervalMs, long minWalBytes) {
        CheckpointPolicy policy = new CheckpointPolicy(store, scheduler, intervalMs, minWalBytes);
        policy.next = scheduler.schedule(policy::check, intervalMs);
        return policy;
    }

    /** Takes a checkpoint if one is due; returns whether it did. */
    synchronized boolean checkNow() {
        long end = store.wal().endPosition();
        long trimCount = store.trimCount();
        if (end - lastEndPosition < minWalBytes && trimCount == lastTrimCount) {
            return false;
        }
        store.checkpoint();
        lastEndPosition = store.wal().endPosition();
        lastTrimCount = trimCount;
        return true;
    }

    private void check() {
        if (closed) {
            return;
        }
        try {
            checkNow();
        } catch (RuntimeException e) {
            LOG.warn("Range store checkpoint failed; retrying at the next check", e);
        }
        if (!closed) {
            next = scheduler.schedule(this::check, intervalMs);
        }
    }

    @Override
    public void close() {
        closed = true;
        Scheduler.Cancellable n = next;
        if (n != null) {
            n.cancel();
        }
    }
}
