package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteTopics by name (v0–5) or by name or topic id (v6+). Unknown names get
 * UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID, as in Kafka. Once PD deleted a topic, its
 * partitions' ranges are dropped from the range servers in the background (Kafka deletes logs
 * asynchronously too).
 */
final class DeleteTopicsApi implements RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeleteTopicsApi.class);

    private final PlacementService placement;
    private final TopicService topics;
    private final PartitionManager partitions;

    DeleteTopicsApi(PlacementService placement, TopicService topics, PartitionManager partitions) {
        this.placement = placement;
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DeleteTopicsRequestData data = ((DeleteTopicsRequest) request).data();
        boolean v6 = context.apiVersion() >= 6;
        return topics.namesById().thenCompose(names -> delete(data, v6, names));
    }

    private CompletableFuture<ApiMessage> delete(DeleteTopicsRequestData data, boolean v6, Map<Uuid, String> names) {
        DeleteTopicsResponseData response = new DeleteTopicsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        if (!v6) {
            for (String name : data.topicNames()) {
                DeletableTopicResult r = new DeletableTopicResult().setName(name);
                response.responses().add(r);
                pending.add(deleteOne(name, r, Errors.UNKNOWN_TOPIC_OR_PARTITION));
            }
        } else {
            for (DeleteTopicsRequestData.DeleteTopicState t : data.topics()) {
                DeletableTopicResult r = new DeletableTopicResult().setName(t.name()).setTopicId(t.topicId());
                response.responses().add(r);
                if (t.name() != null) {
                    pending.add(deleteOne(t.name(), r, Errors.UNKNOWN_TOPIC_OR_PARTITION));
                } else {
                    String name = names.get(t.topicId());
                    if (name == null) {
                        r.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()).setErrorMessage(Errors.UNKNOWN_TOPIC_ID.message());
                    } else {
                        r.setName(name);
                        pending.add(deleteOne(name, r, Errors.UNKNOWN_TOPIC_ID));
                    }
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> deleteOne(String name, DeletableTopicResult r, Errors unknown) {
        return topics.byName(name).thenCompose(existing -> {
            if (existing.isEmpty()) {
                r.setErrorCode(unknown.code()).setErrorMessage(unknown.message());
                return CompletableFuture.completedFuture(null);
            }
            r.setTopicId(TopicService.kafkaId(existing.get().topicId()));
            return describeStreams(existing.get()).thenCompose(streams -> placement.deleteTopic(name).handle((v, err) -> {
                if (err != null) {
                    Errors e = ErrorMapper.toErrors(err);
                    r.setErrorCode(e.code()).setErrorMessage(ErrorMapper.message(err, e));
                } else {
                    releaseStorage(name, streams);
                }
                return null;
            }));
        });
    }

    /** The partitions' streams with their ranges, as far as PD describes them (to free their space after). */
    private CompletableFuture<List<StreamInfo>> describeStreams(TopicInfo topic) {
        List<CompletableFuture<StreamInfo>> described = topic.partitions().stream()
                .map(p -> placement.describeStream(p.streamId()).exceptionally(err -> null)).toList();
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new))
                .thenApply(v -> described.stream().map(CompletableFuture::join).filter(Objects::nonNull).toList());
    }

    /** Drops the deleted topic's ranges from the range servers in the background, as Kafka deletes logs. */
    private void releaseStorage(String topic, List<StreamInfo> streams) {
        for (StreamInfo stream : streams) {
            partitions.releaseStorage(stream).whenComplete((v, err) -> {
                if (err != null) {
                    LOG.warn("topic {}: could not free the ranges of stream {}: {}", topic, stream.streamId(), err.toString());
                }
            });
        }
    }
}
