package io.elasticstream.placement.server;

import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the compaction of a stream's old range history: runs of consecutive settled range records are
 * merged into one record holding all of them ({@link io.elasticstream.placement.server.codec.Codecs#RANGES}),
 * so a stream that rolled its ranges thousands of times (every replica failure or owner change rolls one)
 * costs PD and etcd a few keys instead of thousands, and readers fetch a few values.
 *
 * <p>A range is settled, and never changes again unless a replica server dies, when it is sealed and
 * either verified (all its replicas hold it whole), empty, or trimmed away. The record holding a
 * stream's last range is never merged: the next range's creation, and the last range's seal, compare it.
 * Records are merged only in batches of at least {@link #MIN_RECORDS} (or when two runs meet, or into a
 * full run), so compaction rewrites a run once per several new ranges, not once per range. Pure.
 */
final class RangeCompactor {
    /** Most ranges one record holds: a run's value stays a few KiB. */
    static final int MAX_RUN = 256;
    /** Fewest records merged at once, unless they fill a run. */
    static final int MIN_RECORDS = 8;
    /** Most records merged by one transaction (each is compared and all but the first deleted). */
    static final int MAX_RECORDS = 64;

    private RangeCompactor() {
    }

    /** One stored record of a stream: its key-value and the run of ranges it holds. */
    record Held(KeyValue kv, List<RangeRecord> run) {
    }

    /** Records to merge, in key order, into one record at the first one's key holding {@code run}. */
    record Merge(List<KeyValue> records, List<RangeRecord> run) {
    }

    /**
     * The merges for one stream's records.
     *
     * @param records the stream's records, in key (index) order
     */
    static List<Merge> plan(List<Held> records, StreamRecord stream) {
        List<Merge> merges = new ArrayList<>();
        List<Held> group = new ArrayList<>();
        int groupRanges = 0;
        for (Held held : records.subList(0, Math.max(0, records.size() - 1))) {
            boolean settled = held.run().stream().allMatch(range -> settled(range, stream));
            boolean fits = groupRanges + held.run().size() <= MAX_RUN && group.size() < MAX_RECORDS;
            if (!settled || !fits) {
                addIfWorthIt(merges, group, groupRanges, settled);
                group = new ArrayList<>();
                groupRanges = 0;
            }
            if (settled) {
                group.add(held);
                groupRanges += held.run().size();
            }
        }
        addIfWorthIt(merges, group, groupRanges, false);
        return merges;
    }

    /**
     * Adds the group's merge if it has enough records, holds two runs (as one transaction's limit of records
     * leaves), or is full ({@code full}: the next did not fit).
     */
    private static void addIfWorthIt(List<Merge> merges, List<Held> group, int groupRanges, boolean full) {
        long runs = group.stream().filter(held -> held.run().size() > 1).count();
        if (group.size() >= MIN_RECORDS || runs >= 2 || (full && group.size() >= 2)) {
            List<RangeRecord> run = new ArrayList<>(groupRanges);
            group.forEach(held -> run.addAll(held.run()));
            merges.add(new Merge(group.stream().map(Held::kv).toList(), run));
        }
    }

    /** Sealed, and verified, empty or trimmed away: nothing about it will change while its replicas live. */
    static boolean settled(RangeRecord range, StreamRecord stream) {
        return range.isSealed() && (range.verified() || !ReplicationAudit.holdsLiveData(range, stream));
    }
}
