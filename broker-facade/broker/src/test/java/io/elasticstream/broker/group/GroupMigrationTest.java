package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol;
import org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocolCollection;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData.SyncGroupRequestAssignment;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Online migration between the classic and the consumer protocol ({@code group.consumer.migration.policy}), with
 * a manual clock and an in-memory log: a running classic group upgraded by a ConsumerGroupHeartbeat, its members
 * speaking JoinGroup, SyncGroup, Heartbeat and LeaveGroup inside the consumer group, the downgrade when the last
 * consumer-protocol member goes, what a coordinator taking the partition over rebuilds, and the policies.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupMigrationTest {
    private static final String GROUP = "g";
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final Uuid ORDERS = Uuid.randomUuid();
    private static final byte CLASSIC = 0;
    private static final byte CONSUMER = 1;

    private final ManualClock clock = new ManualClock();
    private final MemoryGroupLog log = new MemoryGroupLog();
    private final GroupConfig config = new GroupConfig(1, 6_000, 1_800_000, 0, Integer.MAX_VALUE, 4096, 300_000);
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        start(ConsumerGroupMigrationPolicy.BIDIRECTIONAL);
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    // ---------------------------------------------------------------- upgrade

    @Test
    void aConsumerProtocolMemberJoiningARunningClassicGroupConvertsItKeepingItsMembersAndPartitions() throws Exception {
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        String a = classic.get(0);
        String b = classic.get(1);

        ConsumerGroupHeartbeatResponseData c = consumerJoin("c");
        assertEquals(Errors.NONE.code(), c.errorCode());
        assertEquals(2, c.memberEpoch(), "the generation becomes the group epoch, which the join bumps");
        assertEquals(Set.of(), partitions(c), "what it is given is still the classic members'");

        ConsumerGroupDescribeResponseData.DescribedGroup d = describe();
        assertEquals(2, d.groupEpoch());
        assertEquals(Map.of(a, CLASSIC, b, CLASSIC, "c", CONSUMER), memberTypes(d));
        assertEquals(Set.of(0, 1), assigned(d, a), "a keeps the partitions of its SyncGroup assignment");
        assertEquals(Set.of(2, 3), assigned(d, b));
        assertEquals(1, epoch(d, a), "at the generation it had");
        assertEquals(List.of("orders"), member(d, a).subscribedTopicNames(), "subscribed as its JoinGroup said");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describeClassic().errorCode(), "no classic group any more");

        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 1), "the classic members are told to rejoin");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(b, 1));
        for (String m : classic) {
            JoinGroupResponseData j = classicJoin(m, Set.of()).get(5, TimeUnit.SECONDS); // eager: gave up everything
            assertEquals(Errors.NONE.code(), j.errorCode());
            assertEquals(2, j.generationId(), "the generation is its member epoch");
            assertEquals("range", j.protocolName());
            assertEquals("", j.leader(), "the coordinator assigns, no member leads");
            assertEquals(Errors.NONE.code(), sync(m, 2).errorCode());
        }
        ConsumerGroupHeartbeatResponseData got = heartbeat("c", 2, Set.of());
        Set<Integer> all = new TreeSet<>(partitions(got));
        all.addAll(syncedPartitions(a, 2));
        all.addAll(syncedPartitions(b, 2));
        assertEquals(Set.of(0, 1, 2, 3), all, "every partition has an owner");
        assertEquals(4, assigned(describe(), a).size() + assigned(describe(), b).size() + partitions(got).size(),
                "and exactly one");
        heartbeat("c", 2, partitions(got));
        assertEquals(Errors.NONE, heartbeat(a, 2));
        assertEquals("Stable", describe().groupState());
    }

    @Test
    void aClassicMemberToldToRejoinThatDoesNotIsRemovedAfterItsRebalanceTimeout() throws Exception {
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        String a = classic.get(0);
        consumerJoin("c");
        for (int t = 0; t < REBALANCE_MS; t += 5_000) {
            assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 1), "it keeps its session, not its place");
            heartbeat(classic.get(1), 1);
            heartbeat("c", 2, Set.of());
            clock.advanceMillis(5_000);
            coordinator.tick().get(5, TimeUnit.SECONDS);
        }
        assertEquals(Set.of("c"), memberTypes(describe()).keySet(), "neither classic member rejoined in time");
    }

    @Test
    void theClassicMembersWaitingToJoinOrSyncAreToldToRejoinWhenTheGroupIsConverted() throws Exception {
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        CompletableFuture<JoinGroupResponseData> rejoin = classicJoin(classic.getFirst(), Set.of(0, 1));
        assertFalse(rejoin.isDone(), "the leader's rejoin starts a rebalance, waiting for the other member");

        consumerJoin("c");
        assertEquals(Errors.REBALANCE_IN_PROGRESS.code(), rejoin.get(5, TimeUnit.SECONDS).errorCode());
    }

    @Test
    void aConvertedGroupIsRebuiltFromTheLogWithItsClassicMembersAndItsOffsets() throws Exception {
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        String a = classic.getFirst();
        TopicPartition tp = new TopicPartition("orders", 0);
        assertEquals(Errors.NONE, coordinator.commitOffsets(GROUP, 1, a, null,
                Map.of(tp, new GroupRecords.OffsetValue(42, -1, "", 0)), (short) 8).get(5, TimeUnit.SECONDS).get(tp));
        consumerJoin("c");
        assertEquals(Errors.NONE, coordinator.commitOffsets(GROUP, 1, a, null,
                        Map.of(tp, new GroupRecords.OffsetValue(43, -1, "", 0)), (short) 8).get(5, TimeUnit.SECONDS)
                .get(tp), "a classic member commits at its generation, with the classic OffsetCommit versions");
        ConsumerGroupDescribeResponseData.DescribedGroup before = describe();

        restart(ConsumerGroupMigrationPolicy.BIDIRECTIONAL);
        ConsumerGroupDescribeResponseData.DescribedGroup after = describe();
        assertEquals(before.groupEpoch(), after.groupEpoch());
        assertEquals(memberTypes(before), memberTypes(after), "the classic members are still classic");
        assertEquals(assigned(before, a), assigned(after, a));
        assertEquals(43, coordinator.fetchOffsets(GROUP, List.of(tp), false).get(5, TimeUnit.SECONDS)
                .offsets().get(tp).offset(), "the offsets stay with the group");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 1), "a classic member carries on where it was");
        assertEquals(2, classicJoin(a, Set.of()).get(5, TimeUnit.SECONDS).generationId());

        clock.advanceMillis(1);
        coordinator.tick().get(5, TimeUnit.SECONDS); // sessions of loaded members start now
        clock.advanceMillis(SESSION_MS);
        heartbeat("c", 2, Set.of());
        heartbeat(a, 2);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(Set.of(a, "c"), memberTypes(describe()).keySet(),
                "b, silent for its own classic session timeout, is gone; c's session is the group's 45 s");
    }

    @Test
    void aClassicGroupIsNotUpgradedWhenItsMembersDoNotUseTheConsumerEmbeddedProtocol() throws Exception {
        String id = classicJoinOfType("connect").get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> joined = classicJoinOfType("connect", id);
        tickUntilDone(joined);
        ConsumerGroupHeartbeatResponseData r = consumerJoin("c");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.errorCode());
        assertEquals("Cannot upgrade classic group g to consumer group because the group does not use the consumer "
                + "embedded protocol.", r.errorMessage());
    }

    @Test
    void aJoinRefusedAfterTheConversionLeavesTheClassicGroupAsItWas() throws Exception {
        coordinator.close();
        start(new ConsumerGroupConfig(45_000, 5_000, 2, List.of("uniform"), ConsumerGroupMigrationPolicy.BIDIRECTIONAL));
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        ConsumerGroupHeartbeatResponseData r = consumerJoin("c");
        assertEquals(Errors.GROUP_MAX_SIZE_REACHED.code(), r.errorCode(), "two members fit, the third does not");
        assertEquals("Stable", describeClassic().groupState(), "still the classic group");
        assertEquals(Errors.NONE, heartbeat(classic.getFirst(), 1));
        restart(ConsumerGroupMigrationPolicy.BIDIRECTIONAL);
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describe().errorCode(), "nothing of a consumer group was written");
    }

    // ---------------------------------------------------------------- classic members joining a consumer group

    @Test
    void aClassicConsumerJoiningAConsumerGroupBecomesAClassicMemberOfIt() throws Exception {
        ConsumerGroupHeartbeatResponseData c = consumerJoin("c");
        assertEquals(Set.of(0, 1, 2, 3), partitions(c));

        JoinGroupResponseData first = classicJoin("", Set.of()).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        String a = first.memberId();
        JoinGroupResponseData joined = classicJoin(a, Set.of()).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), joined.errorCode());
        assertEquals(2, joined.generationId());
        assertEquals(Set.of(), syncedPartitions(a, 2), "its target partitions are still c's");
        assertEquals(Errors.NONE, heartbeat(a, 2), "nothing to rejoin for while c has not released them");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.heartbeat(GROUP, "c", null, 2).get(5, TimeUnit.SECONDS),
                "a member using the consumer protocol cannot heartbeat the classic way");

        Set<Integer> kept = partitions(heartbeat("c", 1, Set.of(0, 1, 2, 3)));
        heartbeat("c", 1, kept);
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 2), "its partitions are free: it rejoins for them");
        assertEquals(2, classicJoin(a, Set.of()).get(5, TimeUnit.SECONDS).generationId());
        Set<Integer> theirs = syncedPartitions(a, 2);
        assertEquals(2, theirs.size());
        assertTrue(theirs.stream().noneMatch(kept::contains));
        assertEquals(CLASSIC, memberTypes(describe()).get(a));
    }

    @Test
    void aClassicMemberThatDoesNotSyncAfterItsJoinIsRemovedAfterItsRebalanceTimeout() throws Exception {
        consumerJoin("c");
        String a = classicJoin("", Set.of()).get(5, TimeUnit.SECONDS).memberId();
        classicJoin(a, Set.of()).get(5, TimeUnit.SECONDS);
        clock.advanceMillis(SESSION_MS - 1);
        assertEquals(Errors.NONE, heartbeat(a, 2));
        clock.advanceMillis(REBALANCE_MS - SESSION_MS + 1);
        heartbeat("c", 1, Set.of(0, 1, 2, 3));
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(Set.of("c"), memberTypes(describe()).keySet());
    }

    // ---------------------------------------------------------------- downgrade

    @Test
    void whenTheLastConsumerProtocolMemberLeavesTheGroupBecomesClassicAgainAndRebalances() throws Exception {
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        consumerJoin("c");
        TopicPartition tp = new TopicPartition("orders", 3);
        assertEquals(Errors.NONE, coordinator.commitOffsets(GROUP, 1, classic.get(1), null,
                Map.of(tp, new GroupRecords.OffsetValue(7, -1, "", 0)), (short) 8).get(5, TimeUnit.SECONDS).get(tp));

        assertEquals(Errors.NONE.code(), heartbeat(consumerRequest("c", -1)).errorCode());
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describe().errorCode(), "no consumer group any more");
        DescribeGroupsResponseData.DescribedGroup d = describeClassic();
        assertEquals("PreparingRebalance", d.groupState());
        assertEquals("consumer", d.protocolType());
        assertEquals(new HashSet<>(classic), new HashSet<>(d.members().stream().map(m -> m.memberId()).toList()));
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(classic.get(0), 2),
                "the generation is the group epoch; the members are told to rejoin");

        List<CompletableFuture<JoinGroupResponseData>> joins = new ArrayList<>();
        classic.forEach(m -> joins.add(classicJoin(m, Set.of())));
        tickUntilDone(joins.getLast());
        JoinGroupResponseData leader = joins.stream().map(CompletableFuture::join)
                .filter(j -> j.leader().equals(j.memberId())).findFirst().orElseThrow();
        assertEquals(3, leader.generationId());
        assertEquals(2, leader.members().size(), "a classic leader assigns again");

        restart(ConsumerGroupMigrationPolicy.BIDIRECTIONAL);
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describe().errorCode(), "still classic after a move");
        assertEquals(7, coordinator.fetchOffsets(GROUP, List.of(tp), false).get(5, TimeUnit.SECONDS)
                .offsets().get(tp).offset());
    }

    @Test
    void aStaticClassicMemberTakingThePlaceOfTheLastConsumerProtocolMemberMakesTheGroupClassicWithoutARebalance()
            throws Exception {
        heartbeat(consumerRequest("c", 0).setInstanceId("instance").setRebalanceTimeoutMs(REBALANCE_MS)
                .setSubscribedTopicNames(List.of("orders")).setTopicPartitions(List.of()));
        int epoch = describe().groupEpoch();
        JoinGroupResponseData j = coordinator.joinGroup(joinRequest("", Set.of()).setGroupInstanceId("instance"),
                (short) 9, "classic", "/127.0.0.1").get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), j.errorCode());
        assertEquals(epoch, j.generationId(), "it takes the place and the epoch of the member it replaces");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), describe().errorCode(), "no consumer group any more");
        assertEquals("Stable", describeClassic().groupState(), "no rebalance: every member keeps its assignment");
        assertEquals(Set.of(0, 1, 2, 3), syncedPartitions(j.memberId(), epoch));
        assertEquals(Errors.NONE, heartbeat(j.memberId(), epoch));
    }

    @Test
    void aClassicLeaveOfTheLastClassicMemberLeavesTheConsumerProtocolMembers() throws Exception {
        consumerJoin("c");
        String a = classicJoin("", Set.of()).get(5, TimeUnit.SECONDS).memberId();
        classicJoin(a, Set.of()).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(a)))
                .get(5, TimeUnit.SECONDS).members().getFirst().errorCode());
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe();
        assertEquals(Set.of("c"), memberTypes(d).keySet());
        assertEquals(3, d.groupEpoch(), "the leave moved the group on");
    }

    // ---------------------------------------------------------------- policies

    @Test
    void withMigrationDisabledNeitherProtocolJoinsAGroupOfTheOther() throws Exception {
        restart(ConsumerGroupMigrationPolicy.DISABLED);
        stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        ConsumerGroupHeartbeatResponseData r = consumerJoin("c");
        assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), r.errorCode());
        assertEquals("Cannot upgrade classic group g to consumer group because online upgrade is disabled.",
                r.errorMessage());

        String other = "other";
        ConsumerGroupHeartbeatResponseData first = heartbeat(consumerRequest("c", 0).setGroupId(other)
                .setRebalanceTimeoutMs(REBALANCE_MS).setSubscribedTopicNames(List.of("orders")).setTopicPartitions(List.of()));
        assertEquals(Errors.NONE.code(), first.errorCode());
        JoinGroupResponseData j = coordinator.joinGroup(joinRequest("", Set.of()).setGroupId(other), (short) 9, "cl",
                "/h").get(5, TimeUnit.SECONDS);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), j.errorCode());
    }

    @Test
    void withUpgradeOnlyAGroupWhoseConsumerProtocolMembersLeftStaysAConsumerGroup() throws Exception {
        restart(ConsumerGroupMigrationPolicy.UPGRADE);
        List<String> classic = stableClassicGroup(Set.of(0, 1), Set.of(2, 3));
        consumerJoin("c");
        heartbeat(consumerRequest("c", -1));
        ConsumerGroupDescribeResponseData.DescribedGroup d = describe();
        assertEquals(Errors.NONE.code(), d.errorCode());
        assertEquals(new HashSet<>(classic), memberTypes(d).keySet());
    }

    // ---------------------------------------------------------------- helpers

    private void start(ConsumerGroupMigrationPolicy policy) throws Exception {
        start(ConsumerGroupConfig.defaults().withMigrationPolicy(policy));
    }

    private void start(ConsumerGroupConfig consumerConfig) throws Exception {
        coordinator = new GroupCoordinator(config, consumerConfig, log.asPartitions(), clock);
        coordinator.updateTopics(TopicImage.of(List.of(new TopicImage.Topic(ORDERS, "orders", 4))))
                .get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (coordinator.fetchOffsets(GROUP, List.of(), false).get(5, TimeUnit.SECONDS).error()
                == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "partition never loaded");
        }
    }

    private void restart(ConsumerGroupMigrationPolicy policy) throws Exception {
        coordinator.close();
        start(policy);
    }

    /**
     * A Stable classic group at generation 1 whose members subscribe to orders with the consumer protocol, the
     * leader having assigned the first member {@code first} and the second {@code second}; returns their ids.
     */
    private List<String> stableClassicGroup(Set<Integer> first, Set<Integer> second)
            throws Exception {
        String a = classicJoin("", Set.of()).get(5, TimeUnit.SECONDS).memberId();
        String b = classicJoin("", Set.of()).get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> ja = classicJoin(a, Set.of());
        CompletableFuture<JoinGroupResponseData> jb = classicJoin(b, Set.of());
        tickUntilDone(jb);
        JoinGroupResponseData leader = ja.join().leader().equals(a) ? ja.join() : jb.join();
        assertEquals(1, leader.generationId());
        Map<String, byte[]> assignments = new HashMap<>();
        assignments.put(a, assignment(first));
        assignments.put(b, assignment(second));
        SyncGroupRequestData leaderSync = syncRequest(leader.leader(), 1);
        assignments.forEach((m, bytes) -> leaderSync.assignments().add(new SyncGroupRequestAssignment()
                .setMemberId(m).setAssignment(bytes)));
        String follower = leader.leader().equals(a) ? b : a;
        CompletableFuture<SyncGroupResponseData> followerSync = coordinator.syncGroup(syncRequest(follower, 1));
        assertEquals(Errors.NONE.code(), coordinator.syncGroup(leaderSync).get(5, TimeUnit.SECONDS).errorCode());
        assertEquals(Errors.NONE.code(), followerSync.get(5, TimeUnit.SECONDS).errorCode());
        assertEquals("Stable", describeClassic().groupState());
        return List.of(a, b);
    }

    private void tickUntilDone(CompletableFuture<?> f) throws Exception {
        for (int i = 0; i < 10 && !f.isDone(); i++) {
            coordinator.tick().get(5, TimeUnit.SECONDS);
        }
        assertTrue(f.isDone(), "the rebalance completed");
    }

    private static byte[] subscription(Set<Integer> owned) {
        List<TopicPartition> tps = owned.stream().sorted().map(p -> new TopicPartition("orders", p)).toList();
        return bytes(ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("orders"), null, tps)));
    }

    private static byte[] assignment(Set<Integer> partitions) {
        List<TopicPartition> tps = partitions.stream().sorted().map(p -> new TopicPartition("orders", p)).toList();
        return bytes(ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(tps)));
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static JoinGroupRequestData joinRequest(String memberId, Set<Integer> owned) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName("range").setMetadata(subscription(owned)));
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setProtocolType("consumer")
                .setProtocols(protocols).setSessionTimeoutMs(SESSION_MS).setRebalanceTimeoutMs(REBALANCE_MS);
    }

    private CompletableFuture<JoinGroupResponseData> classicJoin(String memberId, Set<Integer> owned) {
        return coordinator.joinGroup(joinRequest(memberId, owned), (short) 9, "classic", "/127.0.0.1");
    }

    private CompletableFuture<JoinGroupResponseData> classicJoinOfType(String type, String... memberId) {
        return coordinator.joinGroup(joinRequest(memberId.length == 0 ? "" : memberId[0], Set.of())
                .setProtocolType(type), (short) 9, "classic", "/127.0.0.1");
    }

    private static SyncGroupRequestData syncRequest(String memberId, int generation) {
        return new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGenerationId(generation)
                .setProtocolType("consumer").setProtocolName("range");
    }

    private SyncGroupResponseData sync(String memberId, int generation) throws Exception {
        return coordinator.syncGroup(syncRequest(memberId, generation)).get(5, TimeUnit.SECONDS);
    }

    private Set<Integer> syncedPartitions(String memberId, int generation) throws Exception {
        SyncGroupResponseData s = sync(memberId, generation);
        assertEquals(Errors.NONE.code(), s.errorCode());
        Set<Integer> out = new TreeSet<>();
        ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(s.assignment())).partitions()
                .forEach(tp -> out.add(tp.partition()));
        return out;
    }

    private Errors heartbeat(String memberId, int generation) throws Exception {
        return coordinator.heartbeat(GROUP, memberId, null, generation).get(5, TimeUnit.SECONDS);
    }

    private static ConsumerGroupHeartbeatRequestData consumerRequest(String memberId, int epoch) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(GROUP).setMemberId(memberId).setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(-1).setSubscribedTopicNames(null).setTopicPartitions(null);
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(ConsumerGroupHeartbeatRequestData req) throws Exception {
        return coordinator.consumerGroupHeartbeat(req, (short) 1, "consumer", "/127.0.0.1", null)
                .get(5, TimeUnit.SECONDS);
    }

    private ConsumerGroupHeartbeatResponseData consumerJoin(String memberId) throws Exception {
        return heartbeat(consumerRequest(memberId, 0).setRebalanceTimeoutMs(REBALANCE_MS)
                .setSubscribedTopicNames(List.of("orders")).setTopicPartitions(List.of()));
    }

    private ConsumerGroupHeartbeatResponseData heartbeat(String memberId, int epoch, Set<Integer> owned)
            throws Exception {
        List<ConsumerGroupHeartbeatRequestData.TopicPartitions> tps = owned.isEmpty() ? List.of()
                : List.of(new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(ORDERS)
                .setPartitions(List.copyOf(new TreeSet<>(owned))));
        return heartbeat(consumerRequest(memberId, epoch).setTopicPartitions(tps));
    }

    private static Set<Integer> partitions(ConsumerGroupHeartbeatResponseData r) {
        Set<Integer> out = new TreeSet<>();
        if (r.assignment() != null) {
            r.assignment().topicPartitions().forEach(t -> out.addAll(t.partitions()));
        }
        return out;
    }

    private ConsumerGroupDescribeResponseData.DescribedGroup describe() throws Exception {
        return coordinator.consumerGroupDescribe(GROUP).get(5, TimeUnit.SECONDS);
    }

    private DescribeGroupsResponseData.DescribedGroup describeClassic() throws Exception {
        return coordinator.describeGroup(GROUP, Errors.GROUP_ID_NOT_FOUND).get(5, TimeUnit.SECONDS);
    }

    private static Map<String, Byte> memberTypes(ConsumerGroupDescribeResponseData.DescribedGroup d) {
        Map<String, Byte> out = new HashMap<>();
        d.members().forEach(m -> out.put(m.memberId(), m.memberType()));
        return out;
    }

    private static ConsumerGroupDescribeResponseData.Member member(ConsumerGroupDescribeResponseData.DescribedGroup d,
                                                                  String memberId) {
        return d.members().stream().filter(m -> m.memberId().equals(memberId)).findFirst().orElseThrow();
    }

    private static int epoch(ConsumerGroupDescribeResponseData.DescribedGroup d, String memberId) {
        return member(d, memberId).memberEpoch();
    }

    private static Set<Integer> assigned(ConsumerGroupDescribeResponseData.DescribedGroup d, String memberId) {
        Set<Integer> out = new TreeSet<>();
        member(d, memberId).assignment().topicPartitions().forEach(t -> out.addAll(t.partitions()));
        return out;
    }
}
