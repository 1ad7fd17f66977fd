package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.PlacementException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Chooses owner brokers for partitions so live brokers stay balanced by partition count: each partition
 * goes to the broker owning the fewest at that point, the lowest id among equals. Pure; used at topic
 * creation, partition-count increase and broker failover.
 */
final class PartitionAssigner {
    private PartitionAssigner() {
    }

    /**
     * Owners for {@code count} partitions, in order.
     *
     * @param ownedByLiveBroker every live broker's id and the number of partitions it owns now
     * @throws PlacementException.NoLiveBroker if there is no live broker
     */
    static List<Integer> assign(int count, Map<Integer, Integer> ownedByLiveBroker) {
        Checks.argument(count >= 0, "partition count %d must not be negative", count);
        if (ownedByLiveBroker.isEmpty()) {
            throw new PlacementException.NoLiveBroker();
        }
        // {owned, id}: fewest owned first, then the lowest id.
        PriorityQueue<int[]> byLoad = new PriorityQueue<>(ownedByLiveBroker.size(),
                (a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        for (Map.Entry<Integer, Integer> entry : ownedByLiveBroker.entrySet()) {
            Checks.argument(entry.getValue() >= 0, "broker %d owns %d partitions", entry.getKey(), entry.getValue());
            byLoad.add(new int[] {entry.getValue(), entry.getKey()});
        }
        List<Integer> owners = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] least = byLoad.poll();
            owners.add(least[1]);
            least[0]++;
            byLoad.add(least);
        }
        return owners;
    }
}
