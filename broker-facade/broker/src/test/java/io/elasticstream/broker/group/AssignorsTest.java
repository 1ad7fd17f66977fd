package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The server-side assignors: every subscribed partition to exactly one subscriber, balanced, sticky where promised. */
class AssignorsTest {
    private static final Uuid A = new Uuid(0, 1);
    private static final Uuid B = new Uuid(0, 2);
    private static final TopicImage TOPICS = TopicImage.of(List.of(new TopicImage.Topic(A, "a", 10),
            new TopicImage.Topic(B, "b", 3)));

    @Test
    void uniformBalancesIdenticalSubscriptionsWithinOnePartition() {
        Map<String, ConsumerAssignor.MemberSpec> members = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            members.put("m" + i, spec(Set.of(A, B), Assignment.EMPTY));
        }
        Map<String, Assignment> out = new UniformAssignor().assign(members, TOPICS);
        assertEachPartitionOnce(out, 13);
        out.values().forEach(a -> assertTrue(a.size() == 3 || a.size() == 4, "balanced: " + out));
    }

    @Test
    void uniformKeepsWhatMembersHaveWhenANewMemberJoins() {
        Map<String, ConsumerAssignor.MemberSpec> before = new LinkedHashMap<>();
        before.put("m0", spec(Set.of(A), Assignment.EMPTY));
        before.put("m1", spec(Set.of(A), Assignment.EMPTY));
        Map<String, Assignment> first = new UniformAssignor().assign(before, TOPICS);

        Map<String, ConsumerAssignor.MemberSpec> after = new LinkedHashMap<>();
        after.put("m0", spec(Set.of(A), first.get("m0")));
        after.put("m1", spec(Set.of(A), first.get("m1")));
        after.put("m2", spec(Set.of(A), Assignment.EMPTY));
        Map<String, Assignment> second = new UniformAssignor().assign(after, TOPICS);
        assertEachPartitionOnce(second, 10);
        assertTrue(first.get("m0").minus(second.get("m0")).size() <= 2, "m0 gives up only what m2 needs");
        assertTrue(first.get("m1").minus(second.get("m1")).size() <= 2, "m1 gives up only what m2 needs");
        assertEquals(first.get("m0").minus(second.get("m0")).size() + first.get("m1").minus(second.get("m1")).size(),
                second.get("m2").size());
    }

    @Test
    void uniformGivesEachTopicOnlyToItsSubscribers() {
        Map<String, ConsumerAssignor.MemberSpec> members = new LinkedHashMap<>();
        members.put("m0", spec(Set.of(A), Assignment.EMPTY));
        members.put("m1", spec(Set.of(A, B), Assignment.EMPTY));
        Map<String, Assignment> out = new UniformAssignor().assign(members, TOPICS);
        assertEachPartitionOnce(out, 13);
        assertTrue(out.get("m0").partitions().keySet().equals(Set.of(A)));
        assertEquals(3, out.get("m1").partitions().get(B).size());
        assertTrue(Math.abs(out.get("m0").size() - out.get("m1").size()) <= 1, "balanced: " + out);
    }

    @Test
    void rangeGivesConsecutivePartitionsInMemberOrderTheFirstOnesOneMore() {
        Map<String, ConsumerAssignor.MemberSpec> members = new LinkedHashMap<>();
        members.put("m1", spec(Set.of(A, B), Assignment.EMPTY));
        members.put("m0", spec(Set.of(A, B), Assignment.EMPTY));
        members.put("m2", spec(Set.of(A, B), Assignment.EMPTY));
        Map<String, Assignment> out = new RangeAssignor().assign(members, TOPICS);
        assertEquals(Set.of(0, 1, 2, 3), out.get("m0").partitions().get(A));
        assertEquals(Set.of(4, 5, 6), out.get("m1").partitions().get(A));
        assertEquals(Set.of(7, 8, 9), out.get("m2").partitions().get(A));
        assertEquals(Set.of(0), out.get("m0").partitions().get(B));
        assertEquals(Set.of(2), out.get("m2").partitions().get(B));
    }

    private static ConsumerAssignor.MemberSpec spec(Set<Uuid> topics, Assignment current) {
        return new ConsumerAssignor.MemberSpec(null, null, topics, current);
    }

    private static void assertEachPartitionOnce(Map<String, Assignment> out, int total) {
        Set<String> seen = new HashSet<>();
        out.values().forEach(a -> a.forEach((t, p) -> assertTrue(seen.add(t + "-" + p), "assigned twice: " + t + "-" + p)));
        assertEquals(total, seen.size(), "every partition assigned: " + out);
    }
}
