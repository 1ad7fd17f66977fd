package io.elasticstream.common;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to; for tests and deterministic simulation. */
public final class ManualClock implements Clock {
    private final AtomicLong nanos;
    private final AtomicLong epochMillis;

    public ManualClock(long startEpochMillis) {
        this.nanos = new AtomicLong(TimeUnit.MILLISECONDS.toNanos(startEpochMillis));
        this.epochMillis = new AtomicLong(startEpochMillis);
    }

    public ManualClock() {
        this(1_700_000_000_000L);
    }

    /** Moves both monotonic and wall time forward. */
    public void advance(long amount, TimeUnit unit) {
        Checks.argument(amount >= 0, "cannot move time backwards by %d", amount);
        nanos.addAndGet(unit.toNanos(amount));
        epochMillis.addAndGet(unit.toMillis(amount));
    }

    public void advanceMillis(long millis) {
        advance(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMillis() {
        return epochMillis.get();
    }
}
