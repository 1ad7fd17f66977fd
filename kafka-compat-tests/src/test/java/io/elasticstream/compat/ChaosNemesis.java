package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Injects faults into a {@link ClusterHarness} from a seeded {@link Random}: picks a broker, range server or
 * PD, SIGKILLs it or SIGSTOPs it, holds the fault for a few seconds, then heals it (restarts the killed member
 * with the same id and data, or SIGCONTs the frozen one). Faults overlap: a new one may start while others
 * are held, up to {@code maxFaults} at once and never two of the same kind, so of 3 brokers, 3 range servers
 * and 3 PDs at least 2 of each stay up: range writes keep their 2 acks of 3 replicas, partitions have live
 * brokers to move to, and the PDs left (plus etcd, which is never faulted) can elect a leader. Every action
 * goes to a timestamped {@link #history()}.
 *
 * <p>Threading: {@link #run} runs on one thread; {@link #history()}, {@link #faults()} and
 * {@link #overlapping()} may be read from any.
 */
final class ChaosNemesis {
    /** Kinds of member a fault may hit; at most one fault per kind at a time. */
    static final List<String> KINDS = List.of("broker", "range-server", "pd");
    private static final long MIN_HOLD_MS = 2_500;
    private static final long MAX_EXTRA_HOLD_MS = 2_500;
    private static final long MIN_GAP_MS = 1_500;
    private static final long MAX_EXTRA_GAP_MS = 3_000;
    private static final long MAX_IDLE_MS = 100;

    /** A fault being held: its target, whether it was killed (else frozen), and when to heal it. */
    private record Active(String kind, ClusterHarness.Member target, boolean killed, long healAtNs) {
        String describe() {
            return (killed ? "SIGKILL " : "SIGSTOP ") + target.name();
        }
    }

    private final ClusterHarness cluster;
    private final Random random;
    private final long startNs;
    private final int maxFaults;
    private final List<String> history = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger overlapping = new AtomicInteger();
    private final List<Active> active = new ArrayList<>();
    private long nextInjectNs;

    /**
     * @param maxFaults faults held at once, 1 (one at a time, with a pause between) to {@link #KINDS}.size()
     */
    ChaosNemesis(ClusterHarness cluster, long seed, long startNs, int maxFaults) {
        if (maxFaults < 1 || maxFaults > KINDS.size()) {
            throw new IllegalArgumentException("maxFaults must be 1.." + KINDS.size() + ", not " + maxFaults);
        }
        this.cluster = cluster;
        this.random = new Random(seed);
        this.startNs = startNs;
        this.maxFaults = maxFaults;
    }

    /** Injects and heals faults until {@code stop} says so; returns with every fault healed. */
    void run(BooleanSupplier stop) {
        nextInjectNs = System.nanoTime() + gapNs();
        try {
            while (!stop.getAsBoolean()) {
                healDue(System.nanoTime());
                if (System.nanoTime() - nextInjectNs >= 0) {
                    if (active.size() < maxFaults) {
                        inject();
                    }
                    nextInjectNs = System.nanoTime() + gapNs();
                }
                long wakeNs = nextInjectNs;
                for (Active a : active) {
                    wakeNs = a.healAtNs() - wakeNs < 0 ? a.healAtNs() : wakeNs;
                }
                long sleepMs = Math.min(MAX_IDLE_MS, TimeUnit.NANOSECONDS.toMillis(wakeNs - System.nanoTime()));
                if (sleepMs > 0) {
                    pauseInterruptibly(sleepMs);
                }
            }
        } finally {
            while (!active.isEmpty()) {
                heal(active.getFirst());
            }
        }
    }

    private void inject() {
        List<String> free = new ArrayList<>(KINDS);
        active.forEach(a -> free.remove(a.kind()));
        String kind = free.get(random.nextInt(free.size()));
        List<ClusterHarness.Member> candidates = switch (kind) {
            case "broker" -> cluster.brokers();
            case "range-server" -> cluster.rangeServers();
            default -> cluster.pds();
        };
        ClusterHarness.Member target = candidates.get(random.nextInt(candidates.size()));
        boolean kill = random.nextBoolean();
        long holdMs = MIN_HOLD_MS + random.nextLong(MAX_EXTRA_HOLD_MS);
        faults.incrementAndGet();
        String others = "";
        if (!active.isEmpty()) {
            overlapping.incrementAndGet();
            others = " while " + String.join(", ", active.stream().map(Active::describe).toList()) + " held";
        }
        if (kill) {
            record("SIGKILL " + target.name() + " (pid " + target.process().pid() + "), down for " + holdMs + " ms"
                    + others);
            target.process().kill();
        } else {
            record("SIGSTOP " + target.name() + " (pid " + target.process().pid() + ") for " + holdMs + " ms" + others);
            target.process().suspend();
        }
        active.add(new Active(kind, target, kill, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMs)));
    }

    private void healDue(long now) {
        for (Active a : List.copyOf(active)) {
            if (now - a.healAtNs() >= 0) {
                heal(a);
            }
        }
    }

    /** Restarts a killed member (waits for its ready line) or resumes a frozen one. */
    private void heal(Active a) {
        active.remove(a);
        if (a.killed()) {
            ClusterHarness.Member restarted = cluster.restart(a.target());
            record("restarted " + a.target().name() + " (pid " + restarted.process().pid() + ")");
        } else {
            a.target().process().resume();
            record("SIGCONT " + a.target().name());
        }
        if (maxFaults == 1) {
            nextInjectNs = System.nanoTime() + gapNs(); // one at a time: the cluster settles after each heal
        }
    }

    private long gapNs() {
        return TimeUnit.MILLISECONDS.toNanos(MIN_GAP_MS + random.nextLong(MAX_EXTRA_GAP_MS));
    }

    /** Adds a timestamped line (seconds since the run started) to the history. */
    void record(String event) {
        history.add("%8.3fs %s".formatted((System.nanoTime() - startNs) / 1e9, event));
    }

    List<String> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /** Faults injected so far. */
    int faults() {
        return faults.get();
    }

    /** Faults injected while at least one other was held. */
    int overlapping() {
        return overlapping.get();
    }

    /** The hold and the gaps are the faults' schedule itself, not waits for a condition: plain sleeps. */
    private static void pauseInterruptibly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("nemesis interrupted", e);
        }
    }
}
