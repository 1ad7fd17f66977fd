package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Injects faults into a {@link ClusterHarness} from a seeded {@link Random}, one at a time: picks a broker,
 * range server or PD, SIGKILLs it or SIGSTOPs it, holds the fault for a few seconds, then heals it (restarts
 * the killed member with the same id and data, or SIGCONTs the frozen one), lets the cluster settle, and
 * repeats until told to stop. One fault at a time means never more than one member of a kind down and never
 * the last live PD. Every action goes to a timestamped {@link #history()}.
 *
 * <p>Threading: {@link #run} runs on one thread; {@link #history()} and {@link #faults()} may be read from any.
 */
final class ChaosNemesis {
    private static final long MIN_HOLD_MS = 2_500;
    private static final long MAX_EXTRA_HOLD_MS = 2_500;
    private static final long MIN_SETTLE_MS = 2_000;
    private static final long MAX_EXTRA_SETTLE_MS = 2_000;

    private final ClusterHarness cluster;
    private final Random random;
    private final long startNs;
    private final List<String> history = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger faults = new AtomicInteger();

    ChaosNemesis(ClusterHarness cluster, long seed, long startNs) {
        this.cluster = cluster;
        this.random = new Random(seed);
        this.startNs = startNs;
    }

    /** Injects and heals faults until {@code stop} says so; returns with every member running. */
    void run(BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            pauseInterruptibly(MIN_SETTLE_MS + random.nextLong(MAX_EXTRA_SETTLE_MS));
            if (stop.getAsBoolean()) {
                return;
            }
            String kind = List.of("broker", "range-server", "pd").get(random.nextInt(3));
            List<ClusterHarness.Member> candidates = switch (kind) {
                case "broker" -> cluster.brokers();
                case "range-server" -> cluster.rangeServers();
                default -> cluster.pds();
            };
            ClusterHarness.Member target = candidates.get(random.nextInt(candidates.size()));
            boolean kill = random.nextBoolean();
            long holdMs = MIN_HOLD_MS + random.nextLong(MAX_EXTRA_HOLD_MS);
            faults.incrementAndGet();
            if (kill) {
                record("SIGKILL " + target.name() + " (pid " + target.process().pid() + "), down for " + holdMs
                        + " ms");
                target.process().kill();
                pauseInterruptibly(holdMs);
                ClusterHarness.Member restarted = cluster.restart(target);
                record("restarted " + target.name() + " (pid " + restarted.process().pid() + ")");
            } else {
                record("SIGSTOP " + target.name() + " (pid " + target.process().pid() + ") for " + holdMs + " ms");
                target.process().suspend();
                try {
                    pauseInterruptibly(holdMs);
                } finally {
                    target.process().resume();
                    record("SIGCONT " + target.name());
                }
            }
        }
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

    int faults() {
        return faults.get();
    }

    /** A fault's hold time is the fault itself, not a wait for a condition, so it is a plain sleep. */
    private static void pauseInterruptibly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("nemesis interrupted", e);
        }
    }
}
