package io.elasticstream.compat;

import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ConsumerGroupDescribeRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeResponse;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;

/**
 * Differential scenarios that speak the wire protocol directly ({@link RawKafkaClient}): the versions of the
 * group APIs a broker advertises, and what ConsumerGroupHeartbeat answers to requests no client sends (invalid
 * fields, stale epochs, taken instance ids), error code and message.
 */
final class ConsumerProtocolRawScenarios {
    private static final short HEARTBEAT_VERSION = 1;
    private static final List<ApiKeys> GROUP_APIS = List.of(ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
            ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.LIST_GROUPS, ApiKeys.DESCRIBE_GROUPS,
            ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE, ApiKeys.GET_TELEMETRY_SUBSCRIPTIONS,
            ApiKeys.PUSH_TELEMETRY, ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_GROUP_DESCRIBE, ApiKeys.SHARE_FETCH,
            ApiKeys.SHARE_ACKNOWLEDGE, ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, ApiKeys.ALTER_SHARE_GROUP_OFFSETS,
            ApiKeys.DELETE_SHARE_GROUP_OFFSETS, ApiKeys.STREAMS_GROUP_HEARTBEAT);

    private ConsumerProtocolRawScenarios() {
    }

    /** ApiVersions: the group APIs' version ranges (or their absence) and the finalized group.version and share.version. */
    static Observation groupApiVersions(String bootstrap) {
        Observation o = new Observation(bootstrap);
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            ApiVersionsResponse r = raw.send(new ApiVersionsRequest.Builder(), (short) 3);
            for (ApiKeys key : GROUP_APIS) {
                ApiVersion v = r.data().apiKeys().find(key.id);
                o.put("api." + key.name, v == null ? "absent" : v.minVersion() + ".." + v.maxVersion());
            }
            FinalizedFeatureKey group = r.data().finalizedFeatures().find("group.version");
            o.put("feature.group.version", group == null ? "absent" : String.valueOf(group.maxVersionLevel()));
            FinalizedFeatureKey share = r.data().finalizedFeatures().find("share.version");
            o.put("feature.share.version", share == null ? "absent" : String.valueOf(share.maxVersionLevel()));
        }
        return o;
    }

    /** ConsumerGroupHeartbeat v1 refused for every reason Kafka 4.4 refuses one, then a join, fencing and a leave. */
    static Observation heartbeatErrors(String bootstrap) {
        Observation o = new Observation(bootstrap);
        String group = "diff-kip848-raw";
        String topic = group + "-topic";
        Clients.createTopic(bootstrap, topic, 2);
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            awaitCoordinator(raw, group);
            o.put("emptyMemberId", answer(raw, join(group, "", topic)));
            o.put("noRebalanceTimeout", answer(raw, join(group, "m1", topic).setRebalanceTimeoutMs(-1)));
            o.put("nullOwnedAtJoin", answer(raw, join(group, "m1", topic).setTopicPartitions(null)));
            o.put("ownedAtJoin", answer(raw, join(group, "m1", topic).setTopicPartitions(List.of(
                    new ConsumerGroupHeartbeatRequestData.TopicPartitions().setTopicId(Uuid.randomUuid()).setPartitions(List.of(0))))));
            o.put("noSubscription", answer(raw, join(group, "m1", null)));
            o.put("unknownAssignor", answer(raw, join(group, "m1", topic).setServerAssignor("sticky")));
            o.put("invalidRegex", answer(raw, join(group, "m1", null).setSubscribedTopicRegex("(")));
            o.put("epochBelowStaticLeave", answer(raw, heartbeat(group, "m1", -3)));
            o.put("staticLeaveWithoutInstance", answer(raw, heartbeat(group, "m1", -2)));
            o.put("unknownGroupAtEpoch5", answer(raw, heartbeat(group, "m1", 5)));
            o.put("leaveUnknownGroup", answer(raw, heartbeat(group, "m1", -1)));

            ConsumerGroupHeartbeatResponseData joined = send(raw, join(group, "m1", topic));
            o.put("join", joined.errorCode() == 0 ? "NONE interval=" + joined.heartbeatIntervalMs() + " partitions="
                    + joined.assignment().topicPartitions().stream().mapToInt(t -> t.partitions().size()).sum()
                    : Errors.forCode(joined.errorCode()).name());
            int epoch = joined.memberEpoch();
            o.put("aheadOfItsEpoch", answer(raw, heartbeat(group, "m1", epoch + 1)));
            o.put("unknownMember", answer(raw, heartbeat(group, "m9", epoch)));
            o.put("secondJoinOfTheSameId", answer(raw, join(group, "m1", topic)));
            o.put("staticJoin", answer(raw, join(group, "s1", topic).setInstanceId("i1")));
            o.put("instanceTaken", answer(raw, join(group, "s2", topic).setInstanceId("i1")));
            o.put("staticHeartbeatOfAnotherId", answer(raw, heartbeat(group, "s2", 1).setInstanceId("i1")));
            DescribeGroupsResponse classic = raw.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                    .setGroups(List.of(group))), (short) 6);
            var c = classic.data().groups().getFirst();
            o.put("classicDescribe", Errors.forCode(c.errorCode()).name() + " state=" + c.groupState() + " "
                    + c.errorMessage());
            o.put("leave", answer(raw, heartbeat(group, "m1", -1)));
            o.put("leaveAgain", answer(raw, heartbeat(group, "m1", -1)));
            ConsumerGroupDescribeResponse missing = raw.send(new ConsumerGroupDescribeRequest.Builder(
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of("diff-kip848-none"))), (short) 1);
            var d = missing.data().groups().getFirst();
            o.put("describeMissing", Errors.forCode(d.errorCode()).name() + " " + d.errorMessage());
        }
        return o;
    }

    private static ConsumerGroupHeartbeatRequestData join(String group, String memberId, String topic) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(0)
                .setRebalanceTimeoutMs(30_000).setTopicPartitions(List.of())
                .setSubscribedTopicNames(topic == null ? null : List.of(topic));
    }

    private static ConsumerGroupHeartbeatRequestData heartbeat(String group, String memberId, int epoch) {
        return new ConsumerGroupHeartbeatRequestData().setGroupId(group).setMemberId(memberId).setMemberEpoch(epoch)
                .setRebalanceTimeoutMs(-1).setSubscribedTopicNames(null).setTopicPartitions(null);
    }

    private static ConsumerGroupHeartbeatResponseData send(RawKafkaClient raw, ConsumerGroupHeartbeatRequestData req) {
        ConsumerGroupHeartbeatResponse r = raw.send(new ConsumerGroupHeartbeatRequest.Builder(req), HEARTBEAT_VERSION);
        return r.data();
    }

    /** The error and its message; for a success, the epoch the member is at (0 or not) and the assignment's presence. */
    private static String answer(RawKafkaClient raw, ConsumerGroupHeartbeatRequestData req) {
        ConsumerGroupHeartbeatResponseData r = send(raw, req);
        if (r.errorCode() != 0) {
            // epochs in messages are compared as "(n)": Kafka's are one higher (see ConsumerProtocolScenarios)
            String message = r.errorMessage() == null ? null : r.errorMessage().replaceAll("\\(\\d+\\)", "(n)");
            return Errors.forCode(r.errorCode()).name() + " " + message;
        }
        return "NONE memberEpoch=" + (r.memberEpoch() > 0 ? "positive" : String.valueOf(r.memberEpoch()))
                + " assignment=" + (r.assignment() == null ? "none" : "given");
    }

    /** FindCoordinator until the group's coordinator is up (the first call creates {@code __consumer_offsets}). */
    private static void awaitCoordinator(RawKafkaClient raw, String group) {
        ScenarioSupport.await("the coordinator of " + group, () -> {
            raw.awaitCoordinator(RawKafkaClient.GROUP, group);
            // and until it has loaded the group's partition
            ConsumerGroupDescribeResponse d = raw.send(new ConsumerGroupDescribeRequest.Builder(
                    new ConsumerGroupDescribeRequestData().setGroupIds(List.of(group))), (short) 1);
            Errors e = Errors.forCode(d.data().groups().getFirst().errorCode());
            return e == Errors.NONE || e == Errors.GROUP_ID_NOT_FOUND ? Optional.of(true) : Optional.empty();
        });
    }
}
