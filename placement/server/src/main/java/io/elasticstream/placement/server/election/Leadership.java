package io.elasticstream.placement.server.election;

import io.elasticstream.placement.metadata.Compare;

import java.util.List;

/**
 * One term of leadership won by this candidate: the leader record it wrote, the lease the key is
 * attached to, and the store revision that created the key.
 */
public record Leadership(PdLeader leader, String leaderKey, long leaseId, long createRevision) {

    public long term() {
        return leader.term();
    }

    /**
     * Holds exactly while this leadership lasts: the leader key is still the one this term created.
     * Append it to every write of the leader (see {@code PlacementDriver}'s guarded constructor).
     */
    public List<Compare> guard() {
        return List.of(new Compare(leaderKey, Compare.Target.CREATE_REVISION, Compare.Result.EQUAL, createRevision,
                null));
    }
}
