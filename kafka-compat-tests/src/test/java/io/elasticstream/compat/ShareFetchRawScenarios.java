package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ShareAcknowledgeRequestData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchRequestData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareAcknowledgeRequest;
import org.apache.kafka.common.requests.ShareAcknowledgeResponse;
import org.apache.kafka.common.requests.ShareFetchRequest;
import org.apache.kafka.common.requests.ShareFetchResponse;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatResponse;

/**
 * Differential scenario for the share-fetch path (KIP-932) on the wire: a member's share session opened,
 * moved on and closed, the records it acquires and acknowledges, and what ShareFetch v1 and ShareAcknowledge
 * v1 answer to requests outside the rules (no session, a wrong epoch, acknowledgements in the first request,
 * records the member does not hold, an unknown topic id).
 */
final class ShareFetchRawScenarios {
    private static final short VERSION = 1;
    private static final byte ACCEPT = 1;
    private static final byte RELEASE = 2;

    private ShareFetchRawScenarios() {
    }

    static Observation sessionsAndAcknowledgements(String bootstrap) {
        Observation o = new Observation(bootstrap);
        String group = "diff-share-fetch";
        String topic = group + "-topic";
        Clients.createTopic(bootstrap, topic, 1);
        Uuid topicId = Clients.describeTopic(bootstrap, topic).topicId();
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            raw.awaitCoordinator(RawKafkaClient.GROUP, group);
            String member = joined(raw, group, topic);
            o.put("fetch.emptyGroupId", fetchAnswer(raw, fetch("", member, 0, topicId)));
            o.put("fetch.emptyMemberId", fetchAnswer(raw, fetch(group, "", 0, topicId)));
            o.put("fetch.noSession", fetchAnswer(raw, fetch(group, member, 4, topicId)));
            o.put("fetch.acksInFirstRequest", fetchAnswer(raw, withAck(fetch(group, member, 0, topicId), 0, 0, ACCEPT)));
            o.put("acknowledge.epoch0", ackAnswer(raw, acknowledge(group, member, 0, topicId, 0, 0, ACCEPT)));
            // Kafka answers the session's partition in the first fetch only once its share-partition is set up,
            // which may take longer than the fetch waits: only the errors are compared.
            o.put("fetch.open", fetchErrors(raw, fetch(group, member, 0, topicId)));
            o.put("fetch.wrongEpoch", fetchAnswer(raw, fetch(group, member, 7, topicId)));
            o.put("fetch.unknownTopicId", fetchAnswer(raw, fetch(group, member, 1, Uuid.randomUuid())));
            int[] epoch = {2};
            // The share-partition starts at the end of the log (share.auto.offset.reset=latest) once set up:
            // produce until a fetch acquires what was produced after it.
            ShareFetchResponseData.PartitionData got = ScenarioSupport.await("records acquired", () -> {
                produce(bootstrap, topic, 3);
                ShareFetchResponseData r = send(raw, fetch(group, member, epoch[0]++, topicId).setMaxWaitMs(2_000));
                ShareFetchResponseData.PartitionData p = partitionOf(r, topicId);
                return p != null && !p.acquiredRecords().isEmpty() ? Optional.of(p) : Optional.empty();
            });
            ShareFetchResponseData.AcquiredRecords first = got.acquiredRecords().getFirst();
            o.put("fetch.acquired", "records=" + (first.lastOffset() - first.firstOffset() + 1)
                    + " deliveryCount=" + first.deliveryCount());
            long offset = first.firstOffset();
            o.put("acknowledge.notHeld", ackAnswer(raw, acknowledge(group, member, epoch[0]++, topicId, offset + 100,
                    offset + 100, ACCEPT)));
            o.put("acknowledge.release", ackAnswer(raw, acknowledge(group, member, epoch[0]++, topicId, offset,
                    offset, RELEASE)));
            ShareFetchResponseData again = send(raw, fetch(group, member, epoch[0]++, topicId));
            ShareFetchResponseData.PartitionData redelivered = partitionOf(again, topicId);
            o.put("fetch.redelivered", redelivered == null ? "nothing" : describeAcquired(redelivered));
            o.put("acknowledge.acceptAll", ackAnswer(raw, acknowledge(group, member, epoch[0]++, topicId, offset,
                    first.lastOffset(), ACCEPT)));
            o.put("acknowledge.twice", ackAnswer(raw, acknowledge(group, member, epoch[0]++, topicId, offset,
                    offset, ACCEPT)));
            o.put("fetch.close", fetchAnswer(raw, new ShareFetchRequestData().setGroupId(group).setMemberId(member)
                    .setShareSessionEpoch(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(500)
                    .setBatchSize(500)));
            o.put("fetch.afterClose", fetchAnswer(raw, fetch(group, member, epoch[0], topicId)));
        }
        return o;
    }

    private static String joined(RawKafkaClient raw, String group, String topic) {
        String member = Uuid.randomUuid().toString();
        ScenarioSupport.await("the member joined", () -> {
            ShareGroupHeartbeatResponse r = raw.send(new ShareGroupHeartbeatRequest.Builder(
                    new ShareGroupHeartbeatRequestData().setGroupId(group).setMemberId(member).setMemberEpoch(0)
                            .setSubscribedTopicNames(List.of(topic))), VERSION);
            return r.data().errorCode() == 0 ? Optional.of(true) : Optional.empty();
        });
        return member;
    }

