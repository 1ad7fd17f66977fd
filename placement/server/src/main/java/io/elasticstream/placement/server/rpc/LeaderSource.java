package io.elasticstream.placement.server.rpc;

import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.server.election.PdLeader;

import java.util.Optional;

/** Who answers RPCs on this PD: its own driver while it leads, else a redirect to the known leader. */
public interface LeaderSource {

    /** This PD's driver, present only while this PD leads. */
    Optional<PlacementService> leaderService();

    /** The cluster's leader as last seen (possibly this PD). */
    Optional<PdLeader> knownLeader();
}
