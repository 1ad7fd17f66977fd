package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PlacementException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PartitionAssignerTest {

    @Test
    void eachPartitionGoesToTheBrokerOwningFewestThenTheLowestId() {
        assertEquals(List.of(2, 2, 3, 1, 2, 3), PartitionAssigner.assign(6, Map.of(1, 3, 2, 1, 3, 2)));
    }

    @Test
    void partitionsSpreadEvenlyOverBalancedBrokers() {
        Map<Integer, Integer> owned = new HashMap<>(Map.of(1, 0, 2, 0, 3, 0));
        for (int owner : PartitionAssigner.assign(100, owned)) {
            owned.merge(owner, 1, Integer::sum);
        }
        int max = owned.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int min = owned.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        assertTrue(max - min <= 1, "unbalanced: " + owned);
        assertEquals(100, owned.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aBrokerFarAheadGetsNothingUntilTheOthersCatchUp() {
        assertEquals(List.of(2, 2, 2, 2, 1, 2), PartitionAssigner.assign(6, Map.of(1, 5, 2, 1)));
    }

    @Test
    void zeroPartitionsNeedNoOwner() {
        assertEquals(List.of(), PartitionAssigner.assign(0, Map.of(1, 0)));
    }

    @Test
    void noLiveBrokerFailsWithNoLiveBroker() {
        assertThrows(PlacementException.NoLiveBroker.class, () -> PartitionAssigner.assign(1, Map.of()));
    }
}
