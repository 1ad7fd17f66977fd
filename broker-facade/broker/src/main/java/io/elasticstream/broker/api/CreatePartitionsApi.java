package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * CreatePartitions ({@code kafka-topics --alter --partitions N}): increases only (INVALID_PARTITIONS
 * otherwise); PD creates and assigns the new partitions' streams, and the owning brokers open them
 * through their partition watch. Every requested topic is echoed in the response.
 */
final class CreatePartitionsApi implements RequestHandler {
    private final TopicService topics;

    CreatePartitionsApi(TopicService topics) {
        this.topics = topics;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        CreatePartitionsRequestData data = ((CreatePartitionsRequest) request).data();
        CreatePartitionsResponseData response = new CreatePartitionsResponseData().setThrottleTimeMs(0);
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new HashSet<>();
        for (CreatePartitionsTopic t : data.topics()) {
            if (!seen.add(t.name())) {
                duplicates.add(t.name());
            }
        }
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Set<String> answered = new HashSet<>();
        for (CreatePartitionsTopic t : data.topics()) {
            if (duplicates.contains(t.name())) {
                if (answered.add(t.name())) {
                    response.results().add(new CreatePartitionsTopicResult().setName(t.name())
                            .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic in request."));
                }
                continue;
            }
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(t.name());
            response.results().add(result);
            CompletableFuture<TopicInfo> done;
            try {
                done = topics.createPartitions(t.name(), t.count(),
                        t.assignments() == null ? -1 : t.assignments().size(), data.validateOnly());
            } catch (RuntimeException e) {
                done = CompletableFuture.failedFuture(e);
            }
            pending.add(done.handle((info, err) -> {
                ConfigAlterations.answer(err, (code, message) -> result.setErrorCode(code).setErrorMessage(message));
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
