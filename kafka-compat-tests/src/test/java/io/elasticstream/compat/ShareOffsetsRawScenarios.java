package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestPartition;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopic;
import org.apache.kafka.common.message.AlterShareGroupOffsetsRequestData.AlterShareGroupOffsetsRequestTopicCollection;
import org.apache.kafka.common.message.AlterShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsRequestData.DeleteShareGroupOffsetsRequestTopic;
import org.apache.kafka.common.message.DeleteShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsRequestData.DescribeShareGroupOffsetsRequestGroup;
import org.apache.kafka.common.message.DescribeShareGroupOffsetsResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ShareGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.AlterShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DeleteShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsRequest;
import org.apache.kafka.common.requests.DescribeShareGroupOffsetsResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/**
 * A differential scenario for the admin side of share-group offsets (KIP-932), on the wire:
 * AlterShareGroupOffsets v0 and DeleteShareGroupOffsets v0, each answer read back with
 * DescribeShareGroupOffsets v1. An empty group id, a group that does not exist (Alter creates it, Delete
 * refuses), partitions and topics that do not exist, a group with a member in it, and a topic the group never
 * had state in.
 */
final class ShareOffsetsRawScenarios {
    private static final String TOPIC = "diff-share-offsets";
    private static final String UNREAD = "diff-share-offsets-unread";
    private static final String MISSING = "diff-share-offsets-missing";

    private ShareOffsetsRawScenarios() {
    }

    static Observation alterAndDelete(String bootstrap) {
        Observation o = new Observation(bootstrap);
        String group = "diff-share-offsets-g";
        Clients.createTopic(bootstrap, TOPIC, 2);
        Clients.createTopic(bootstrap, UNREAD, 1);
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            raw.awaitCoordinator(RawKafkaClient.GROUP, group);
            ScenarioSupport.await("the group coordinator loaded", () -> {
                Errors e = Errors.forCode(delete(raw, group + "-warmup", TOPIC).errorCode());
                return e == Errors.NOT_COORDINATOR || e == Errors.COORDINATOR_LOAD_IN_PROGRESS ? Optional.empty()
                        : Optional.of(true);
            });
            o.put("alter.emptyGroupId", alter(raw, "", TOPIC, 0, 1));
            o.put("delete.emptyGroupId", describe(delete(raw, "", TOPIC)));
            o.put("delete.noSuchGroup", describe(delete(raw, group, TOPIC)));

            o.put("alter.createsTheGroup", alter(raw, group, TOPIC, 0, 3, 1, 5, 2, 0)
                    + " | " + alter(raw, group, MISSING, 0, 1));
            o.put("alter.describedAfter", describeOffsets(raw, group));

            ShareGroupHeartbeatResponseData joined = raw.<ShareGroupHeartbeatResponse>send(
                    new ShareGroupHeartbeatRequest.Builder(new ShareGroupHeartbeatRequestData().setGroupId(group)
                            .setMemberId("diff-member-1").setMemberEpoch(0).setSubscribedTopicNames(List.of(TOPIC))),
                    (short) 1).data();
            o.put("memberJoined", Errors.forCode(joined.errorCode()).name());
            o.put("alter.withAMember", alter(raw, group, TOPIC, 0, 0));
            o.put("delete.withAMember", describe(delete(raw, group, TOPIC)));
            raw.send(new ShareGroupHeartbeatRequest.Builder(new ShareGroupHeartbeatRequestData().setGroupId(group)
                    .setMemberId("diff-member-1").setMemberEpoch(-1).setSubscribedTopicNames(null)), (short) 1);

            o.put("delete.threeTopics", describe(delete(raw, group, TOPIC, UNREAD, MISSING)));
            o.put("delete.describedAfter", describeOffsets(raw, group));
        }
        return o;
    }

    /** AlterShareGroupOffsets of {@code topic} with (partition, start offset) pairs, as a line. */
    private static String alter(RawKafkaClient raw, String group, String topic, long... partitionsAndStarts) {
        AlterShareGroupOffsetsRequestTopic t = new AlterShareGroupOffsetsRequestTopic().setTopicName(topic);
        for (int i = 0; i < partitionsAndStarts.length; i += 2) {
            t.partitions().add(new AlterShareGroupOffsetsRequestPartition()
                    .setPartitionIndex((int) partitionsAndStarts[i]).setStartOffset(partitionsAndStarts[i + 1]));
        }
        AlterShareGroupOffsetsRequestTopicCollection topics = new AlterShareGroupOffsetsRequestTopicCollection();
        topics.add(t);
        AlterShareGroupOffsetsResponseData r = raw.<AlterShareGroupOffsetsResponse>send(
                new AlterShareGroupOffsetsRequest.Builder(new AlterShareGroupOffsetsRequestData().setGroupId(group)
                        .setTopics(topics)), (short) 0).data();
        List<String> parts = new ArrayList<>();
        r.responses().forEach(rt -> rt.partitions().forEach(p -> parts.add(rt.topicName() + "-" + p.partitionIndex()
                + ":" + Errors.forCode(p.errorCode()).name() + (p.errorMessage() == null ? "" : "(" + p.errorMessage()
                + ")") + (rt.topicId().equals(org.apache.kafka.common.Uuid.ZERO_UUID) ? " noId" : ""))));
        parts.sort(String::compareTo);
        return Errors.forCode(r.errorCode()).name() + " " + r.errorMessage() + " " + parts;
    }

    private static DeleteShareGroupOffsetsResponseData delete(RawKafkaClient raw, String group, String... topics) {
        DeleteShareGroupOffsetsRequestData req = new DeleteShareGroupOffsetsRequestData().setGroupId(group);
        for (String t : topics) {
            req.topics().add(new DeleteShareGroupOffsetsRequestTopic().setTopicName(t));
        }
        return raw.<DeleteShareGroupOffsetsResponse>send(new DeleteShareGroupOffsetsRequest.Builder(req), (short) 0)
                .data();
    }

    private static String describe(DeleteShareGroupOffsetsResponseData r) {
        List<String> topics = new ArrayList<>();
        r.responses().forEach(t -> topics.add(t.topicName() + ":" + Errors.forCode(t.errorCode()).name()
                + (t.errorMessage() == null ? "" : "(" + t.errorMessage() + ")")
                + (t.topicId().equals(org.apache.kafka.common.Uuid.ZERO_UUID) ? " noId" : "")));
        topics.sort(String::compareTo);
        return Errors.forCode(r.errorCode()).name() + " " + r.errorMessage() + " " + topics;
    }

    /** Every partition DescribeShareGroupOffsets lists for the group, with its start offset. */
    private static String describeOffsets(RawKafkaClient raw, String group) {
        DescribeShareGroupOffsetsRequestData req = new DescribeShareGroupOffsetsRequestData();
        req.groups().add(new DescribeShareGroupOffsetsRequestGroup().setGroupId(group).setTopics(null));
        DescribeShareGroupOffsetsResponseData r = raw.<DescribeShareGroupOffsetsResponse>send(
                new DescribeShareGroupOffsetsRequest.Builder(req), (short) 1).data();
        List<String> parts = new ArrayList<>();
        r.groups().forEach(g -> {
            parts.add("group:" + Errors.forCode(g.errorCode()).name());
            g.topics().forEach(t -> t.partitions().forEach(p -> parts.add(t.topicName() + "-" + p.partitionIndex()
                    + "@" + p.startOffset() + ":" + Errors.forCode(p.errorCode()).name())));
        });
        parts.sort(String::compareTo);
        return parts.toString();
    }
}
