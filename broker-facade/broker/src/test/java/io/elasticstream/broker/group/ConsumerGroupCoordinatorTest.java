package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KIP-848 consumer groups on the coordinator, with a manual clock and an in-memory log: joining, the
 * revoke-before-assign reconciliation, timeouts, static members, regex subscriptions, Kafka's error codes,
 * offsets by member epoch, and what a coordinator that takes the partition over knows.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConsumerGroupCoordinatorTest {
    private static final String GROUP = "cg";
    private static final short VERSION = 1;
    private static final int SESSION_MS = 45_000;
    private static final int REBALANCE_MS = 30_000;
    private static final Uuid ORDERS = Uuid.randomUuid();
    private static final Uuid PAYMENTS = Uuid.randomUuid();

    private final ManualClock clock = new ManualClock();
    private final MemoryGroupLog log = new MemoryGroupLog();
    private final GroupConfig config = new GroupConfig(1, 6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 4096, 300_000);
    private GroupCoordinator coordinator = new GroupCoordinator(config, ConsumerGroupConfig.defaults(),
            log.asPartitions(), clock);

    @BeforeEach
    void topics() throws Exception {
        coordinator.updateTopics(image(Map.of("orders", 4))).get(5, TimeUnit.SECONDS);
        awaitLoaded();
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void theFirstMemberGetsEveryPartitionAtGroupEpochOne() throws Exception {
        ConsumerGroupHeartbeatResponseData r = join("m1", "orders");
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals("m1", r.memberId());
        assertEquals(1, r.memberEpoch());
        assertEquals(5_000, r.heartbeatIntervalMs());
        assertEquals(Set.of(0, 1, 2, 3), partitions(r, ORDERS));

        DescribedGroup d = describe();
        assertEquals("Stable", d.groupState());
        assertEquals(1, d.groupEpoch());
        assertEquals(1, d.assignmentEpoch());
        assertEquals("uniform", d.assignorName());
        assertEquals("orders", d.members().getFirst().assignment().topicPartitions().getFirst().topicName());
    }

    @Test
    void aJoiningMemberWaitsUntilTheOwnerRevokedThenGetsItsShare() throws Exception {
        join("m1", "orders");
        ConsumerGroupHeartbeatResponseData second = join("m2", "orders");
        assertEquals(2, second.memberEpoch(), "the second member reaches the new epoch at once");
        assertEquals(Set.of(), partitions(second, ORDERS), "but its target partitions are still m1's");
        assertEquals("Reconciling", describe().groupState());

        ConsumerGroupHeartbeatResponseData revoke = heartbeat("m1", 1, owned(0, 1, 2, 3));
        assertEquals(1, revoke.memberEpoch(), "m1 stays at epoch 1 until it revoked");
        Set<Integer> kept = partitions(revoke, ORDERS);
        assertEquals(2, kept.size());

        ConsumerGroupHeartbeatResponseData stillWaiting = heartbeat("m2", 2, owned());
        assertNull(stillWaiting.assignment(), "nothing changed for m2 while m1 still owns its partitions");

        ConsumerGroupHeartbeatResponseData revoked = heartbeat("m1", 1, owned(kept));
        assertEquals(2, revoked.memberEpoch(), "having revoked, m1 moves to epoch 2");

        ConsumerGroupHeartbeatResponseData assigned = heartbeat("m2", 2, owned());
        Set<Integer> theirs = partitions(assigned, ORDERS);
        assertEquals(2, theirs.size());
        Set<Integer> all = new TreeSet<>(kept);
        all.addAll(theirs);
        assertEquals(Set.of(0, 1, 2, 3), all, "every partition has exactly one owner");
        assertEquals("Stable", describe().groupState());
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionAndItsPartitionsMove() throws Exception {
        join("m1", "orders");
        join("m2", "orders");
        Set<Integer> kept = partitions(heartbeat("m1", 1, owned(0, 1, 2, 3)), ORDERS);
        assertEquals(2, heartbeat("m1", 1, owned(kept)).memberEpoch());
        clock.advanceMillis(SESSION_MS - 1_000);
        assertEquals(Errors.NONE.code(), heartbeat("m1", 2, owned(kept)).errorCode());
        clock.advanceMillis(1_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        DescribedGroup d = describe();
        assertEquals(List.of("m1"), d.members().stream().map(m -> m.memberId()).toList(), "m2 timed out");
        assertEquals(3, d.groupEpoch());
        ConsumerGroupHeartbeatResponseData r = heartbeat("m1", 2, owned(kept));
        assertEquals(3, r.memberEpoch());
        assertEquals(Set.of(0, 1, 2, 3), partitions(r, ORDERS));
    }

    @Test
    void aMemberThatDoesNotRevokeWithinItsRebalanceTimeoutIsRemoved() throws Exception {
        join("m1", "orders");
        join("m2", "orders");
        heartbeat("m1", 1, owned(0, 1, 2, 3));
        clock.advanceMillis(REBALANCE_MS);
        heartbeat("m2", 2, owned());
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(List.of("m2"), describe().members().stream().map(m -> m.memberId()).toList());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat("m1", 1, owned(0, 1)).errorCode());
        assertEquals(Set.of(0, 1, 2, 3), partitions(heartbeat("m2", 2, owned()), ORDERS));
    }

    @Test
    void aLeavingMemberIsRemovedAndTheOthersTakeItsPartitions() throws Exception {
        join("m1", "orders");
        join("m2", "orders");
        Set<Integer> kept = partitions(heartbeat("m1", 1, owned(0, 1, 2, 3)), ORDERS);
        heartbeat("m1", 1, owned(kept));
        ConsumerGroupHeartbeatResponseData left = heartbeat("m2", -1, null);
        assertEquals(Errors.NONE.code(), left.errorCode());
        assertEquals(-1, left.memberEpoch());
        ConsumerGroupHeartbeatResponseData r = heartbeat("m1", 2, owned(kept));
        assertEquals(3, r.memberEpoch());
        assertEquals(Set.of(0, 1, 2, 3), partitions(r, ORDERS));
    }

    @Test
    void aStaticMemberThatLeftTemporarilyIsReplacedByItsNewIncarnationWithoutARebalance() throws Exception {
        ConsumerGroupHeartbeatResponseData first = heartbeat(joinRequest("s1", "orders").setInstanceId("i1"));
        assertEquals(Set.of(0, 1, 2, 3), partitions(first, ORDERS));
        ConsumerGroupHeartbeatResponseData taken = heartbeat(joinRequest("s2", "orders").setInstanceId("i1"));
        assertEquals(Errors.UNRELEASED_INSTANCE_ID.code(), taken.errorCode(), "the instance id is still held");

        ConsumerGroupHeartbeatResponseData left = heartbeat(request("s1", -2, null).setInstanceId("i1"));
        assertEquals(-2, left.memberEpoch());
        ConsumerGroupHeartbeatResponseData back = heartbeat(joinRequest("s2", "orders").setInstanceId("i1"));
        assertEquals(Errors.NONE.code(), back.errorCode());
        assertEquals(1, back.memberEpoch(), "no new group epoch");
        assertEquals(Set.of(0, 1, 2, 3), partitions(back, ORDERS));
        assertEquals(List.of("s2"), describe().members().stream().map(m -> m.memberId()).toList());
    }

    @Test
    void aRegexSubscriptionPicksUpANewTopic() throws Exception {
        ConsumerGroupHeartbeatResponseData r = heartbeat(joinRequest("m1", null).setSubscribedTopicNames(null)
                .setSubscribedTopicRegex("ord.*|pay.*"));
        assertEquals(Set.of(0, 1, 2, 3), partitions(r, ORDERS));
        coordinator.updateTopics(image(Map.of("orders", 4, "payments", 2))).get(5, TimeUnit.SECONDS);
        ConsumerGroupHeartbeatResponseData after = heartbeat("m1", 1, owned(0, 1, 2, 3));
        assertEquals(2, after.memberEpoch());
        assertEquals(Set.of(0, 1), partitions(after, PAYMENTS));
        assertEquals(Set.of(0, 1, 2, 3), partitions(after, ORDERS));
    }

    @Test
    void refusesWhatKafkaRefusesWithKafkasErrors() throws Exception {
        assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(joinRequest("", "orders")).errorCode(),
                "v1: the client generates the member id");
        assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(joinRequest("m1", "orders").setRebalanceTimeoutMs(-1))
                .errorCode());
        assertEquals(Errors.UNSUPPORTED_ASSIGNOR.code(), heartbeat(joinRequest("m1", "orders")
                .setServerAssignor("sticky")).errorCode());
        assertEquals(Errors.INVALID_REGULAR_EXPRESSION.code(), heartbeat(joinRequest("m1", null)
                .setSubscribedTopicNames(null).setSubscribedTopicRegex("(")).errorCode());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), heartbeat("m1", 3, owned()).errorCode());
        assertTrue(describe().errorCode() == Errors.GROUP_ID_NOT_FOUND.code(), "refused joins leave no group behind");

        join("m1", "orders");
        assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), heartbeat("m1", 7, owned()).errorCode());
        assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat("nobody", 1, owned()).errorCode());
    }

    @Test
    void offsetsAreCommittedAndReadAtTheMembersEpoch() throws Exception {
        join("m1", "orders");
        TopicPartition tp = new TopicPartition("orders", 0);
        Map<TopicPartition, GroupRecords.OffsetValue> offsets = Map.of(tp, new GroupRecords.OffsetValue(42, -1, "", 0));
        assertEquals(Errors.STALE_MEMBER_EPOCH, coordinator.commitOffsets(GROUP, 0, "m1", null, offsets, (short) 9)
                .get(5, TimeUnit.SECONDS).get(tp));
        assertEquals(Errors.NONE, coordinator.commitOffsets(GROUP, 1, "m1", null, offsets, (short) 9)
                .get(5, TimeUnit.SECONDS).get(tp));
        assertEquals(Errors.STALE_MEMBER_EPOCH, coordinator.fetchOffsets(GROUP, "m1", 5, List.of(tp), false)
                .get(5, TimeUnit.SECONDS).error());
        assertEquals(42, coordinator.fetchOffsets(GROUP, "m1", 1, List.of(tp), false).get(5, TimeUnit.SECONDS)
                .offsets().get(tp).offset());
    }

    @Test
    void aCommitAtTheEpochBeforeALostResponseIsAcceptedForThePartitionsOwnedThen() throws Exception {
        join("m1", "orders");
        join("m2", "orders");
        Set<Integer> kept = partitions(heartbeat("m1", 1, owned(0, 1, 2, 3)), ORDERS);
        assertEquals(2, heartbeat("m1", 1, owned(kept)).memberEpoch(), "m1 moved on to epoch 2");
        int keptPartition = kept.iterator().next();
        int givenUp = Set.of(0, 1, 2, 3).stream().filter(p -> !kept.contains(p)).findFirst().orElseThrow();
        TopicPartition mine = new TopicPartition("orders", keptPartition);
        TopicPartition theirs = new TopicPartition("orders", givenUp);
        GroupRecords.OffsetValue v = new GroupRecords.OffsetValue(5, -1, "", 0);
        Map<TopicPartition, Errors> r = coordinator.commitOffsets(GROUP, 1, "m1", null, Map.of(mine, v, theirs, v),
                (short) 9).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, r.get(mine), "owned since epoch 1: the commit of epoch 1 stands (KIP-1251)");
        assertEquals(Errors.STALE_MEMBER_EPOCH, r.get(theirs), "given up: not m1's to commit any more");
        assertEquals(Errors.STALE_MEMBER_EPOCH, coordinator.commitOffsets(GROUP, 3, "m1", null, Map.of(mine, v),
                (short) 9).get(5, TimeUnit.SECONDS).get(mine), "an epoch it never had");
    }

    @Test
    void aCoordinatorThatTakesThePartitionOverContinuesTheGroupWhereItWas() throws Exception {
        join("m1", "orders");
        join("m2", "orders");
        Set<Integer> kept = partitions(heartbeat("m1", 1, owned(0, 1, 2, 3)), ORDERS);
        heartbeat("m1", 1, owned(kept));
        join("gone", "orders");
        heartbeat("gone", -1, null);
        DescribedGroup before = describe();
        int epoch = before.members().stream().filter(m -> m.memberId().equals("m1")).findFirst().orElseThrow()
                .memberEpoch();
        TopicPartition tp = new TopicPartition("orders", 1);
        assertEquals(Errors.NONE, coordinator.commitOffsets(GROUP, epoch, "m1", null,
                Map.of(tp, new GroupRecords.OffsetValue(7, -1, "", 0)), (short) 9).get(5, TimeUnit.SECONDS).get(tp));

        coordinator.close();
        coordinator = new GroupCoordinator(config, ConsumerGroupConfig.defaults(), log.asPartitions(), clock);
        coordinator.updateTopics(image(Map.of("orders", 4))).get(5, TimeUnit.SECONDS);
        awaitLoaded();

        DescribedGroup after = describe();
        assertEquals(before.groupEpoch(), after.groupEpoch(), "no rebalance for the move");
        assertEquals(List.of("m1", "m2"), after.members().stream().map(m -> m.memberId()).sorted().toList(),
                "the member that left stays gone");
        ConsumerGroupHeartbeatResponseData r = heartbeat("m1", epoch, owned(kept));
        assertEquals(Errors.NONE.code(), r.errorCode(), "the member heartbeats on at its epoch");
        assertEquals(kept, partitions(describe(), "m1"), "and keeps its partitions");
        int now = r.memberEpoch();
        assertEquals(7, coordinator.fetchOffsets(GROUP, "m1", now, List.of(tp), false)
                .get(5, TimeUnit.SECONDS).offsets().get(tp).offset());

        clock.advanceMillis(1);
        coordinator.tick().get(5, TimeUnit.SECONDS); // sessions of loaded members start now
        clock.advanceMillis(SESSION_MS);
        heartbeat("m1", now, owned(kept));
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(List.of("m1"), describe().members().stream().map(m -> m.memberId()).toList(),
                "m2, silent since the move, timed out");
    }

    @Test
    void anEmptyConsumerGroupBecomesAClassicGroupWhenAClassicMemberJoins() throws Exception {
        join("m1", "orders");
        heartbeat("m1", -1, null);
        assertEquals("Empty", describe().groupState());
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), classicJoin().errorCode());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describe().errorCode());
    }

    // ---------------------------------------------------------------- helpers

    private JoinGroupResponseData classicJoin() throws Exception {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(new byte[0]));
        return coordinator.joinGroup(new JoinGroupRequestData().setGroupId(GROUP).setMemberId("")
                .setProtocolType("consumer").setSessionTimeoutMs(10_000).setRebalanceTimeoutMs(10_000)
                .setProtocols(protocols), (short) 9, "c", "h").get(5, TimeUnit.SECONDS);
    }

    private static TopicImage image(Map<String, Integer> partitionCounts) {
        List<TopicImage.Topic> topics = new ArrayList<>();
        partitionCounts.forEach((name, n) -> topics.add(new TopicImage.Topic(
                name.equals("orders") ? ORDERS : name.equals("payments") ? PAYMENTS : Uuid.randomUuid(), name, n)));
        return TopicImage.of(topics);
    }

    private void awaitLoaded() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (coordinator.fetchOffsets(GROUP, List.of(), false).get(5, TimeUnit.SECONDS).error()
                == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "partition never loaded");
        }
    }

    private static ConsumerGroupHeartbeatRequestData request(String memberId, int epoch,
                                                             List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(-1).setSubscribedTopicNames(null).setTopicPartitions(owned);
    }

    private static ConsumerGroupHeartbeatRequestData joinRequest(String memberId, String topic) {
        return request(memberId, 0, List.of()).setRebalanceTimeoutMs(REBALANCE_MS)
                .setSubscribedTopicNames(topic == null ? List.of() : List.of(topic));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData req) throws Exception {
        return coordinator.consumerGroupHeartbeat(req, VERSION, "client", "/127.0.0.1", null).get(5, TimeUnit.SECONDS);
    }

    private ConsumerGroupHeartbeatResponseData join(String memberId, String topic) throws Exception {
        return heartbeat(joinRequest(memberId, topic));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(String memberId, int epoch,
                                                         List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned)
            throws Exception {
        return heartbeat(request(memberId, epoch, owned));
    }

    private DescribedGroup describe() throws Exception {
        return coordinator.consumerGroupDescribe(GROUP).get(5, TimeUnit.SECONDS);
    }

    private static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned(Integer... partitions) {
        return owned(Set.of(partitions));
    }

    private static List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned(Set<Integer> partitions) {
        return partitions.isEmpty() ? List.of() : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions()
                .setTopicId(ORDERS).setPartitions(List.copyOf(new TreeSet<>(partitions))));
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData r, Uuid topic) {
        assertNotNull(r.assignment(), "an assignment in " + r);
        Set<Integer> out = new HashSet<>();
        r.assignment().topicPartitions().stream().filter(t -> t.topicId().equals(topic))
                .forEach(t -> out.addAll(t.partitions()));
        return out;
    }

    private static Set<Integer> partitions(DescribedGroup d, String memberId) {
        Set<Integer> out = new HashSet<>();
        d.members().stream().filter(m -> m.memberId().equals(memberId)).forEach(m ->
                m.assignment().topicPartitions().forEach(t -> out.addAll(t.partitions())));
        return out;
    }
}
