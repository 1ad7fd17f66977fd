package io.elasticstream.placement.server;

import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds sealed ranges with fewer live replicas than their stream's replica count: each sealed, non-empty
 * range not yet trimmed away that has a replica on a dead server, or was placed on fewer servers than
 * the replica count. Open ranges are left out: their writer seals them on replica failure and places the
 * rest of the stream elsewhere. Replicas on live servers that hold less than the whole range are found
 * by {@link RangeRepairer}'s checks, not here (that needs asking the servers). {@link RangeRepairer}
 * copies what it finds; the cluster view lists it. Pure.
 */
public final class ReplicationAudit {
    private ReplicationAudit() {
    }

    /**
     * @param ranges      every range record
     * @param streams     every stream by id (ranges of unknown streams are skipped)
     * @param liveServers ids of the live range servers
     * @return the under-replicated ranges, by stream id then index
     */
    public static List<UnderReplicatedRange> underReplicated(List<RangeRecord> ranges, Map<Long, StreamRecord> streams,
                                                             Set<Integer> liveServers) {
        List<UnderReplicatedRange> found = new ArrayList<>();
        for (RangeRecord range : ranges) {
            UnderReplicatedRange under = audit(range, streams.get(range.streamId()), liveServers);
            if (under != null) {
                found.add(under);
            }
        }
        found.sort(Comparator.comparingLong(UnderReplicatedRange::streamId)
                .thenComparingInt(UnderReplicatedRange::index));
        return found;
    }

    /** The range as under-replicated, or null if it is not (or its stream is unknown). */
    static UnderReplicatedRange audit(RangeRecord range, StreamRecord stream, Set<Integer> liveServers) {
        if (stream == null || !holdsLiveData(range, stream)) {
            return null;
        }
        List<Integer> live = new ArrayList<>();
        List<Integer> dead = new ArrayList<>();
        for (int id : range.replicaIds()) {
            (liveServers.contains(id) ? live : dead).add(id);
        }
        int missing = Math.max(0, stream.replicaCount() - range.replicaIds().size());
        if (dead.isEmpty() && missing == 0) {
            return null;
        }
        return new UnderReplicatedRange(range.streamId(), range.index(), range.startOffset(), range.endOffset(), live,
                dead, missing);
    }

    /** Whether {@code range} is sealed and holds records its stream has not trimmed away: data to keep. */
    static boolean holdsLiveData(RangeRecord range, StreamRecord stream) {
        return range.hasData() && range.endOffset() > stream.startOffset();
    }
}
