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
 * the fewest ranges first, then those with the most free disk, then the lowest id. With fewer live
 * servers, as long as there are {@code minReplicas} (the ack count), the range goes on all of them,
 * under-replicated: as Kafka keeps taking acks=all writes while the in-sync replicas still number
 * {@code min.insync.replicas}, writers keep going when a range server dies and no spare one is live. Pure.
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
     * @param minReplicas the fewest servers a range may have (the stream's ack count)
     * @param live the live range servers, each at most once
     * @throws PlacementException.NotEnoughRangeServers if fewer than {@code minReplicas} are live
     */
    static List<Integer> choose(int replicaCount, int minReplicas, Collection<Candidate> live) {
        Checks.argument(minReplicas >= 1 && minReplicas <= replicaCount, "min replicas %d must be in [1, %d]",
                minReplicas, replicaCount);
        Set<Integer> ids = new HashSet<>();
        for (Candidate candidate : live) {
            Checks.argument(ids.add(candidate.serverId()), "range server %d is a candidate twice", candidate.serverId());
        }
        if (live.size() < minReplicas) {
            throw new PlacementException.NotEnoughRangeServers(minReplicas, live.size());
        }
        return live.stream().sorted(PREFERRED).limit(replicaCount).map(Candidate::serverId).toList();
    }
}
