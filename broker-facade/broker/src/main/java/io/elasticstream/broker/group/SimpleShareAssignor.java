package io.elasticstream.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * The {@code simple} share-group assignor, assigning as Kafka 4.4's does (measured against it, see
 * docs/consumer-groups.md, "Share groups"): for each subscribed topic, with at least as many partitions as
 * subscribers every partition goes to one member, balanced; with more subscribers than partitions every
 * subscriber gets a partition and each partition is shared by {@code ceil(subscribers / partitions)} of them.
 *
 * <p>Both cases are one rule: the topic's partitions are repeated that many times ({@code sharing}) and dealt
 * out to the subscribers in turn, partition {@code k % partitions} to member {@code k % subscribers}. A member
 * never gets one partition twice: its turns are {@code subscribers} apart, which is more than the partitions
 * whenever a partition is shared. Members are taken in id order, and the deal goes on from topic to topic
 * where the previous one stopped, so single-partition topics spread over the members. Deterministic, and
 * not sticky: a member joining can move partitions between the others (a share group loses nothing by it,
 * as records in flight stay acquired by the members holding them until acknowledged or their lock expires).
 */
public final class SimpleShareAssignor {
    private SimpleShareAssignor() {
    }

    /**
     * The partitions of each member, by topic id. {@code subscriptions}: each member's subscribed topic ids;
     * {@code partitionCounts}: the partitions of each topic that exists (a subscribed topic missing here is
     * not assigned).
     */
    public static Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                              Map<Uuid, Integer> partitionCounts) {
        Map<String, Map<Uuid, Set<Integer>>> result = new TreeMap<>();
        subscriptions.keySet().forEach(m -> result.put(m, new TreeMap<>()));
        Map<Uuid, List<String>> subscribers = new TreeMap<>();
        new TreeMap<>(subscriptions).forEach((member, topics) -> topics.forEach(t -> {
            if (partitionCounts.getOrDefault(t, 0) > 0) {
                subscribers.computeIfAbsent(t, k -> new ArrayList<>()).add(member);
            }
        }));
        Map<List<String>, Integer> nextTurn = new HashMap<>();
        subscribers.forEach((topic, members) -> {
            int partitions = partitionCounts.get(topic);
            int sharing = Math.max(1, (members.size() + partitions - 1) / partitions);
            int turn = nextTurn.getOrDefault(members, 0);
            for (int k = 0; k < partitions * sharing; k++) {
                String member = members.get((turn + k) % members.size());
                result.get(member).computeIfAbsent(topic, t -> new TreeSet<>()).add(k % partitions);
            }
            nextTurn.put(members, (turn + partitions * sharing) % members.size());
        });
        return result;
    }
}
