package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: resource checks, read-modify-write of a topic's or a
 * group's overrides, each resource altered and answered on its own, error answer.
 */
final class ConfigAlterations {
    private final TopicService topics;
    private final GroupConfigs groups;

    ConfigAlterations(TopicService topics, GroupConfigs groups) {
        this.topics = topics;
        this.groups = groups;
    }

    /**
     * Alters the overrides of topic or group {@code name} to {@code change(current overrides)} (validated as
     * Kafka validates them). Brokers have no dynamic configs here: altering one is refused as Kafka refuses
     * read-only configs.
     */
    CompletableFuture<?> alter(byte resourceType, String name, UnaryOperator<Map<String, String>> change,
                               boolean validateOnly) {
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.BROKER) {
            throw new InvalidRequestException("Cannot update these configs dynamically: this broker has no "
                    + "dynamic broker configs");
        }
        if (type == ConfigResource.Type.GROUP) {
            return groups.alter(name, change, validateOnly);
        }
        if (type != ConfigResource.Type.TOPIC) {
            throw new InvalidRequestException("Unsupported resource type: " + type);
        }
        Topic.validate(name);
        return topics.byName(name).thenCompose(t -> {
            TopicInfo topic = t.orElseThrow(
                    () -> new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist."));
            return topics.alterConfigs(name, change.apply(topic.configs()), validateOnly);
        });
    }

    /**
     * Alters one resource of a request and answers it in {@code result}: {@code change} is built first
     * (it may throw for a malformed resource), and any failure fails this resource alone.
     */
    CompletableFuture<Void> alterAndAnswer(byte resourceType, String name,
                                           Supplier<UnaryOperator<Map<String, String>>> change,
                                           boolean validateOnly, BiConsumer<Short, String> result) {
        CompletableFuture<?> done;
        try {
            done = alter(resourceType, name, change.get(), validateOnly);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        return done.handle((t, err) -> {
            answer(err, result);
            return null;
        });
    }

    /** Completes when every resource of a request has been answered. */
    static CompletableFuture<Void> allAnswered(List<CompletableFuture<Void>> answers) {
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
    }

    /** Sets the error code and message of a result from {@code error} (null: success). */
    static void answer(Throwable error, BiConsumer<Short, String> result) {
        if (error == null) {
            result.accept(Errors.NONE.code(), null);
            return;
        }
        Errors e = ErrorMapper.toErrors(error);
        result.accept(e.code(), ErrorMapper.message(error, e));
    }
}
