package io.elasticstream.broker.api;

import io.elasticstream.broker.config.ConfigChange;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * IncrementalAlterConfigs (what {@code kafka-configs --alter} sends) for topics: SET, DELETE, APPEND,
 * SUBTRACT, the result validated as Kafka does (INVALID_CONFIG), persisted at PD unless validateOnly.
 */
final class IncrementalAlterConfigsApi implements RequestHandler {
    private final TopicAlterations alterations;

    IncrementalAlterConfigsApi(TopicService topics) {
        this.alterations = new TopicAlterations(topics);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        IncrementalAlterConfigsRequestData data = ((IncrementalAlterConfigsRequest) request).data();
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            CompletableFuture<TopicInfo> done;
            try {
                List<ConfigChange> changes = new ArrayList<>();
                Set<String> names = new HashSet<>();
                for (AlterableConfig c : resource.configs()) {
                    if (!names.add(c.name())) {
                        throw new InvalidRequestException("Error due to duplicate config keys");
                    }
                    changes.add(new ConfigChange(c.name(), ConfigChange.Op.forId(c.configOperation()), c.value()));
                }
                done = alterations.alter(resource.resourceType(), resource.resourceName(),
                        overrides -> ConfigChange.apply(overrides, changes), data.validateOnly());
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
