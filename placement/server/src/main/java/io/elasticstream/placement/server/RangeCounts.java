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
 * this driver's own placements and repairs, and replaced by the full count each repair round reads anyway
 * ({@link RangeMaintenance#plan}), which also takes in what trims and topic deletions removed.
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
            recount(readAll.get());
        }
        return held.getOrDefault(serverId, 0);
    }

    /** A range was placed on {@code replicaIds}. */
    void placed(Collection<Integer> replicaIds) {
        if (held != null) {
            replicaIds.forEach(id -> held.merge(id, 1, Integer::sum));
        }
    }

    /** A replica on {@code removedId} (none if negative) was replaced by, or added as, one on {@code addedId}. */
    void moved(int removedId, int addedId) {
        if (held != null) {
            if (removedId >= 0) {
                held.computeIfPresent(removedId, (id, n) -> n > 1 ? n - 1 : null);
            }
            held.merge(addedId, 1, Integer::sum);
        }
    }

    /** Replaces the counts by those of {@code all}, every range record. */
    void recount(Collection<RangeRecord> all) {
        Map<Integer, Integer> counted = new HashMap<>();
        for (RangeRecord range : all) {
            range.replicaIds().forEach(id -> counted.merge(id, 1, Integer::sum));
        }
        held = counted;
    }
}
