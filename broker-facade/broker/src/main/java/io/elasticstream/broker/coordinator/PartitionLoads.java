package io.elasticstream.broker.coordinator;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.IntFunction;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions of a coordinator's internal topic that are open on this broker, and whether each has been
 * loaded. A partition is loaded once it is found open ({@link #check} for one of its keys, or {@link #sync}):
 * its {@link Loader} replays it off the owner thread, then installs what it read on the owner thread. Until
 * then its keys get COORDINATOR_LOAD_IN_PROGRESS; when it is not open here, NOT_COORDINATOR. A partition that
 * closed, reopened (a new log object) or {@linkplain #lost lost} an append is unloaded, and the loader drops
 * its state. Every method runs on the owner thread.
 *
 * @param <L> the coordinator's log of one partition
 */
public final class PartitionLoads<L> {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLoads.class);

    private final String topic;
    private final int partitionCount;
    private final IntFunction<L> open;
    private final Loader<L> loader;
    private final Executor owner;
    private final Map<Integer, Load<L>> loads = new HashMap<>();

    /** How a coordinator reads a partition into its state, and drops it again. */
    public interface Loader<L> {
        /**
         * Replays {@code log} (on any thread); completes with the step that installs what it read, which runs
         * on the owner thread, after the partition counts as loaded, unless the partition went meanwhile.
         */
        CompletableFuture<Runnable> load(int partition, L log);

        /** The partition is no longer loaded here: drop its state. */
        void unloaded(int partition);
    }

    /** One opening of a partition: its log, and whether its load finished. */
    public static final class Load<L> {
        private final L log;
        private boolean ready;

        private Load(L log) {
            this.log = log;
        }

        public L log() {
            return log;
        }

        public boolean ready() {
            return ready;
        }
    }

    /**
     * @param open the partition's log while it is open here, else null; a different log object for the same
     *             partition is a new opening
     */
    public PartitionLoads(String topic, int partitionCount, IntFunction<L> open, Loader<L> loader, Executor owner) {
        this.topic = topic;
        this.partitionCount = partitionCount;
        this.open = open;
        this.loader = loader;
        this.owner = owner;
    }

    /** NONE when partition {@code p} is open and loaded here; else why not, starting its load if it just opened. */
    public Errors check(int p) {
        Load<L> load = refresh(p);
        if (load == null) {
            return Errors.NOT_COORDINATOR;
        }
        return load.ready ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
    }

    /** Starts loading every partition that opened here; unloads those that closed. */
    public void sync() {
        for (int p = 0; p < partitionCount; p++) {
            refresh(p);
        }
    }

    private Load<L> refresh(int p) {
        L log = open.apply(p);
        Load<L> load = loads.get(p);
        if (load != null && (log == null || !load.log.equals(log))) {
            unload(p);
            load = null;
        }
        if (load == null && log != null) {
            load = startLoad(p, log);
        }
        return load;
    }

    /** The current opening of {@code p}, loaded or not; null when none. */
    public Load<L> get(int p) {
        return loads.get(p);
    }

    /** The current opening of {@code p} if its load finished, else null. */
    public Load<L> ready(int p) {
        Load<L> load = loads.get(p);
        return load != null && load.ready ? load : null;
    }

    /** Whether {@code load} is still the current opening of {@code p}. */
    public boolean isCurrent(int p, Load<L> load) {
        return loads.get(p) == load;
    }

    /** Whether every partition being loaded and every one of {@code owned} has finished loading. */
    public boolean allReady(Set<Integer> owned) {
        return loads.values().stream().allMatch(l -> l.ready) && owned.stream().allMatch(p -> ready(p) != null);
    }

    /** An append through {@code load} failed: unload {@code p} if that is still its current opening. */
    public void lost(int p, Load<L> load) {
        if (isCurrent(p, load)) {
            unload(p);
        }
    }

    private Load<L> startLoad(int p, L log) {
        Load<L> load = new Load<>(log);
        loads.put(p, load);
        loader.load(p, log).whenCompleteAsync((install, err) -> {
            if (!isCurrent(p, load)) {
                return;
            }
            if (err != null) {
                LOG.warn("Loading {}-{} failed; will retry on the next request: {}", topic, p, err.toString());
                loads.remove(p);
                return;
            }
            load.ready = true;
            install.run();
        }, owner);
        return load;
    }

    private void unload(int p) {
        loads.remove(p);
        loader.unloaded(p);
    }
}