    private static void produce(String bootstrap, String topic, int records) {
        try (KafkaProducer<byte[], byte[]> p = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(topic, 0, Payloads.key(0, i), Payloads.value(0, i, 16)));
            }
            p.flush();
        }
    }

    private static ShareFetchRequestData fetch(String group, String member, int epoch, Uuid topicId) {
        ShareFetchRequestData.FetchTopicCollection topics = new ShareFetchRequestData.FetchTopicCollection();
        ShareFetchRequestData.FetchPartitionCollection partitions = new ShareFetchRequestData.FetchPartitionCollection();
        partitions.add(new ShareFetchRequestData.FetchPartition().setPartitionIndex(0));
        topics.add(new ShareFetchRequestData.FetchTopic().setTopicId(topicId).setPartitions(partitions));
        return new ShareFetchRequestData().setGroupId(group).setMemberId(member).setShareSessionEpoch(epoch)
                .setMaxWaitMs(200).setMinBytes(1).setMaxBytes(1 << 20).setMaxRecords(500).setBatchSize(500)
                .setTopics(topics);
    }

    private static ShareFetchRequestData withAck(ShareFetchRequestData req, long first, long last, byte type) {
        req.topics().iterator().next().partitions().iterator().next().setAcknowledgementBatches(List.of(
                new ShareFetchRequestData.AcknowledgementBatch().setFirstOffset(first).setLastOffset(last)
                        .setAcknowledgeTypes(List.of(type))));
        return req;
    }

    private static ShareAcknowledgeRequestData acknowledge(String group, String member, int epoch, Uuid topicId,
                                                           long first, long last, byte type) {
        ShareAcknowledgeRequestData.AcknowledgeTopicCollection topics =
                new ShareAcknowledgeRequestData.AcknowledgeTopicCollection();
        ShareAcknowledgeRequestData.AcknowledgePartitionCollection partitions =
                new ShareAcknowledgeRequestData.AcknowledgePartitionCollection();
        partitions.add(new ShareAcknowledgeRequestData.AcknowledgePartition().setPartitionIndex(0)
                .setAcknowledgementBatches(List.of(new ShareAcknowledgeRequestData.AcknowledgementBatch()
                        .setFirstOffset(first).setLastOffset(last).setAcknowledgeTypes(List.of(type)))));
        topics.add(new ShareAcknowledgeRequestData.AcknowledgeTopic().setTopicId(topicId).setPartitions(partitions));
        return new ShareAcknowledgeRequestData().setGroupId(group).setMemberId(member).setShareSessionEpoch(epoch)
                .setTopics(topics);
    }

    private static ShareFetchResponseData send(RawKafkaClient raw, ShareFetchRequestData req) {
        ShareFetchResponse r = raw.send(new ShareFetchRequest.Builder(req), VERSION);
        return r.data();
    }

    /** The top-level error, then per partition its error, acknowledgement error and acquired ranges. */
    private static String fetchAnswer(RawKafkaClient raw, ShareFetchRequestData req) {
        ShareFetchResponseData r = send(raw, req);
        List<String> parts = new ArrayList<>();
        r.responses().forEach(t -> t.partitions().forEach(p -> parts.add(Errors.forCode(p.errorCode()).name()
                + "/ack=" + Errors.forCode(p.acknowledgeErrorCode()).name())));
        return Errors.forCode(r.errorCode()).name() + " partitions=" + parts;
    }

    /** The answer's error and its partitions' errors other than NONE (whichever partitions it lists). */
    private static String fetchErrors(RawKafkaClient raw, ShareFetchRequestData req) {
        ShareFetchResponseData r = send(raw, req);
        List<String> errors = new ArrayList<>();
        r.responses().forEach(t -> t.partitions().forEach(p -> {
            if (p.errorCode() != Errors.NONE.code() || p.acknowledgeErrorCode() != Errors.NONE.code()) {
                errors.add(Errors.forCode(p.errorCode()).name() + "/ack="
                        + Errors.forCode(p.acknowledgeErrorCode()).name());
            }
        }));
        return Errors.forCode(r.errorCode()).name() + " partitionErrors=" + errors;
    }

    private static ShareFetchResponseData.PartitionData partitionOf(ShareFetchResponseData r, Uuid topicId) {
        ShareFetchResponseData.ShareFetchableTopicResponse t = r.responses().find(topicId);
        return t == null || t.partitions().isEmpty() ? null : t.partitions().getFirst();
    }

    private static String describeAcquired(ShareFetchResponseData.PartitionData p) {
        List<String> ranges = new ArrayList<>();
        long base = p.acquiredRecords().isEmpty() ? 0 : p.acquiredRecords().getFirst().firstOffset();
        p.acquiredRecords().forEach(a -> ranges.add("+" + (a.firstOffset() - base) + "..+" + (a.lastOffset() - base)
                + "@" + a.deliveryCount()));
        return Errors.forCode(p.errorCode()).name() + " " + ranges;
    }

    private static String ackAnswer(RawKafkaClient raw, ShareAcknowledgeRequestData req) {
        ShareAcknowledgeResponse r = raw.send(new ShareAcknowledgeRequest.Builder(req), VERSION);
        List<String> parts = new ArrayList<>();
        r.data().responses().forEach(t -> t.partitions().forEach(p -> parts.add(Errors.forCode(p.errorCode()).name())));
        return Errors.forCode(r.data().errorCode()).name() + " partitions=" + parts;
    }
}
