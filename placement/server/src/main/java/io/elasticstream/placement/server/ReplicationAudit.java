package io.elasticstream.placement.server;

import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds sealed ranges that lost replicas: each sealed, non-empty range not yet trimmed away whose
 * replica servers are not all live. Open ranges are left out: their writer seals them on replica
 * failure and places the rest of the stream elsewhere. {@link RangeRepairer} copies what it finds; the
 * cluster view lists it. Pure.
 */
public final class ReplicationAudit {
    private ReplicationAudit() {
    }

    /**
     * @param ranges            every range record
     * @param streamStartOffset each stream's start offset (ranges of unknown streams are skipped)
     * @param liveServers       ids of the live range servers
     * @return the under-replicated ranges, by stream id then index
     */
    public static List<UnderReplicatedRange> underReplicated(List<RangeRecord> ranges, Map<Long, Long> streamStartOffset,
                                                      Set<Integer> liveServers) {
        List<UnderReplicatedRange> found = new ArrayList<>();
        for (RangeRecord range : ranges) {
            Long streamStart = streamStartOffset.get(range.streamId());
            if (!range.isSealed() || range.endOffset() <= range.startOffset() || streamStart == null
                    || range.endOffset() <= streamStart) {
                continue;
            }
            List<Integer> live = new ArrayList<>();
            List<Integer> dead = new ArrayList<>();
            for (int id : range.replicaIds()) {
                (liveServers.contains(id) ? live : dead).add(id);
            }
            if (!dead.isEmpty()) {
                found.add(new UnderReplicatedRange(range.streamId(), range.index(), range.startOffset(),
                        range.endOffset(), live, dead));
            }
        }
        found.sort(Comparator.comparingLong(UnderReplicatedRange::streamId)
                .thenComparingInt(UnderReplicatedRange::index));
        return found;
    }
}
