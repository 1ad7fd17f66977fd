package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The membership of one share group through ShareGroupHeartbeat: joins, assignments shared by the simple assignor, epochs,
 * leaves, session timeouts, and the refusals Kafka 4.4 sends (errors and messages as measured against it).
 */
class ShareGroupMembershipTest {
    private static final Uuid QUEUE_ID = new Uuid(1, 1);
    private static final TopicImage TOPICS = TopicImage.of(List.of(new TopicImage.Topic(QUEUE_ID, "queue", 2)));
    private final ShareGroupMembership group = new ShareGroupMembership(ShareGroupConfig.defaults(), 1);

    private static ShareGroupHeartbeatRequestData join(String group, String member, String topic) {
        return new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
                .setSubscribedTopicNames(topic == null ? null : List.of(topic));
    }

    private static ShareGroupHeartbeatRequestData heartbeat(String group, String member, int epoch) {
        return new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(epoch)
                .setSubscribedTopicNames(null);
    }

    private ShareGroupHeartbeatResponseData send(ShareGroupHeartbeatRequestData req, long nowMs) {
        String invalid = ShareGroupMembership.invalid(req);
        return invalid != null ? ShareGroupMembership.error(Errors.INVALID_REQUEST, invalid.isEmpty() ? null : invalid)
                : group.heartbeat(req, "client", "/127.0.0.1", TOPICS, nowMs);
    }

    private static String refusal(ShareGroupHeartbeatResponseData r) {
        return Errors.forCode(r.errorCode()).name() + " " + r.errorMessage();
    }

    private static int partitions(ShareGroupHeartbeatResponseData r) {
        return r.assignment().topicPartitions().stream().mapToInt(t -> t.partitions().size()).sum();
    }

    @Test
    void invalidRequestsAreRefusedWithKafkasMessages() {
        assertEquals("INVALID_REQUEST GroupId can't be empty.", refusal(send(join("", "m1", "queue"), 0)));
        assertEquals("INVALID_REQUEST null", refusal(send(join("g", "", "queue"), 0)));
        assertEquals("INVALID_REQUEST SubscribedTopicNames must be set in first request.",
                refusal(send(join("g", "m1", null), 0)));
        assertEquals("INVALID_REQUEST MemberEpoch is invalid.", refusal(send(heartbeat("g", "m1", -2), 0)));
        assertEquals("INVALID_REQUEST RackId can't be empty.", refusal(send(join("g", "m1", "queue").setRackId(""), 0)));
        assertEquals(1, group.epoch(), "no refused request changed the group");
    }

    @Test
    void threeMembersShareTwoPartitionsAndLearnOfChangesInTheirHeartbeats() {
        ShareGroupHeartbeatResponseData first = send(join("g", "m1", "queue"), 0);
        assertEquals(2, first.memberEpoch(), "as Kafka's first member");
        assertEquals(5_000, first.heartbeatIntervalMs());
        assertEquals(2, partitions(first), "alone: both partitions");

        ShareGroupHeartbeatResponseData second = send(join("g", "m2", "queue"), 0);
        assertEquals(1, partitions(second));
        ShareGroupHeartbeatResponseData m1 = send(heartbeat("g", "m1", first.memberEpoch()), 0);
        assertEquals(second.memberEpoch(), m1.memberEpoch(), "its epoch was the previous one: brought up to date");
        assertEquals(1, partitions(m1), "two members, two partitions: one each");

        ShareGroupHeartbeatResponseData third = send(join("g", "m3", "queue"), 0);
        assertEquals(1, partitions(third));
        ShareGroupHeartbeatResponseData again = send(heartbeat("g", "m1", m1.memberEpoch()), 0);
        assertEquals(2, partitions(again), "3 members, 2 partitions: each partition to 2 members, m1 holds both");
        assertNull(send(heartbeat("g", "m1", again.memberEpoch()), 0).assignment(), "unchanged: not sent again");
    }

    @Test
    void aMemberSeveralChangesBehindMovesStraightToTheGroupEpoch() {
        ShareGroupHeartbeatResponseData m1 = send(join("g", "m1", "queue"), 0);
        send(join("g", "m2", "queue"), 0);
        send(join("g", "m3", "queue"), 0);
        assertEquals(4, send(heartbeat("g", "m1", m1.memberEpoch()), 0).memberEpoch(),
                "at the epoch it was last told, two changes ago: not fenced, moved on to the group's");
        assertEquals(Errors.NONE.code(), send(heartbeat("g", "m1", m1.memberEpoch()), 0).errorCode(),
                "its previous epoch is still accepted (the answer may have been lost)");
    }

    @Test
    void anEpochThatIsNeitherTheOneLastToldNorThePreviousIsFenced() {
        ShareGroupHeartbeatResponseData m1 = send(join("g", "m1", "queue"), 0);
        send(join("g", "m2", "queue"), 0);
        assertEquals(3, send(heartbeat("g", "m1", m1.memberEpoch()), 0).memberEpoch());
        send(join("g", "m3", "queue"), 0);
        assertEquals(4, send(heartbeat("g", "m1", 3), 0).memberEpoch());
        assertEquals("FENCED_MEMBER_EPOCH The share group member has a smaller member epoch (2) than the one known "
                + "by the group coordinator (4), and it does not match the previous member epoch (3). The member "
                + "must abandon all its partitions and rejoin.", refusal(send(heartbeat("g", "m1", m1.memberEpoch()), 0)));
        assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), send(heartbeat("g", "m1", 9), 0).errorCode(), "ahead of it");
        assertEquals("UNKNOWN_MEMBER_ID Member m9 is not a member of group g.", refusal(send(heartbeat("g", "m9", 4), 0)));
        ShareGroupHeartbeatResponseData rejoined = send(join("g", "m1", "queue"), 0);
        assertEquals(Errors.NONE.code(), rejoined.errorCode(), "a fenced member rejoins with epoch 0");
        assertNotNull(rejoined.assignment(), "and gets its whole assignment");
    }

    @Test
    void aLeavingOrSilentMemberIsRemovedAndItsPartitionsGoToTheOthers() {
        ShareGroupHeartbeatResponseData m1 = send(join("g", "m1", "queue"), 0);
        send(join("g", "m2", "queue"), 0);
        m1 = send(heartbeat("g", "m1", m1.memberEpoch()), 1_000);
        assertEquals(1, partitions(m1), "sharing with m2");
        assertEquals(-1, send(heartbeat("g", "m2", -1), 1_000).memberEpoch(), "m2 left");
        assertEquals(List.of("m1"), group.members());
        assertEquals(2, partitions(send(heartbeat("g", "m1", m1.memberEpoch()), 1_000)), "m1 has both again");

        send(join("g", "m3", "queue"), 2_000);
        assertEquals(List.of("m1"), group.expire(46_000, TOPICS), "m1 last heard of at 1 s; 45 s session");
        assertEquals(List.of("m3"), group.members());
    }

    @Test
    void aSubscriptionToATopicThatDoesNotExistGetsNothingUntilItDoes() {
        ShareGroupHeartbeatResponseData r = send(join("g", "m1", "later"), 0);
        assertEquals(0, partitions(r));
        TopicImage withLater = TopicImage.of(List.of(new TopicImage.Topic(new Uuid(2, 2), "later", 1)));
        assertEquals(1, group.heartbeat(heartbeat("g", "m1", r.memberEpoch())
                .setSubscribedTopicNames(List.of("later", "queue")), "client", "/127.0.0.1", withLater, 0).assignment().topicPartitions()
                .size(), "the subscription changed: assigned again over the topics now known");
    }
}
