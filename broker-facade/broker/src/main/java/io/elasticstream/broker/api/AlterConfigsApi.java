package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
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
 * The legacy AlterConfigs for topics and groups: the given configs replace all of the resource's overrides,
 * validated as Kafka does (INVALID_CONFIG), persisted at PD unless validateOnly.
 */
final class AlterConfigsApi implements RequestHandler {
    private final ConfigAlterations alterations;

    AlterConfigsApi(TopicService topics, GroupConfigs groups) {
        this.alterations = new ConfigAlterations(topics, groups);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        AlterConfigsRequestData data = ((AlterConfigsRequest) request).data();
        AlterConfigsResponseData response = new AlterConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            answers.add(alterations.alterAndAnswer(resource.resourceType(), resource.resourceName(),
                    () -> replacement(resource), data.validateOnly(),
                    (code, message) -> result.setErrorCode(code).setErrorMessage(message)));
        }
        return ConfigAlterations.allAnswered(answers).thenApply(v -> response);
    }

    /** The resource's configs, which replace all of its current overrides. */
    private static UnaryOperator<Map<String, String>> replacement(AlterConfigsResource resource) {
        Map<String, String> replacement = new HashMap<>();
        for (AlterableConfig c : resource.configs()) {
            replacement.put(c.name(), c.value());
        }
        return overrides -> replacement;
    }
}
