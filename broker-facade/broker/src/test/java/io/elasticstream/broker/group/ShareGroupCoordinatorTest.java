package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.config.GroupConfigRules;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.share.SharePartition.RecordState;
import io.elasticstream.broker.share.SharePartition.StateBatch;
import io.elasticstream.common.ManualClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * KIP-932 share groups on the coordinator, with a manual clock and an in-memory log: a group created by its
 * first member, described, listed as type {@code share}; ids of other kinds of group refused both ways; the
 * group's epoch and its share-partition states surviving a coordinator that takes the partition over (members
 * rejoin); offsets APIs refused as Kafka refuses them; deletion of an empty group with its states; the admin
 * alterations of an empty group's states (AlterShareGroupOffsets, DeleteShareGroupOffsets); a group's own
 * heartbeat interval and session timeout; leader-epoch fencing of the partitions' leaders.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ShareGroupCoordinatorTest {
    private static final String GROUP = "sg";
    private static final Uuid QUEUE = new Uuid(7, 7);
    private static final SharePartition.State STATE = new SharePartition.State(5, List.of(
            new StateBatch(5, 6, RecordState.ACKNOWLEDGED, 1), new StateBatch(7, 7, RecordState.AVAILABLE, 2)));

    private final ManualClock clock = new ManualClock();
    private final MemoryGroupLog log = new MemoryGroupLog();
    private final GroupConfig config = new GroupConfig(1, 6_000, 1_800_000, 3_000, Integer.MAX_VALUE, 4096, 300_000);
    private GroupCoordinator coordinator;

    @BeforeEach
    void start() throws Exception {
        coordinator = started();
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    private GroupCoordinator started() throws Exception {
        return started(new GroupCoordinator(config, ConsumerGroupConfig.defaults(), ShareGroupConfig.defaults(),
                log.asPartitions(), clock));
    }

    private GroupCoordinator started(GroupCoordinator c) throws Exception {
        c.updateTopics(TopicImage.of(List.of(new TopicImage.Topic(QUEUE, "queue", 2)))).get(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.fetchOffsets("probe", List.of(), false).get(5, TimeUnit.SECONDS).error()
                == Errors.COORDINATOR_LOAD_IN_PROGRESS) {
            assertTrue(System.nanoTime() < deadline, "partition never loaded");
        }
        return c;
    }

    private ShareGroupHeartbeatResponseData heartbeat(String member, int epoch) throws Exception {
        return coordinator.shareGroupHeartbeat(new ShareGroupHeartbeatRequestData().setGroupId(GROUP)
                .setMemberId(member).setMemberEpoch(epoch).setSubscribedTopicNames(epoch == 0 ? List.of("queue") : null),
                "client", "/127.0.0.1", null).get(5, TimeUnit.SECONDS);
    }

    private DescribedGroup describe() throws Exception {
        return coordinator.shareGroupDescribe(GROUP).get(5, TimeUnit.SECONDS);
    }

    @Test
    void theFirstMemberCreatesTheGroupWhichIsDescribedAndListedAsAShareGroup() throws Exception {
        ShareGroupHeartbeatResponseData r = heartbeat("m1", 0);
        assertEquals(Errors.NONE.code(), r.errorCode());
        assertEquals(2, r.memberEpoch());
        DescribedGroup d = describe();
        assertEquals("Stable", d.groupState());
        assertEquals("simple", d.assignorName());
        assertEquals("queue", d.members().getFirst().assignment().topicPartitions().getFirst().topicName());
        assertEquals(List.of("share/Stable"), coordinator.listGroups(List.of(), Set.of())
                .get(5, TimeUnit.SECONDS).stream().map(g -> g.groupType() + "/" + g.groupState()).toList());
        assertEquals(Errors.NONE.code(), heartbeat("m1", -1).errorCode());
        assertEquals("Empty", describe().groupState(), "the last member left");
    }

    @Test
    void aGroupIdOfAnotherKindIsRefusedEitherWay() throws Exception {
        assertEquals(Errors.NONE, coordinator.commitOffsets("classic", -1, "", null,
                Map.of(new TopicPartition("queue", 0), new GroupRecords.OffsetValue(1, -1, "", 0)), (short) 9)
                .get(5, TimeUnit.SECONDS).values().iterator().next());
        ShareGroupHeartbeatResponseData r = coordinator.shareGroupHeartbeat(new ShareGroupHeartbeatRequestData()
                .setGroupId("classic").setMemberId("m1").setMemberEpoch(0).setSubscribedTopicNames(List.of("queue")),
                "client", "/127.0.0.1", null).get(5, TimeUnit.SECONDS);
        assertEquals("GROUP_ID_NOT_FOUND Group classic is not a share group.",
                Errors.forCode(r.errorCode()).name() + " " + r.errorMessage());

        heartbeat("m1", 0);
        TopicPartition tp = new TopicPartition("queue", 0);
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.commitOffsets(GROUP, -1, "", null,
                Map.of(tp, new GroupRecords.OffsetValue(1, -1, "", 0)), (short) 9).get(5, TimeUnit.SECONDS).get(tp),
                "a share group has no committed offsets");
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.fetchOffsets(GROUP, List.of(tp), false)
                .get(5, TimeUnit.SECONDS).error());
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.deleteOffsets(GROUP, List.of(tp))
                .get(5, TimeUnit.SECONDS).error());
    }

    @Test
    void theGroupAndItsStatesSurviveACoordinatorTakingThePartitionOverAndMembersRejoin() throws Exception {
        ShareGroupHeartbeatResponseData m1 = heartbeat("m1", 0);
        assertNull(coordinator.readShareState(GROUP, QUEUE, 0, 1).get(5, TimeUnit.SECONDS).state(),
                "nothing written yet");
        assertEquals(Errors.NONE, coordinator.writeShareState(GROUP, QUEUE, 0, 1, STATE).get(5, TimeUnit.SECONDS));
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.writeShareState("nobody", QUEUE, 0, 1, STATE)
                .get(5, TimeUnit.SECONDS), "no such share group");

        coordinator.close();
        coordinator = started();

        GroupCoordinator.ShareStateRead read = coordinator.readShareState(GROUP, QUEUE, 0, 1)
                .get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, read.error());
        assertEquals(STATE, read.state(), "the state as its leader last wrote it");
        assertEquals("UNKNOWN_MEMBER_ID", Errors.forCode(heartbeat("m1", m1.memberEpoch()).errorCode()).name(),
                "members are not written: they rejoin");
        ShareGroupHeartbeatResponseData rejoined = heartbeat("m1", 0);
        assertTrue(rejoined.memberEpoch() > m1.memberEpoch(), "at an epoch above the written one");
        assertEquals(Map.of(new GroupCoordinator.TopicIdPartitionKey(QUEUE, 0), STATE),
                coordinator.shareStates(GROUP).get(5, TimeUnit.SECONDS).states());
    }

    @Test
    void anEmptyShareGroupIsDeletedWithItsStates() throws Exception {
        heartbeat("m1", 0);
        coordinator.writeShareState(GROUP, QUEUE, 1, 1, STATE).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NON_EMPTY_GROUP, coordinator.deleteGroup(GROUP).get(5, TimeUnit.SECONDS));
        heartbeat("m1", -1);
        assertEquals(Errors.NONE, coordinator.deleteGroup(GROUP).get(5, TimeUnit.SECONDS));

        coordinator.close();
        coordinator = started();
        assertEquals(Errors.GROUP_ID_NOT_FOUND, coordinator.readShareState(GROUP, QUEUE, 1, 1).get(5, TimeUnit.SECONDS)
                .error(), "neither the group nor its states came back");
    }

    @Test
    void alteringOffsetsCreatesTheGroupStartsItsPartitionsAfreshAndOutlivesARestart() throws Exception {
        GroupCoordinator.TopicIdPartitionKey p0 = new GroupCoordinator.TopicIdPartitionKey(QUEUE, 0);
        GroupCoordinator.ShareStateChange altered = coordinator.alterShareStates(GROUP, Map.of(p0, 42L))
                .get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, altered.error(), "a group that did not exist is created, as in Kafka");
        assertEquals(Set.of(QUEUE), altered.topicIds());
        assertEquals("Empty", describe().groupState());

        coordinator.close();
        coordinator = started();
        assertEquals(new SharePartition.State(42, List.of()), coordinator.readShareState(GROUP, QUEUE, 0, 1)
                .get(5, TimeUnit.SECONDS).state(), "the next leader starts there, nothing in flight");

        heartbeat("m1", 0);
        GroupCoordinator.ShareStateChange refused = coordinator.alterShareStates(GROUP, Map.of(p0, 0L))
                .get(5, TimeUnit.SECONDS);
        assertEquals("NON_EMPTY_GROUP " + Errors.NON_EMPTY_GROUP.message(),
                refused.error().name() + " " + refused.message(), "not while a member is in");
        assertEquals(new SharePartition.State(42, List.of()), coordinator.readShareState(GROUP, QUEUE, 0, 1)
                .get(5, TimeUnit.SECONDS).state(), "a refused alteration changes nothing");
    }

    @Test
    void deletingOffsetsForgetsTheTopicsOfAnEmptyGroupAndNamesOnlyThoseItHadStateIn() throws Exception {
        Uuid other = new Uuid(8, 8);
        GroupCoordinator.ShareStateChange none = coordinator.deleteShareStates(GROUP, Set.of(QUEUE))
                .get(5, TimeUnit.SECONDS);
        assertEquals("GROUP_ID_NOT_FOUND Group sg not found.", none.error().name() + " " + none.message());

        heartbeat("m1", 0);
        coordinator.writeShareState(GROUP, QUEUE, 0, 1, STATE).get(5, TimeUnit.SECONDS);
        coordinator.writeShareState(GROUP, QUEUE, 1, 1, STATE).get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NON_EMPTY_GROUP, coordinator.deleteShareStates(GROUP, Set.of(QUEUE))
                .get(5, TimeUnit.SECONDS).error());
        heartbeat("m1", -1);

        GroupCoordinator.ShareStateChange deleted = coordinator.deleteShareStates(GROUP, Set.of(QUEUE, other))
                .get(5, TimeUnit.SECONDS);
        assertEquals(Errors.NONE, deleted.error());
        assertEquals(Set.of(QUEUE), deleted.topicIds(), "only the topic it had state in");
        assertEquals(Map.of(), coordinator.shareStates(GROUP).get(5, TimeUnit.SECONDS).states());

        coordinator.close();
        coordinator = started();
        assertEquals(Map.of(), coordinator.shareStates(GROUP).get(5, TimeUnit.SECONDS).states(),
                "the deletion is in the log");
        assertEquals("Empty", describe().groupState(), "the group itself stays");

        assertEquals("GROUP_ID_NOT_FOUND Group classic is not a share group.", notShare(), "another kind of group");
    }

    private String notShare() throws Exception {
        coordinator.commitOffsets("classic", -1, "", null, Map.of(new TopicPartition("queue", 0),
                new GroupRecords.OffsetValue(1, -1, "", 0)), (short) 9).get(5, TimeUnit.SECONDS);
        GroupCoordinator.ShareStateChange c = coordinator.deleteShareStates("classic", Set.of(QUEUE))
                .get(5, TimeUnit.SECONDS);
        return c.error().name() + " " + c.message();
    }

    @Test
    void aGroupsOwnHeartbeatIntervalAndSessionTimeoutRuleItsMembers() throws Exception {
        Map<String, String> overrides = Map.of("share.heartbeat.interval.ms", "7000",
                "share.session.timeout.ms", "50000");
        GroupConfigs.Store store = new GroupConfigs.Store() {
            @Override
            public CompletableFuture<Map<String, String>> read(String groupId) {
                return CompletableFuture.completedFuture(groupId.equals(GROUP) ? overrides : Map.of());
            }

            @Override
            public CompletableFuture<Map<String, String>> write(String groupId, Map<String, String> changed) {
                throw new UnsupportedOperationException("not altered here");
            }
        };
        coordinator.close();
        coordinator = started(new GroupCoordinator(config, ConsumerGroupConfig.defaults(),
                new GroupConfigs(store, new GroupConfigRules(Map.of()), clock), log.asPartitions(), clock));

        assertEquals(7000, heartbeat("m1", 0).heartbeatIntervalMs(), "the group's share.heartbeat.interval.ms");
        clock.advanceMillis(46_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals(1, describe().members().size(), "still in after the broker's 45 s: the group's session is 50 s");
        clock.advanceMillis(4_000);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        assertEquals("Empty", describe().groupState(), "removed once silent for the group's share.session.timeout.ms");
    }

    @Test
    void aLeaderOfAnOlderEpochIsFencedOnceANewerOneReadTheState() throws Exception {
        heartbeat("m1", 0);
        assertEquals(Errors.NONE, coordinator.writeShareState(GROUP, QUEUE, 0, 3, STATE).get(5, TimeUnit.SECONDS));
        assertEquals(Errors.NONE, coordinator.readShareState(GROUP, QUEUE, 0, 4).get(5, TimeUnit.SECONDS).error(),
                "the partition's new leader, at epoch 4, reads it");
        SharePartition.State stale = new SharePartition.State(9, List.of());
        assertEquals(Errors.FENCED_LEADER_EPOCH, coordinator.writeShareState(GROUP, QUEUE, 0, 3, stale)
                .get(5, TimeUnit.SECONDS), "the leader at epoch 3 lost the partition");
        assertEquals(Errors.FENCED_LEADER_EPOCH, coordinator.readShareState(GROUP, QUEUE, 0, 3)
                .get(5, TimeUnit.SECONDS).error());

        coordinator.close();
        coordinator = started();
        assertEquals(STATE, coordinator.readShareState(GROUP, QUEUE, 0, 4).get(5, TimeUnit.SECONDS).state(),
                "the stale state was never written");
        assertEquals(Errors.FENCED_LEADER_EPOCH, coordinator.writeShareState(GROUP, QUEUE, 0, 3, stale)
                .get(5, TimeUnit.SECONDS), "the fence is in the log: a coordinator taking over keeps it");
        assertEquals(Errors.NONE, coordinator.writeShareState(GROUP, QUEUE, 0, 4, stale).get(5, TimeUnit.SECONDS));
    }
}
