package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.group.TopicImage;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The KIP-848 consumer group APIs: ConsumerGroupHeartbeat and ConsumerGroupDescribe, answered by the
 * {@link GroupCoordinator}. Keeps the coordinator's {@link TopicImage} fresh: a heartbeat that changes a
 * subscription (or reaches a coordinator that has no image yet) first reads the topics, and while consumer groups are loaded the topics are read every
 * second, so that a new topic matching a regex, or new partitions of a subscribed topic, rebalance the group.
 */
final class ConsumerGroupApis {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupApis.class);
    static final long TOPIC_REFRESH_MS = 1_000;
    private final TopicService topics;
    private final GroupCoordinator coordinator;

    ConsumerGroupApis(TopicService topics, GroupCoordinator coordinator, ScheduledExecutorService timer) {
        this.topics = topics;
        this.coordinator = coordinator;
        timer.scheduleWithFixedDelay(this::refreshTopics, TOPIC_REFRESH_MS, TOPIC_REFRESH_MS, TimeUnit.MILLISECONDS);
    }

    private void refreshTopics() {
        if (coordinator.hasConsumerGroups()) {
            image().thenCompose(coordinator::updateTopics).exceptionally(e -> {
                LOG.debug("Refreshing the topics of consumer groups failed: {}", e.toString());
                return null;
            });
        }
    }

    private CompletableFuture<TopicImage> image() {
        return image(topics);
    }

    /** The topics as the group coordinator sees them. */
    static CompletableFuture<TopicImage> image(TopicService topics) {
        return topics.all().thenApply(all -> TopicImage.of(all.stream().map(t -> new TopicImage.Topic(
                TopicService.kafkaId(t.topicId()), t.name(), t.partitionCount())).toList()));
    }

    CompletableFuture<ApiMessage> heartbeat(RequestContext context, AbstractRequest request) {
        ConsumerGroupHeartbeatRequestData req = ((ConsumerGroupHeartbeatRequest) request).data();
        String host = context.clientAddress == null ? "" : context.clientAddress.toString();
        boolean subscribes = req.subscribedTopicNames() != null || req.subscribedTopicRegex() != null;
        CompletableFuture<TopicImage> fresh = subscribes || coordinator.topics() == null ? image().exceptionally(e -> null)
                : CompletableFuture.completedFuture(null);
        return fresh.thenCompose(image -> coordinator.consumerGroupHeartbeat(req, context.apiVersion(),
                context.clientId(), host, image)).thenApply(r -> r.setThrottleTimeMs(0));
    }

    CompletableFuture<ApiMessage> describe(RequestContext context, AbstractRequest request) {
        List<String> ids = ((ConsumerGroupDescribeRequest) request).data().groupIds();
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        ids.forEach(id -> described.add(coordinator.consumerGroupDescribe(id)));
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ConsumerGroupDescribeResponseData response = new ConsumerGroupDescribeResponseData().setThrottleTimeMs(0);
            described.forEach(f -> response.groups().add(f.join()));
            return response;
        });
    }
}
