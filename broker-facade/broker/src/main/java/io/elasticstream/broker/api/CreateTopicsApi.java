package io.elasticstream.broker.api;

import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.config.ResolvedConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * CreateTopics with Kafka's rules: duplicate names in one request are all rejected (INVALID_REQUEST),
 * invalid names, partition counts, replication factors and unknown configs get Kafka's error codes, an
 * existing topic gets TOPIC_ALREADY_EXISTS (also in validate-only mode), and a name that differs from an
 * existing one only in '.' versus '_' gets INVALID_TOPIC_EXCEPTION (they would collide in metric names).
 * Manual replica assignments fix the partition count; placement itself is PD's. A created topic's
 * response carries every topic config with its value and source, as DescribeConfigs would report it.
 * The answer waits (at most the request's timeout, capped at {@value #MAX_OPEN_WAIT_MS} ms) until this
 * broker has opened the new partitions it owns, so that a client's next Metadata or
 * DescribeTopicPartitions shows their leader, as with Kafka, instead of LEADER_NOT_AVAILABLE.
 */
final class CreateTopicsApi implements RequestHandler {
    static final int MAX_OPEN_WAIT_MS = 5_000;

    private final PlacementService placement;
    private final TopicService topics;
    private final ConfigResolver resolver;
    private final PartitionManager partitions;
    private final int nodeId;
    private final ScheduledExecutorService timer;

    CreateTopicsApi(PlacementService placement, TopicService topics, ConfigResolver resolver,
                    PartitionManager partitions, int nodeId, ScheduledExecutorService timer) {
        this.placement = placement;
        this.topics = topics;
        this.resolver = resolver;
        this.partitions = partitions;
        this.nodeId = nodeId;
        this.timer = timer;
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
            pending.add(createOne(t, data.validateOnly(), data.timeoutMs(), liveBrokers, result));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> createOne(CreatableTopic t, boolean validateOnly, int timeoutMs, int liveBrokers,
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
        return topics.all().thenCompose(all -> {
            if (all.stream().anyMatch(existing -> existing.name().equals(t.name()))) {
                fail(result, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + t.name() + "' already exists.");
                return CompletableFuture.completedFuture(null);
            }
            Optional<String> collision = collidingTopic(t.name(), all);
            if (collision.isPresent()) {
                fail(result, Errors.INVALID_TOPIC_EXCEPTION, "Topic '" + t.name() + "' collides with existing topic: "
                        + collision.get());
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<TopicInfo> created;
            try {
                created = topics.create(t.name(), count, rf, configs, liveBrokers, validateOnly);
            } catch (RuntimeException e) {
                created = CompletableFuture.failedFuture(e);
            }
            return created.thenCompose(info -> awaitOwnedPartitionsOpened(info, timeoutMs)).handle((info, err) -> {
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

    /** Completes with {@code info} once the partitions of it this broker owns are open, or after the timeout. */
    private CompletableFuture<TopicInfo> awaitOwnedPartitionsOpened(TopicInfo info, int timeoutMs) {
        if (info == null || timeoutMs <= 0) {
            return CompletableFuture.completedFuture(info);
        }
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        for (PartitionInfo p : info.partitions()) {
            if (p.ownerBrokerId() == nodeId) {
                waits.add(partitions.whenOpened(new TopicPartition(info.name(), p.partition())));
            }
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
        ScheduledFuture<?> deadline = timer.schedule(() -> waits.forEach(w -> w.complete(null)),
                Math.min(timeoutMs, MAX_OPEN_WAIT_MS), TimeUnit.MILLISECONDS);
        return all.thenApply(v -> {
            deadline.cancel(false);
            return info;
        });
    }

    /** The existing topic whose name differs from {@code name} only in '.' versus '_', as Kafka checks it. */
    private static Optional<String> collidingTopic(String name, List<TopicInfo> all) {
        if (!Topic.hasCollisionChars(name)) {
            return Optional.empty();
        }
        String unified = Topic.unifyCollisionChars(name);
        return all.stream().map(TopicInfo::name).filter(n -> Topic.unifyCollisionChars(n).equals(unified)).findFirst();
    }

    /**
     * The configs of the new topic as a v5+ response carries them (clients read this list whenever it
     * succeeded): every topic config, resolved as DescribeConfigs resolves it.
     */
    private List<CreatableTopicConfigs> describeConfigs(Map<String, String> configs) {
        List<CreatableTopicConfigs> out = new ArrayList<>();
        for (ResolvedConfig c : resolver.topic(configs)) {
            out.add(new CreatableTopicConfigs().setName(c.name()).setValue(c.sensitive() ? null : c.value())
                    .setReadOnly(c.readOnly()).setConfigSource(c.source().id()).setIsSensitive(c.sensitive()));
        }
        return out;
    }

    private static void fail(CreatableTopicResult result, Errors error, String message) {
        result.setErrorCode(error.code()).setErrorMessage(message).setNumPartitions(-1).setReplicationFactor((short) -1);
    }
}
