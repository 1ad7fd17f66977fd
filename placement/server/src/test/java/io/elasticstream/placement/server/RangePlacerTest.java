package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.server.RangePlacer.Candidate;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RangePlacerTest {

    @Test
    void serversHoldingFewestRangesComeFirst() {
        List<Candidate> live = List.of(new Candidate(1, 5, 100), new Candidate(2, 1, 100), new Candidate(3, 3, 100),
                new Candidate(4, 2, 100));
        assertEquals(List.of(2, 4, 3), RangePlacer.choose(3, 3, live));
    }

    @Test
    void amongEqualRangeCountsMoreFreeDiskWinsThenTheLowestId() {
        List<Candidate> live = List.of(new Candidate(1, 2, 10), new Candidate(2, 2, 30), new Candidate(3, 2, 20),
                new Candidate(4, 2, 30), new Candidate(5, 1, 0));
        assertEquals(List.of(5, 2, 4, 3), RangePlacer.choose(4, 4, live));
    }

    @Test
    void replicasAreAlwaysOnDistinctServers() {
        List<Candidate> live = List.of(new Candidate(7, 0, 0), new Candidate(8, 0, 0), new Candidate(9, 0, 0));
        List<Integer> chosen = RangePlacer.choose(3, 3, live);
        assertEquals(3, new HashSet<>(chosen).size());
    }

    @Test
    void aServerListedTwiceIsRejected() {
        List<Candidate> live = List.of(new Candidate(1, 0, 0), new Candidate(1, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> RangePlacer.choose(2, 2, live));
    }

    @Test
    void fewerLiveServersThanReplicasStillTakeARangeWhileThereAreAsManyAsTheAckCount() {
        List<Candidate> two = List.of(new Candidate(1, 5, 0), new Candidate(2, 0, 0));
        assertEquals(List.of(2, 1), RangePlacer.choose(3, 2, two));
        assertEquals(List.of(2), RangePlacer.choose(3, 1, List.of(new Candidate(2, 0, 0))));
    }

    @Test
    void fewerLiveServersThanTheAckCountFailWithNotEnoughRangeServers() {
        PlacementException.NotEnoughRangeServers error = assertThrows(PlacementException.NotEnoughRangeServers.class,
                () -> RangePlacer.choose(3, 2, List.of(new Candidate(1, 0, 0))));
        assertEquals("need 2 live range servers, have 1", error.getMessage());
        assertThrows(PlacementException.NotEnoughRangeServers.class, () -> RangePlacer.choose(1, 1, List.of()));
    }
}
