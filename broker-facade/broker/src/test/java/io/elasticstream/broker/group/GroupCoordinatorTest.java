package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The classic group state machine and offset storage, with a manual clock and an in-memory log. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupCoordinatorTest {
    private static final int SESSION_MS = 10_000;
    private static final int REBALANCE_MS = 30_000;
    private static final String GROUP = "g";

    private final ManualClock clock = new ManualClock();
    private final MemoryGroupLog log = new MemoryGroupLog();
    private final GroupConfig config = new GroupConfig(1, 6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 4096, 300_000);
    private GroupCoordinator coordinator = new GroupCoordinator(config, log.asPartitions(), clock);

    @AfterEach
    void close() {
        coordinator.close();
    }

    @Test
    void joinV4AndLaterRequiresAMemberIdAndTheFirstMemberLeadsAfterTheInitialDelay() throws Exception {
        awaitLoaded();
        JoinGroupResponseData first = join("", (short) 5).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
        String memberId = first.memberId();
        assertFalse(memberId.isEmpty());

        CompletableFuture<JoinGroupResponseData> joined = join(memberId, (short) 5);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertFalse(joined.isDone(), "the first join of an empty group waits group.initial.rebalance.delay.ms");
        clock.advanceMillis(3_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        JoinGroupResponseData r = joined.get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(1, r.generationId());
        assertEquals(memberId, r.leader());
        assertEquals("range", r.protocolName());
        assertEquals(1, r.members().size(), "the leader gets the member list");

        SyncGroupResponseData s = sync(memberId, 1, Map.of(memberId, bytes("assignment"))).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), s.errorCode());
        assertEquals("assignment", new String(s.assignment(), StandardCharsets.UTF_8));
        assertEquals(Errors.NONE, heartbeat(memberId, 1));
        assertEquals(Errors.ILLEGAL_GENERATION, heartbeat(memberId, 0));
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat("nobody", 1));
    }

    @Test
    void withNoInitialDelayTheMembersJoiningBeforeTheTimersNextPassFormTheFirstGenerationTogether() throws Exception {
        coordinator.close();
        coordinator = new GroupCoordinator(new GroupConfig(1, 6_000, 1_800_000, 0, Integer.MAX_VALUE, 4096, 300_000),
                log.asPartitions(), clock);
        awaitLoaded();
        String a = join("", (short) 5).get(5, TimeUnit.SECONDS).memberId();
        String b = join("", (short) 5).get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> aJoin = join(a, (short) 5);
        CompletableFuture<JoinGroupResponseData> bJoin = join(b, (short) 5);
        coordinator.tick().get(5, TimeUnit.SECONDS); // b joined since the rebalance began: one more pass
        assertFalse(aJoin.isDone(), "a pass that saw a new member waits one more");
        CompletableFuture<JoinGroupResponseData> cJoin = join(join("", (short) 5).get(5, TimeUnit.SECONDS).memberId(),
                (short) 5);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertFalse(aJoin.isDone(), "c joined during the last pass");
        coordinator.tick().get(5, TimeUnit.SECONDS);
        for (CompletableFuture<JoinGroupResponseData> joined : List.of(aJoin, bJoin, cJoin)) {
            assertEquals(1, joined.get(5, TimeUnit.SECONDS).generationId());
        }
        assertEquals(3, aJoin.get().members().size() + bJoin.get().members().size() + cJoin.get().members().size());
    }

    @Test
    void joinV0GetsAMemberIdAtOnceWithoutMemberIdRequired() throws Exception {
        awaitLoaded();
        CompletableFuture<JoinGroupResponseData> joined = join("", (short) 0);
        coordinator.tick().get(5, TimeUnit.SECONDS); // the owner thread has taken the join before time moves
        clock.advanceMillis(3_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        JoinGroupResponseData r = joined.get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertFalse(r.memberId().isEmpty());
    }

    @Test
    void aMemberThatStopsHeartbeatingIsRemovedAfterItsSessionTimeoutAndTheOtherRebalancesAlone() throws Exception {
        awaitLoaded();
        String a = stableSingleMember();
        // b joins: the group rebalances; a learns it from its heartbeat and rejoins.
        String b = join("", (short) 5).get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> bJoin = join(b, (short) 5);
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 1));
        CompletableFuture<JoinGroupResponseData> aJoin = join(a, (short) 5);
        assertEquals(2, aJoin.get(5, TimeUnit.SECONDS).generationId());
        assertEquals(2, bJoin.get(5, TimeUnit.SECONDS).members().size() + aJoin.get().members().size());
        sync(a, 2, Map.of(a, bytes("a"), b, bytes("b"))).get(5, TimeUnit.SECONDS);
        sync(b, 2, Map.of()).get(5, TimeUnit.SECONDS);

        for (int i = 0; i < 4; i++) { // a heartbeats, b is silent
            clock.advanceMillis(SESSION_MS / 3);
            assertEquals(Errors.NONE, heartbeat(a, 2));
            coordinator.tick().get(5, TimeUnit.SECONDS);
        }
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(a, 2), "b expired: the group rebalances");
        JoinGroupResponseData alone = join(a, (short) 5).get(5, TimeUnit.SECONDS);
        assertEquals(3, alone.generationId());
        assertEquals(1, alone.members().size());
        assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat(b, 2));
    }

    @Test
    void aLeavingLastMemberEmptiesTheGroupAndItsCommittedOffsetsStay() throws Exception {
        awaitLoaded();
        String a = stableSingleMember();
        TopicPartition tp = new TopicPartition("t", 0);
        assertEquals(Errors.NONE, commit(1, a, tp, 42, "m").get(tp));
        assertEquals(Errors.ILLEGAL_GENERATION, commit(7, a, tp, 43, "m").get(tp));
        var left = coordinator.leaveGroup(GROUP, List.of(new MemberIdentity().setMemberId(a))).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), left.members().getFirst().errorCode());
        var described = coordinator.describeGroup(GROUP, Errors.GROUP_ID_NOT_FOUND).get(5, TimeUnit.SECONDS);
        assertEquals("Empty", described.groupState());
        assertEquals(42, coordinator.fetchOffsets(GROUP, List.of(tp), false).get(5, TimeUnit.SECONDS).offsets().get(tp).offset());
    }

    @Test
    void simpleCommitsNeedNoMembershipAndSurviveAReplayOfTheLog() throws Exception {
        awaitLoaded();
        TopicPartition tp = new TopicPartition("t", 3);
        assertEquals(Errors.GROUP_ID_NOT_FOUND, commitVersion(GROUP, 1, "x", tp, 9, (short) 9).get(tp));
        assertEquals(Errors.ILLEGAL_GENERATION, commitVersion(GROUP, 1, "x", tp, 9, (short) 8).get(tp));
        assertEquals(Errors.NONE, commit(-1, "", tp, 17, "kept metadata").get(tp));

        coordinator.close();
        coordinator = new GroupCoordinator(config, log.asPartitions(), clock);
        awaitLoaded();
        GroupRecords.OffsetValue v = coordinator.fetchOffsets(GROUP, null, false).get(5, TimeUnit.SECONDS).offsets().get(tp);
        assertEquals(17, v.offset());
        assertEquals("kept metadata", v.metadata());

        assertEquals(Errors.NONE, coordinator.deleteGroup(GROUP).get(5, TimeUnit.SECONDS));
        coordinator.close();
        coordinator = new GroupCoordinator(config, log.asPartitions(), clock);
        awaitLoaded();
        assertNull(coordinator.fetchOffsets(GROUP, List.of(tp), false).get(5, TimeUnit.SECONDS).offsets().get(tp),
                "a deleted group's offsets stay deleted after replay");
    }

    @Test
    void aReopenedCoordinatorListsTheGroupsOfItsPartitionsWithoutAnyGroupRequest() throws Exception {
        awaitLoaded();
        assertEquals(Errors.NONE, commit(-1, "", new TopicPartition("t", 0), 5, "").get(new TopicPartition("t", 0)));
        coordinator.close();
        coordinator = new GroupCoordinator(config, log.asPartitions(), clock);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<String> listed = List.of();
        while (listed.isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the group was never listed");
            coordinator.tick().get(5, TimeUnit.SECONDS);
            try {
                listed = coordinator.listGroups(List.of(), java.util.Set.of(0)).get(5, TimeUnit.SECONDS).stream()
                        .map(g -> g.groupId() + "/" + g.groupState()).toList();
            } catch (java.util.concurrent.ExecutionException e) {
                assertTrue(e.getCause() instanceof org.apache.kafka.common.errors.CoordinatorLoadInProgressException,
                        e.toString());
            }
        }
        assertEquals(List.of(GROUP + "/Empty"), listed);
        assertEquals(List.of(), coordinator.listGroups(List.of("Stable"), java.util.Set.of(0)).get(5, TimeUnit.SECONDS), "state filter");
    }

    @Test
    void aStaticMemberRejoiningWithANewIdKeepsTheGenerationAndFencesItsOldId() throws Exception {
        awaitLoaded();
        String leader = stableSingleMember();
        CompletableFuture<JoinGroupResponseData> staticJoin = joinStatic("", "instance-1");
        assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat(leader, 1));
        join(leader, (short) 5);
        String oldId = staticJoin.get(5, TimeUnit.SECONDS).memberId();
        sync(leader, 2, Map.of()).get(5, TimeUnit.SECONDS);
        sync(oldId, 2, Map.of()).get(5, TimeUnit.SECONDS);

        JoinGroupResponseData again = joinStatic("", "instance-1").get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE.code(), again.errorCode());
        assertEquals(2, again.generationId(), "no rebalance for a static member coming back unchanged");
        assertEquals(Errors.FENCED_INSTANCE_ID, coordinator.heartbeat(GROUP, oldId, "instance-1", 2)
                .get(5, TimeUnit.SECONDS));
        assertEquals(Errors.NONE, coordinator.heartbeat(GROUP, again.memberId(), "instance-1", 2).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aMemberWithAnIncompatibleProtocolIsRejected() throws Exception {
        awaitLoaded();
        stableSingleMember();
        JoinGroupRequestData req = request("", null, "consumer", "roundrobin");
        JoinGroupResponseData r = coordinator.joinGroup(req, (short) 5, "c", "/h").get(5, TimeUnit.SECONDS);
        assertEquals(Errors.INCONSISTENT_GROUP_PROTOCOL.code(), r.errorCode());
    }

    // ---------------------------------------------------------------- helpers

    private void awaitLoaded() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (coordinator.fetchOffsets(GROUP, List.of(), false).get(5, TimeUnit.SECONDS).error()
                == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "partition never loaded");
        }
    }

    /** A group with one member in generation 1, Stable; returns its member id. */
    private String stableSingleMember() throws Exception {
        String id = join("", (short) 5).get(5, TimeUnit.SECONDS).memberId();
        CompletableFuture<JoinGroupResponseData> joined = join(id, (short) 5);
        coordinator.tick().get(5, TimeUnit.SECONDS); // the owner thread has taken the join before time moves
        clock.advanceMillis(3_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(1, joined.get(5, TimeUnit.SECONDS).generationId());
        assertEquals(Errors.NONE.code(), sync(id, 1, Map.of(id, bytes("x"))).get(5, TimeUnit.SECONDS).errorCode());
        return id;
    }

    private static JoinGroupRequestData request(String memberId, String instanceId, String type, String protocol) {
        JoinGroupRequestProtocolCollection protocols = new JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestProtocol().setName(protocol).setMetadata(bytes("meta")));
        return new JoinGroupRequestData().setGroupId(GROUP).setMemberId(memberId).setGroupInstanceId(instanceId)
                .setProtocolType(type).setProtocols(protocols).setSessionTimeoutMs(SESSION_MS)
                .setRebalanceTimeoutMs(REBALANCE_MS);
    }

    private CompletableFuture<JoinGroupResponseData> join(String memberId, short version) {
        return coordinator.joinGroup(request(memberId, null, "consumer", "range"), version, "client", "/127.0.0.1");
    }

    private CompletableFuture<JoinGroupResponseData> joinStatic(String memberId, String instanceId) {
        return coordinator.joinGroup(request(memberId, instanceId, "consumer", "range"), (short) 5, "client", "/h");
    }

    private CompletableFuture<SyncGroupResponseData> sync(String memberId, int generation, Map<String, byte[]> assignments) {
        SyncGroupRequestData req = new SyncGroupRequestData().setGroupId(GROUP).setMemberId(memberId)
                .setGenerationId(generation);
        assignments.forEach((m, a) -> req.assignments().add(new SyncGroupRequestAssignment().setMemberId(m)
                .setAssignment(a)));
        return coordinator.syncGroup(req);
    }

    private Errors heartbeat(String memberId, int generation) throws Exception {
        return coordinator.heartbeat(GROUP, memberId, null, generation).get(5, TimeUnit.SECONDS);
    }

    @Test
    void transactionalOffsetsStayInvisibleUntilTheirTransactionCommits() throws Exception {
        awaitLoaded();
        TopicPartition tp = new TopicPartition("t", 0);
        assertEquals(Errors.NONE, commit(-1, "", tp, 5, "plain").get(tp));
        assertEquals(Errors.NONE, txnCommit(77, tp, 40).get(tp));

        GroupCoordinator.OffsetFetchResult plain = coordinator.fetchOffsets(GROUP, List.of(tp), false).get(5, TimeUnit.SECONDS);
        assertEquals(5, plain.offsets().get(tp).offset(), "the pending offset is not visible");
        GroupCoordinator.OffsetFetchResult stable = coordinator.fetchOffsets(GROUP, List.of(tp), true).get(5, TimeUnit.SECONDS);
        assertEquals(Set.of(tp), stable.unstable(), "requireStable: the partition is unstable while the transaction is open");

        coordinator.onMarker(new TopicPartition(GroupConfig.OFFSETS_TOPIC, 0), 77, true);
        GroupCoordinator.OffsetFetchResult after = coordinator.fetchOffsets(GROUP, List.of(tp), true).get(5, TimeUnit.SECONDS);
        assertEquals(40, after.offsets().get(tp).offset());
        assertTrue(after.unstable().isEmpty());
    }

    @Test
    void abortedTransactionalOffsetsAreDroppedAndAReplayResolvesPendingOnesByTheirMarkers() throws Exception {
        awaitLoaded();
        TopicPartition tp = new TopicPartition("t", 1);
        assertEquals(Errors.NONE, commit(-1, "", tp, 5, "plain").get(tp));
        assertEquals(Errors.NONE, txnCommit(1, tp, 10).get(tp));
        log.marker(1, false);
        coordinator.onMarker(new TopicPartition(GroupConfig.OFFSETS_TOPIC, 0), 1, false);
        assertEquals(5, coordinator.fetchOffsets(GROUP, List.of(tp), true).get(5, TimeUnit.SECONDS).offsets().get(tp)
                .offset(), "an aborted transaction's offset is never visible");
        assertEquals(Errors.NONE, txnCommit(2, tp, 20).get(tp));
        log.marker(2, true);
        assertEquals(Errors.NONE, txnCommit(3, tp, 30).get(tp)); // still open when the coordinator restarts

        coordinator.close();
        coordinator = new GroupCoordinator(config, log.asPartitions(), clock);
        awaitLoaded();
        GroupCoordinator.OffsetFetchResult replayed = coordinator.fetchOffsets(GROUP, List.of(tp), true)
                .get(5, TimeUnit.SECONDS);
        assertEquals(20, replayed.offsets().get(tp).offset(), "committed by its marker in the log");
        assertEquals(Set.of(tp), replayed.unstable(), "producer 3's offset is still pending after the replay");
        coordinator.onMarker(new TopicPartition(GroupConfig.OFFSETS_TOPIC, 0), 3, true);
        assertEquals(30, coordinator.fetchOffsets(GROUP, List.of(tp), true).get(5, TimeUnit.SECONDS).offsets().get(tp)
                .offset());
    }

    @Test
    void transactionalCommitsOfAGroupMemberAreFencedByGeneration() throws Exception {
        awaitLoaded();
        String a = stableSingleMember();
        TopicPartition tp = new TopicPartition("t", 2);
        Map<TopicPartition, GroupRecords.OffsetValue> offsets = Map.of(tp, new GroupRecords.OffsetValue(3, -1, "", 0));
        assertEquals(Errors.ILLEGAL_GENERATION, coordinator.commitTxnOffsets(GROUP, 9, (short) 0, 7, a, null, offsets,
                true).get(5, TimeUnit.SECONDS).get(tp), "a zombie from an older generation is fenced (KIP-447)");
        assertEquals(Errors.UNKNOWN_MEMBER_ID, coordinator.commitTxnOffsets(GROUP, 9, (short) 0, 1, "stranger", null,
                offsets, true).get(5, TimeUnit.SECONDS).get(tp));
        assertEquals(Errors.NONE, coordinator.commitTxnOffsets(GROUP, 9, (short) 0, 1, a, null, offsets, true)
                .get(5, TimeUnit.SECONDS).get(tp));
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.commitTxnOffsets("other", 9, (short) 0, 1, a, null, offsets,
                true).get(5, TimeUnit.SECONDS).get(tp));
    }

    private Map<TopicPartition, Errors> txnCommit(long producerId, TopicPartition tp, long offset) throws Exception {
        return coordinator.commitTxnOffsets(GROUP, producerId, (short) 0, -1, "", null,
                Map.of(tp, new GroupRecords.OffsetValue(offset, -1, "", 0)), true).get(5, TimeUnit.SECONDS);
    }

    private Map<TopicPartition, Errors> commit(int generation, String memberId, TopicPartition tp, long offset,
                                               String metadata) throws Exception {
        return coordinator.commitOffsets(GROUP, generation, memberId, null,
                Map.of(tp, new GroupRecords.OffsetValue(offset, -1, metadata, 0)), (short) 9).get(5, TimeUnit.SECONDS);
    }

    private Map<TopicPartition, Errors> commitVersion(String group, int generation, String memberId, TopicPartition tp,
                                                      long offset, short version) throws Exception {
        return coordinator.commitOffsets(group, generation, memberId, null,
                Map.of(tp, new GroupRecords.OffsetValue(offset, -1, "", 0)), version).get(5, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
