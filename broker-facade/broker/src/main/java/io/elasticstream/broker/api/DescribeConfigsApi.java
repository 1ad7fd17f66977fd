package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.config.ResolvedConfig;
import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeConfigsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * DescribeConfigs for topics (every Kafka topic config, with its source: topic override, static broker
 * synonym or Kafka's default), for groups (every group config, with its source: group override, static
 * broker synonym or Kafka's default; any group, existing or not, as in Kafka) and for this broker (its
 * settings, read-only). Unknown topics get UNKNOWN_TOPIC_OR_PARTITION; the empty group name, another
 * broker's id or other resource types get INVALID_REQUEST, as Kafka answers them.
 */
final class DescribeConfigsApi implements RequestHandler {
    private final BrokerConfig config;
    private final TopicService topics;
    private final GroupConfigs groups;
    private final ConfigResolver resolver;

    DescribeConfigsApi(BrokerConfig config, TopicService topics, GroupConfigs groups) {
        this.config = config;
        this.topics = topics;
        this.groups = groups;
        this.resolver = BrokerSettings.resolver(config);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeConfigsRequestData data = ((DescribeConfigsRequest) request).data();
        short version = context.apiVersion();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(Errors.NONE.code());
            response.results().add(result);
            CompletableFuture<List<ResolvedConfig>> configs;
            try {
                configs = describe(resource);
            } catch (RuntimeException e) {
                configs = CompletableFuture.failedFuture(e);
            }
            pending.add(configs.handle((list, err) -> {
                if (err != null) {
                    Errors error = ErrorMapper.toErrors(err);
                    result.setErrorCode(error.code()).setErrorMessage(ErrorMapper.message(err, error));
                } else {
                    // As Kafka: no keys, or an empty list of them, asks for every config.
                    Set<String> keys = resource.configurationKeys() == null || resource.configurationKeys().isEmpty()
                            ? null : new HashSet<>(resource.configurationKeys());
                    for (ResolvedConfig c : list) {
                        if (keys == null || keys.contains(c.name())) {
                            result.configs().add(toResult(c, version, data.includeSynonyms(),
                                    data.includeDocumentation()));
                        }
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<List<ResolvedConfig>> describe(DescribeConfigsResource resource) {
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        String name = resource.resourceName();
        return switch (type) {
            case TOPIC -> {
                Topic.validate(name);
                yield topics.byName(name).thenApply(t -> resolver.topic(t.orElseThrow(
                        () -> new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."))
                        .configs()));
            }
            case BROKER -> {
                checkBrokerId(name);
                yield CompletableFuture.completedFuture(resolver.broker());
            }
            case GROUP -> {
                if (name == null || name.isEmpty()) {
                    throw new InvalidRequestException("Group name must not be empty");
                }
                yield groups.overrides(name).thenApply(resolver::group);
            }
            default -> throw new InvalidRequestException("Unsupported resource type: " + type);
        };
    }

    /** Kafka accepts its own id or the empty name (cluster-wide defaults), nothing else. */
    private void checkBrokerId(String name) {
        if (name == null || name.isEmpty()) {
            return;
        }
        int id;
        try {
            id = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
        if (id != config.nodeId()) {
            throw new InvalidRequestException("Unexpected broker id, expected " + config.nodeId()
                    + " or empty string, but received " + name);
        }
    }

    private static DescribeConfigsResourceResult toResult(ResolvedConfig c, short version, boolean includeSynonyms,
                                                          boolean includeDocumentation) {
        DescribeConfigsResourceResult r = new DescribeConfigsResourceResult().setName(c.name()).setValue(c.value())
                .setReadOnly(c.readOnly()).setIsSensitive(c.sensitive()).setConfigSource(c.source().id());
        if (includeSynonyms) {
            for (ResolvedConfig.Synonym s : c.synonyms()) {
                r.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value())
                        .setSource(s.source().id()));
            }
        }
        if (version >= 3) {
            r.setConfigType(c.type().id()).setDocumentation(includeDocumentation ? c.documentation() : null);
        }
        return r;
    }
}
