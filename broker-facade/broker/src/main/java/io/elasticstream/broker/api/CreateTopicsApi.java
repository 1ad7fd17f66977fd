package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * CreateTopics with Kafka's rules: duplicate names in one request are all rejected (INVALID_REQUEST),
 * invalid names, partition counts, replication factors and unknown configs get Kafka's error codes, an
 * existing topic gets TOPIC_ALREADY_EXISTS (also in validate-only mode). Manual replica assignments
 * fix the partition count; placement itself is PD's.
 */
final class CreateTopicsApi implements RequestHandler {
    private final PlacementService placement;
    private final TopicService topics;

    CreateTopicsApi(PlacementService placement, TopicService topics) {
        this.placement = placement;
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        CreateTopicsRequestData data = ((CreateTopicsRequest) request).data();
        return placement.brokers().thenCompose(brokers -> create(data, brokers.size()));
    }

    private CompletableFuture<ApiMessage> create(CreateTopicsRequestData data, int liveBrokers) {
        CreateTopicsResponseData response = new CreateTopicsResponseData().setThrottleTimeMs(0);
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatableTopic t : data.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (CreatableTopic t : data.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(t.name()).setNumPartitions(-1)
                    .setReplicationFactor((short) -1).setConfigs(null);
            response.topics().add(result);
            if (duplicates.contains(t.name())) {
                fail(result, Errors.INVALID_REQUEST, "Create topics request from client contains multiple entries "
                        + "for the topic " + t.name());
                continue;
            }
            pending.add(createOne(t, data.validateOnly(), liveBrokers, result));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> createOne(CreatableTopic t, boolean validateOnly, int liveBrokers,
                                              CreatableTopicResult result) {
        int partitions = t.numPartitions();
        short replicationFactor = t.replicationFactor();
        if (!t.assignments().isEmpty()) {
            if (partitions != -1 || replicationFactor != -1) {
                fail(result, Errors.INVALID_REQUEST, "Both numPartitions or replicationFactor and replicasAssignments "
                        + "were set. Both cannot be used at the same time.");
                return CompletableFuture.completedFuture(null);
            }
            partitions = t.assignments().size();
            replicationFactor = (short) t.assignments().iterator().next().brokerIds().size();
        }
        Map<String, String> configs = new HashMap<>();
        t.configs().forEach(c -> configs.put(c.name(), c.value()));
        int count = partitions;
        short rf = replicationFactor;
        return topics.byName(t.name()).thenCompose(existing -> {
            if (existing.isPresent()) {
                fail(result, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + t.name() + "' already exists.");
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<TopicInfo> created;
            try {
                created = topics.create(t.name(), count, rf, configs, liveBrokers, validateOnly);
            } catch (RuntimeException e) {
                created = CompletableFuture.failedFuture(e);
            }
            return created.handle((info, err) -> {
                if (err != null) {
                    Errors e = ErrorMapper.toErrors(err);
                    String message = e == Errors.TOPIC_ALREADY_EXISTS ? "Topic '" + t.name() + "' already exists."
                            : ErrorMapper.message(err, e);
                    fail(result, e, message);
                } else {
                    result.setNumPartitions(count == -1 ? topics.defaultPartitions() : count)
                            .setReplicationFactor(rf == -1 ? 1 : rf)
                            .setConfigs(describeConfigs(configs));
                    if (info != null) {
                        result.setTopicId(TopicService.kafkaId(info.topicId()));
                    }
                }
                return null;
            });
        });
    }

    /**
     * The configs of the new topic as a v5+ response carries them (clients read this list whenever it
     * succeeded). Today: the overrides given at creation, as dynamic topic configs; the full list with
     * Kafka's defaults comes with DescribeConfigs.
     */
    private static List<CreatableTopicConfigs> describeConfigs(Map<String, String> configs) {
        List<CreatableTopicConfigs> out = new ArrayList<>();
        configs.forEach((name, value) -> out.add(new CreatableTopicConfigs().setName(name).setValue(value)
                .setReadOnly(false).setConfigSource(ConfigSource.TOPIC_CONFIG.id()).setIsSensitive(false)));
        return out;
    }

    private static void fail(CreatableTopicResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message).setNumPartitions(-1).setReplicationFactor((short) -1);
    }
}
