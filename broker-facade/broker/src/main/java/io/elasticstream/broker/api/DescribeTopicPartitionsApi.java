package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeTopicPartitions v0 (KIP-966) as Kafka 4.4 answers it: the requested topics (all topics for
 * an empty list) in name order, from the cursor on, at most {@code responsePartitionLimit} partitions
 * (capped at Kafka's default {@code max.request.partition.size.limit}, 2000), with a next cursor when
 * partitions remain. Requested topics that do not exist get UNKNOWN_TOPIC_OR_PARTITION. Partitions are
 * described as in Metadata: the owner broker is leader, sole replica and ISR; no ELR.
 */
final class DescribeTopicPartitionsApi implements RequestHandler {
    private static final int MAX_PARTITIONS_PER_RESPONSE = 2000;
    /** Kafka's {@code AclEntry.supportedOperations(TOPIC)}: all of them, as there is no authorizer. */
    private static final int TOPIC_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.READ.code(),
            AclOperation.WRITE.code(), AclOperation.CREATE.code(), AclOperation.DESCRIBE.code(),
            AclOperation.DELETE.code(), AclOperation.ALTER.code(), AclOperation.DESCRIBE_CONFIGS.code(),
            AclOperation.ALTER_CONFIGS.code()));

    private final BrokerConfig config;
    private final TopicService topics;
    private final PartitionManager partitions;

    DescribeTopicPartitionsApi(BrokerConfig config, TopicService topics, PartitionManager partitions) {
        this.config = config;
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeTopicPartitionsRequestData data = ((DescribeTopicPartitionsRequest) request).data();
        return topics.all().thenApply(all -> answer(data, all));
    }

    private DescribeTopicPartitionsResponseData answer(DescribeTopicPartitionsRequestData data, List<TopicInfo> all) {
        Map<String, TopicInfo> byName = new TreeMap<>();
        all.forEach(t -> byName.put(t.name(), t));
        boolean everyTopic = data.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (everyTopic) {
            names.addAll(byName.keySet());
        } else {
            data.topics().forEach(t -> names.add(t.name()));
        }
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String startTopic = cursor == null ? null : cursor.topicName();
        int startPartition = cursor == null ? 0 : Math.max(0, cursor.partitionIndex());
        int remaining = Math.min(Math.max(data.responsePartitionLimit(), 1), MAX_PARTITIONS_PER_RESPONSE);

        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData().setThrottleTimeMs(0)
                .setNextCursor(null);
        List<String> ordered = new ArrayList<>(startTopic == null ? names : names.tailSet(startTopic));
        for (int i = 0; i < ordered.size(); i++) {
            String name = ordered.get(i);
            TopicInfo topic = byName.get(name);
            if (topic == null) {
                Errors error = Topic.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
                response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                        .setErrorCode(error.code()).setIsInternal(false));
                continue;
            }
            if (remaining == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            int first = name.equals(startTopic) ? startPartition : 0;
            DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic().setName(name)
                    .setTopicId(TopicService.kafkaId(topic.topicId())).setErrorCode(Errors.NONE.code())
                    .setIsInternal(Topic.isInternal(name)).setTopicAuthorizedOperations(TOPIC_OPERATIONS);
            response.topics().add(out);
            int p = first;
            for (; p < topic.partitionCount() && remaining > 0; p++, remaining--) {
                out.partitions().add(describe(topic.name(), topic.partitions().get(p)));
            }
            if (p < topic.partitionCount()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(p));
                break;
            }
        }
        return response;
    }

    private DescribeTopicPartitionsResponsePartition describe(String topic, PartitionInfo p) {
        boolean selfOwned = p.ownerBrokerId() == config.nodeId();
        Errors error = selfOwned && partitions.get(new TopicPartition(topic, p.partition())) == null
                ? Errors.LEADER_NOT_AVAILABLE : Errors.NONE;
        return new DescribeTopicPartitionsResponsePartition()
                .setErrorCode(error.code())
                .setPartitionIndex(p.partition())
                .setLeaderId(error == Errors.NONE ? p.ownerBrokerId() : -1)
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(List.of(p.ownerBrokerId()))
                .setIsrNodes(List.of(p.ownerBrokerId()))
                .setEligibleLeaderReplicas(List.of())
                .setLastKnownElr(List.of())
                .setOfflineReplicas(List.of());
    }
}
