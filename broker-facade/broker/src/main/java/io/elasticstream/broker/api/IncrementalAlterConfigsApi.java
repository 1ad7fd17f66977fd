package io.elasticstream.broker.api;

import io.elasticstream.broker.config.ConfigChange;
import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigResource;
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
 * IncrementalAlterConfigs (what {@code kafka-configs --alter} sends) for topics and groups: SET, DELETE,
 * APPEND, SUBTRACT (never on groups, as in Kafka 4.4), the result validated as Kafka does (INVALID_CONFIG),
 * persisted at PD unless validateOnly.
 */
final class IncrementalAlterConfigsApi implements RequestHandler {
    private final ConfigAlterations alterations;

    IncrementalAlterConfigsApi(TopicService topics, GroupConfigs groups) {
        this.alterations = new ConfigAlterations(topics, groups);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        IncrementalAlterConfigsRequestData data = ((IncrementalAlterConfigsRequest) request).data();
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(result);
            answers.add(alterations.alterAndAnswer(resource.resourceType(), resource.resourceName(),
                    () -> changes(resource), data.validateOnly(),
                    (code, message) -> result.setErrorCode(code).setErrorMessage(message)));
        }
        return ConfigAlterations.allAnswered(answers).thenApply(v -> response);
    }

    /** The resource's operations applied in order; a config named twice is an invalid request. */
    private static UnaryOperator<Map<String, String>> changes(AlterConfigsResource resource) {
        List<ConfigChange> changes = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (AlterableConfig c : resource.configs()) {
            if (!names.add(c.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            changes.add(new ConfigChange(c.name(), ConfigChange.Op.forId(c.configOperation()), c.value()));
        }
        boolean group = resource.resourceType() == ConfigResource.Type.GROUP.id();
        return overrides -> group ? ConfigChange.applyToGroup(overrides, changes)
                : ConfigChange.apply(overrides, changes);
    }
}
