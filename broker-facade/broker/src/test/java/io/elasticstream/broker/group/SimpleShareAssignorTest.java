package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * The simple share-group assignor shares partitions as Kafka 4.4's does: one member per partition while there
 * are enough partitions, each partition to ceil(members / partitions) members when there are not.
 */
class SimpleShareAssignorTest {
    private static final Uuid A = new Uuid(0, 1);
    private static final Uuid B = new Uuid(0, 2);

    private static Map<String, Set<Uuid>> members(int n, Set<Uuid> topics) {
        Map<String, Set<Uuid>> m = new TreeMap<>();
        for (int i = 1; i <= n; i++) {
            m.put("member-" + i, topics);
        }
        return m;
    }

    /** Partitions per member, sorted (what Kafka's reference run shows). */
    private static List<Integer> partitionsPerMember(Map<String, Map<Uuid, Set<Integer>>> a) {
        List<Integer> counts = new ArrayList<>();
        a.values().forEach(byTopic -> counts.add(byTopic.values().stream().mapToInt(Set::size).sum()));
        Collections.sort(counts);
        return counts;
    }

    /** Members per partition of {@code topic}, sorted. */
    private static List<Integer> membersPerPartition(Map<String, Map<Uuid, Set<Integer>>> a, Uuid topic) {
        Map<Integer, Integer> counts = new TreeMap<>();
        a.values().forEach(byTopic -> byTopic.getOrDefault(topic, Set.of()).forEach(p -> counts.merge(p, 1, Integer::sum)));
        List<Integer> c = new ArrayList<>(counts.values());
        Collections.sort(c);
        return c;
    }

    @Test
    void onePartitionIsSharedByEveryMember() {
        var a = SimpleShareAssignor.assign(members(3, Set.of(A)), Map.of(A, 1));
        assertEquals(List.of(1, 1, 1), partitionsPerMember(a));
        assertEquals(List.of(3), membersPerPartition(a, A));
    }

    @Test
    void withMoreMembersThanPartitionsEachPartitionIsSharedByCeilOfTheRatio() {
        var a = SimpleShareAssignor.assign(members(3, Set.of(A)), Map.of(A, 2));
        assertEquals(List.of(1, 1, 2), partitionsPerMember(a), "as Kafka 4.4: 1, 1, 2");
        assertEquals(List.of(2, 2), membersPerPartition(a, A));
        var seven = SimpleShareAssignor.assign(members(7, Set.of(A)), Map.of(A, 3));
        assertEquals(List.of(3, 3, 3), membersPerPartition(seven, A), "ceil(7 / 3) = 3 members a partition");
        assertEquals(List.of(1, 1, 1, 1, 1, 2, 2), partitionsPerMember(seven));
    }

    @Test
    void withEnoughPartitionsEachGoesToOneMemberBalanced() {
        var a = SimpleShareAssignor.assign(members(3, Set.of(A)), Map.of(A, 4));
        assertEquals(List.of(1, 1, 2), partitionsPerMember(a));
        assertEquals(List.of(1, 1, 1, 1), membersPerPartition(a, A));
    }

    @Test
    void theDealGoesOnFromTopicToTopic() {
        var a = SimpleShareAssignor.assign(members(2, Set.of(A, B)), Map.of(A, 1, B, 1));
        assertEquals(List.of(2, 2), partitionsPerMember(a), "2 members > 1 partition: both share each topic");
        var six = SimpleShareAssignor.assign(members(2, Set.of(A, B)), Map.of(A, 3, B, 3));
        assertEquals(List.of(3, 3), partitionsPerMember(six), "the deal goes on from A to B (not 4 and 2)");
    }

    @Test
    void membersGetOnlyTopicsTheySubscribedToThatExist() {
        Map<String, Set<Uuid>> subscriptions = Map.of("m1", Set.of(A), "m2", Set.of(A, B), "m3", Set.of(new Uuid(9, 9)));
        var a = SimpleShareAssignor.assign(subscriptions, Map.of(A, 2, B, 1));
        assertEquals(Map.of(A, Set.of(0)), a.get("m1"));
        assertEquals(Map.of(A, Set.of(1), B, Set.of(0)), a.get("m2"));
        assertEquals(Map.of(), a.get("m3"), "its topic does not exist");
        assertEquals(Map.of(), SimpleShareAssignor.assign(Map.of(), Map.of(A, 2)));
    }
}
