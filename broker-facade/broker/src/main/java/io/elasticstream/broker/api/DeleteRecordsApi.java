package io.elasticstream.broker.api;

import io.elasticstream.broker.config.ConfigResolver;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.RequestContext;

/**
 * DeleteRecords: moves each partition's log start offset up to the requested offset (-1 = the high
 * watermark), as Kafka's {@code Partition.deleteRecordsOnLeader}: UNKNOWN_TOPIC_OR_PARTITION for a
 * partition that does not exist, INVALID_TOPIC_EXCEPTION for internal topics, NOT_LEADER_OR_FOLLOWER
 * where this broker does not own it, POLICY_VIOLATION unless {@code cleanup.policy} includes delete,
 * OFFSET_OUT_OF_RANGE for an offset below -1 or above the high watermark. An offset at or below the
 * current start changes nothing. The low watermark answered is the log start offset afterwards (-1 on
 * error). The new start is recorded at PD before the answer; range servers do not reclaim space yet.
 */
final class DeleteRecordsApi implements RequestHandler {
    private final TopicService topics;
    private final PartitionManager partitions;
    private final ConfigResolver configs;

    DeleteRecordsApi(TopicService topics, PartitionManager partitions, ConfigResolver configs) {
        this.topics = topics;
        this.partitions = partitions;
        this.configs = configs;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (DeleteRecordsRequestData.DeleteRecordsTopic t : data.topics()) {
            DeleteRecordsTopicResult topic = new DeleteRecordsTopicResult().setName(t.name());
            response.topics().add(topic);
            CompletableFuture<Optional<TopicInfo>> info = topics.byName(t.name());
            for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
                DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
                topic.partitions().add(out);
                pending.add(info.thenCompose(ti -> delete(ti, new TopicPartition(t.name(), p.partitionIndex()),
                        p.offset(), out)).exceptionally(err -> {
                            fail(out, ErrorMapper.toErrors(err));
                            return null;
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> delete(Optional<TopicInfo> topic, TopicPartition tp, long offset,
                                           DeleteRecordsPartitionResult out) {
        if (topic.isEmpty() || tp.partition() < 0 || tp.partition() >= topic.get().partitionCount()) {
            return fail(out, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (Topic.isInternal(tp.topic())) {
            return fail(out, Errors.INVALID_TOPIC_EXCEPTION);
        }
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            return fail(out, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        String policy = configs.topicValue(TopicConfig.CLEANUP_POLICY_CONFIG, topic.get().configs());
        if (Arrays.stream(policy.split(",")).noneMatch(p -> p.trim().equals(TopicConfig.CLEANUP_POLICY_DELETE))) {
            return fail(out, Errors.POLICY_VIOLATION);
        }
        long target = offset == DeleteRecordsRequest.HIGH_WATERMARK ? log.highWatermark() : offset;
        if (target < 0) {
            return fail(out, Errors.OFFSET_OUT_OF_RANGE);
        }
        return log.trimTo(target).thenAccept(start -> out.setLowWatermark(start));
    }

    private static CompletableFuture<Void> fail(DeleteRecordsPartitionResult out, Errors error) {
        out.setErrorCode(error.code()).setLowWatermark(DeleteRecordsResponse.INVALID_LOW_WATERMARK);
        return CompletableFuture.completedFuture(null);
    }
}
