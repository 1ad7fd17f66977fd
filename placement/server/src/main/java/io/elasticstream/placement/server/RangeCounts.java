package io.elasticstream.placement.server;

import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * How many ranges each range server holds, as range placement balances by it, without reading every
 * range record for each new range (a range server's death makes every writer on it roll at once). Counted
 * from all range records on first use by each driver (so once per leadership), then kept up to date by
 * this driver's own placements, and replaced by the full count each repair round reads anyway
 * ({@link RangeMaintenance#plan}, with its repairs' targets), which also takes in what trims and topic
 * deletions removed.
 *
 * <p>Threading: PD's owner thread only.
 */
final class RangeCounts {
    private final Supplier<List<RangeRecord>> readAll;
    /** Null until first counted. */
    private Map<Integer, Integer> held;

    /** @param readAll reads every range record (on the owner thread) */
    RangeCounts(Supplier<List<RangeRecord>> readAll) {
        this.readAll = readAll;
    }

    /** Ranges on {@code serverId}. */
    int held(int serverId) {
        if (held == null) {
            replace(count(readAll.get()));
        }
        return held.getOrDefault(serverId, 0);
    }

    /** A range was placed on {@code replicaIds}. */
    void placed(Collection<Integer> replicaIds) {
        if (held != null) {
            replicaIds.forEach(id -> held.merge(id, 1, Integer::sum));
        }
    }

    /** Replaces the counts by {@code counted} (as {@link #count} gives them). */
    void replace(Map<Integer, Integer> counted) {
        held = new HashMap<>(counted);
    }

    /** How many of {@code ranges} each server holds. */
    static Map<Integer, Integer> count(Collection<RangeRecord> ranges) {
        Map<Integer, Integer> counted = new HashMap<>();
        for (RangeRecord range : ranges) {
            range.replicaIds().forEach(id -> counted.merge(id, 1, Integer::sum));
        }
        return counted;
    }
}
