package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * Metadata: brokers, cluster id, controller, and topics with their partitions. A partition's leader is
 * its owner broker; replicas and ISR are that broker alone (replication happens below, in the stream
 * store). Unknown topics are auto-created when both the request and {@code auto.create.topics.enable}
 * allow it, answered like Kafka with LEADER_NOT_AVAILABLE until the next request.
 */
final class MetadataApi implements RequestHandler {
    private final BrokerConfig config;
    private final PlacementService placement;
    private final TopicService topics;
    private final PartitionManager partitions;

    MetadataApi(BrokerConfig config, PlacementService placement, TopicService topics, PartitionManager partitions) {
        this.config = config;
        this.placement = placement;
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        MetadataRequest req = (MetadataRequest) request;
        MetadataRequestData data = req.data();
        short version = context.apiVersion();
        boolean allowAutoCreate = config.autoCreateTopics() && (version < 4 || data.allowAutoTopicCreation());
        return placement.brokers().thenCombine(topics.all(), (brokers, all) -> new Object[] {brokers, all})
                .thenCompose(pair -> {
                    @SuppressWarnings("unchecked")
                    List<BrokerInfo> brokers = (List<BrokerInfo>) pair[0];
                    @SuppressWarnings("unchecked")
                    List<TopicInfo> all = (List<TopicInfo>) pair[1];
                    return answer(req, version, allowAutoCreate,
                            ListenerEndpoints.as(config, brokers, context.listenerName), all);
                });
    }

    private CompletableFuture<ApiMessage> answer(MetadataRequest req, short version, boolean allowAutoCreate,
                                                 List<BrokerInfo> brokers, List<TopicInfo> all) {
        MetadataResponseData response = new MetadataResponseData()
                .setThrottleTimeMs(0)
                .setClusterId(config.clusterId())
                .setControllerId(config.nodeId());
        for (BrokerInfo b : brokers) {
            response.brokers().add(new MetadataResponseBroker().setNodeId(b.id()).setHost(b.host()).setPort(b.port()));
        }
        Map<String, TopicInfo> byName = new HashMap<>();
        Map<Uuid, TopicInfo> byId = new HashMap<>();
        all.forEach(t -> {
            byName.put(t.name(), t);
            byId.put(TopicService.kafkaId(t.topicId()), t);
        });
        if (req.isAllTopics()) {
            all.forEach(t -> response.topics().add(describe(t)));
            return CompletableFuture.completedFuture(response);
        }
        List<CompletableFuture<?>> creations = new ArrayList<>();
        for (MetadataRequestData.MetadataRequestTopic requested : req.data().topics()) {
            String name = requested.name();
            // Kafka looks a topic up by id whenever the id is set: kafka-clients 4.x send an empty name (not
            // null) with the id (Admin.describeTopics(TopicCollection.ofTopicIds(...))).
            if (name == null || name.isEmpty() && !Uuid.ZERO_UUID.equals(requested.topicId())) {
                Uuid id = requested.topicId();
                TopicInfo t = byId.get(id);
                response.topics().add(t != null ? describe(t) : new MetadataResponseTopic().setTopicId(id)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setIsInternal(false));
                continue;
            }
            TopicInfo t = byName.get(name);
            if (t != null) {
                response.topics().add(describe(t));
            } else if (!Topic.isValid(name)) {
                response.topics().add(error(name, Errors.INVALID_TOPIC_EXCEPTION));
            } else if (allowAutoCreate) {
                MetadataResponseTopic pending = error(name, Errors.LEADER_NOT_AVAILABLE);
                response.topics().add(pending);
                creations.add(autoCreate(name, brokers.size(), pending));
            } else {
                response.topics().add(error(name, Errors.UNKNOWN_TOPIC_OR_PARTITION));
            }
        }
        return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> autoCreate(String name, int liveBrokers, MetadataResponseTopic answer) {
        try {
            return topics.create(name, -1, (short) -1, Map.of(), liveBrokers, false).handle((created, err) -> {
                if (err != null) {
                    Errors e = ErrorMapper.toErrors(err);
                    // Lost a race with another creator: the topic exists, so the client just retries.
                    answer.setErrorCode(e == Errors.TOPIC_ALREADY_EXISTS ? Errors.LEADER_NOT_AVAILABLE.code() : e.code());
                } else {
                    answer.setTopicId(TopicService.kafkaId(created.topicId()));
                }
                return null;
            });
        } catch (InvalidTopicException e) {
            answer.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
            return CompletableFuture.completedFuture(null);
        }
    }

    private static MetadataResponseTopic error(String name, Errors error) {
        return new MetadataResponseTopic().setName(name).setErrorCode(error.code())
                .setIsInternal(Topic.isInternal(name));
    }

    private MetadataResponseTopic describe(TopicInfo t) {
        MetadataResponseTopic topic = new MetadataResponseTopic()
                .setName(t.name())
                .setTopicId(TopicService.kafkaId(t.topicId()))
                .setErrorCode(Errors.NONE.code())
                .setIsInternal(Topic.isInternal(t.name()));
        for (PartitionInfo p : t.partitions()) {
            TopicPartition tp = new TopicPartition(t.name(), p.partition());
            boolean selfOwned = p.ownerBrokerId() == config.nodeId();
            // While this broker is still opening a partition it owns, clients should wait and retry.
            Errors error = selfOwned && partitions.get(tp) == null ? Errors.LEADER_NOT_AVAILABLE : Errors.NONE;
            topic.partitions().add(new MetadataResponsePartition()
                    .setErrorCode(error.code())
                    .setPartitionIndex(p.partition())
                    .setLeaderId(error == Errors.NONE ? p.ownerBrokerId() : -1)
                    .setLeaderEpoch(p.leaderEpoch())
                    .setReplicaNodes(List.of(p.ownerBrokerId()))
                    .setIsrNodes(List.of(p.ownerBrokerId()))
                    .setOfflineReplicas(List.of()));
        }
        return topic;
    }
}
