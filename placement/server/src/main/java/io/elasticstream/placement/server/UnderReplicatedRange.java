package io.elasticstream.placement.server;

import java.util.List;

/**
 * A sealed range holding data that fewer live range servers store than it was placed on: the input of
 * re-replication (copying from a live replica to new servers, {@link RangeRepairer}).
 *
 * @param liveReplicaIds servers holding the range whose sessions are live (may be empty: data at risk)
 * @param deadReplicaIds servers holding the range whose sessions expired
 */
public record UnderReplicatedRange(long streamId, int index, long startOffset, long endOffset,
                                   List<Integer> liveReplicaIds, List<Integer> deadReplicaIds) {
    public UnderReplicatedRange {
        liveReplicaIds = List.copyOf(liveReplicaIds);
        deadReplicaIds = List.copyOf(deadReplicaIds);
    }
}
