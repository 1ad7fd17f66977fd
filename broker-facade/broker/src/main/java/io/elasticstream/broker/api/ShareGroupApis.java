package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.group.TopicImage;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData;
import org.apache.kafka.common.message.ShareGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ShareGroupHeartbeatRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.ShareGroupDescribeRequest;
import org.apache.kafka.common.requests.ShareGroupHeartbeatRequest;

/**
 * The KIP-932 share group membership APIs: ShareGroupHeartbeat and ShareGroupDescribe, answered by the
 * {@link GroupCoordinator}. A heartbeat that sets a subscription (or reaches a coordinator with no topic image
 * yet) reads the topics first; {@link ConsumerGroupApis} keeps the image fresh while groups are loaded.
 */
final class ShareGroupApis {
    private final TopicService topics;
    private final GroupCoordinator coordinator;

    ShareGroupApis(TopicService topics, GroupCoordinator coordinator) {
        this.topics = topics;
        this.coordinator = coordinator;
    }

    CompletableFuture<ApiMessage> heartbeat(RequestContext context, AbstractRequest request) {
        ShareGroupHeartbeatRequestData req = ((ShareGroupHeartbeatRequest) request).data();
        String host = context.clientAddress == null ? "" : context.clientAddress.toString();
        CompletableFuture<TopicImage> fresh = req.subscribedTopicNames() != null || coordinator.topics() == null
                ? ConsumerGroupApis.image(topics).exceptionally(e -> null) : CompletableFuture.completedFuture(null);
        return fresh.thenCompose(image -> coordinator.shareGroupHeartbeat(req, context.clientId(), host, image))
                .thenApply(r -> r.setThrottleTimeMs(0));
    }

    CompletableFuture<ApiMessage> describe(RequestContext context, AbstractRequest request) {
        List<String> ids = ((ShareGroupDescribeRequest) request).data().groupIds();
        List<CompletableFuture<DescribedGroup>> described = new ArrayList<>();
        ids.forEach(id -> described.add(coordinator.shareGroupDescribe(id)));
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ShareGroupDescribeResponseData response = new ShareGroupDescribeResponseData().setThrottleTimeMs(0);
            described.forEach(f -> response.groups().add(f.join()));
            return response;
        });
    }
}
