package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.PlacementException;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Chooses the range servers of a new range: {@code replicaCount} distinct live servers, those holding
 * the fewest ranges first, then those with the most free disk, then the lowest id. Pure.
 */
final class RangePlacer {
    /** A live range server as placement sees it. */
    record Candidate(int serverId, int rangesHeld, long diskFreeBytes) {
    }

    private static final Comparator<Candidate> PREFERRED = Comparator.comparingInt(Candidate::rangesHeld)
            .thenComparing(Comparator.comparingLong(Candidate::diskFreeBytes).reversed())
            .thenComparingInt(Candidate::serverId);

    private RangePlacer() {
    }

    /**
     * The replica servers, most preferred first.
     *
     * @param live the live range servers, each at most once
     * @throws PlacementException.NotEnoughRangeServers if fewer than {@code replicaCount} are live
     */
    static List<Integer> choose(int replicaCount, Collection<Candidate> live) {
        Checks.argument(replicaCount >= 1, "replica count %d must be >= 1", replicaCount);
        Set<Integer> ids = new HashSet<>();
        for (Candidate candidate : live) {
            Checks.argument(ids.add(candidate.serverId()), "range server %d is a candidate twice", candidate.serverId());
        }
        if (live.size() < replicaCount) {
            throw new PlacementException.NotEnoughRangeServers(replicaCount, live.size());
        }
        return live.stream().sorted(PREFERRED).limit(replicaCount).map(Candidate::serverId).toList();
    }
}
