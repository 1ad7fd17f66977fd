package io.elasticstream.streamclient.sim;

import io.elasticstream.common.Scheduler;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Virtual time and a seeded event queue: the whole simulation runs on the calling thread, one event at
 * a time, so a seed replays the exact same run.
 */
final class SimWorld implements Scheduler {
    final Random random;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private long nowMs;
    private long sequence;
    private long executed;

    SimWorld(long seed) {
        this.random = new Random(seed);
    }

    long nowMs() {
        return nowMs;
    }

    long executed() {
        return executed;
    }

    @Override
    public Cancellable schedule(Runnable task, long delayMs) {
        Event e = new Event(nowMs + Math.max(0, delayMs), sequence++, task);
        events.add(e);
        return () -> e.cancelled = true;
    }

    /** A delay drawn uniformly from [min, max] ms. */
    long delay(long minMs, long maxMs) {
        return minMs + (long) (random.nextDouble() * (maxMs - minMs + 1));
    }

    boolean chance(double probability) {
        return random.nextDouble() < probability;
    }

    /** Runs events until virtual time {@code untilMs} or no event is left; after each, runs {@code check}. */
    void runUntil(long untilMs, Runnable check) {
        while (!events.isEmpty() && events.peek().atMs <= untilMs) {
            Event e = events.poll();
            if (e.cancelled) {
                continue;
            }
            nowMs = e.atMs;
            e.task.run();
            executed++;
            check.run();
        }
        nowMs = Math.max(nowMs, untilMs);
    }

    private static final class Event implements Comparable<Event> {
        final long atMs;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Event(long atMs, long sequence, Runnable task) {
            this.atMs = atMs;
            this.sequence = sequence;
            this.task = task;
        }

        @Override
        public int compareTo(Event o) {
            return atMs != o.atMs ? Long.compare(atMs, o.atMs) : Long.compare(sequence, o.sequence);
        }
    }
}
