package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.AlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * The legacy AlterConfigs for topics: the given configs replace all of the topic's overrides,
 * validated as Kafka does (INVALID_CONFIG), persisted at PD unless validateOnly.
 */
final class AlterConfigsApi implements RequestHandler {
    private final TopicAlterations alterations;

    AlterConfigsApi(TopicService topics) {
        this.alterations = new TopicAlterations(topics);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        AlterConfigsRequestData data = ((AlterConfigsRequest) request).data();
        AlterConfigsResponseData response = new AlterConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            Map<String, String> replacement = new HashMap<>();
            for (AlterableConfig c : resource.configs()) {
                replacement.put(c.name(), c.value());
            }
            CompletableFuture<TopicInfo> done;
            try {
                done = alterations.alter(resource.resourceType(), resource.resourceName(), overrides -> replacement,
                        data.validateOnly());
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            pending.add(done.handle((t, err) -> {
                TopicAlterations.answer(err, (code, message) -> result.setErrorCode(code).setErrorMessage(message));
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
