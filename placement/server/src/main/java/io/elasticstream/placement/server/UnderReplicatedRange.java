package io.elasticstream.placement.server;

import java.util.List;

/**
 * A sealed range holding data that fewer live range servers store than the stream's replica count: the
 * input of re-replication (copying from a live replica to other servers, {@link RangeRepairer}).
 *
 * @param liveReplicaIds  servers holding the range whose sessions are live (may be empty: data at risk)
 * @param deadReplicaIds  servers holding the range whose sessions expired
 * @param missingReplicas how many replicas the range was never placed on (it was placed while fewer
 *                        range servers were live than the stream's replica count)
 */
public record UnderReplicatedRange(long streamId, int index, long startOffset, long endOffset,
                                   List<Integer> liveReplicaIds, List<Integer> deadReplicaIds, int missingReplicas) {
    public UnderReplicatedRange {
        liveReplicaIds = List.copyOf(liveReplicaIds);
        deadReplicaIds = List.copyOf(deadReplicaIds);
    }
}
