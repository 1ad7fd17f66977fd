package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.ActiveProducer;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * DescribeProducers: the idempotent producers with state in each partition (from its producer state
 * table). No transactions yet, so the coordinator epoch and the open transaction's start offset are
 * always -1. Errors as Kafka: NOT_LEADER_OR_FOLLOWER where another broker owns the partition,
 * UNKNOWN_TOPIC_OR_PARTITION where it does not exist.
 */
final class DescribeProducersApi implements RequestHandler {
    private final TopicService topics;
    private final PartitionManager partitions;

    DescribeProducersApi(TopicService topics, PartitionManager partitions) {
        this.topics = topics;
        this.partitions = partitions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeProducersRequestData data = ((DescribeProducersRequest) request).data();
        DescribeProducersResponseData response = new DescribeProducersResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (DescribeProducersRequestData.TopicRequest t : data.topics()) {
            TopicResponse topic = new TopicResponse().setName(t.name());
            response.topics().add(topic);
            for (int partition : t.partitionIndexes()) {
                PartitionResponse out = new PartitionResponse().setPartitionIndex(partition);
                topic.partitions().add(out);
                TopicPartition tp = new TopicPartition(t.name(), partition);
                PartitionLog log = partitions.get(tp);
                if (log == null) {
                    pending.add(topics.notServedHere(tp).thenAccept(error -> out.setErrorCode(error.code())));
                    continue;
                }
                for (ActiveProducer p : log.activeProducers()) {
                    out.activeProducers().add(new ProducerState().setProducerId(p.producerId())
                            .setProducerEpoch(p.epoch()).setLastSequence(p.lastSequence())
                            .setLastTimestamp(p.lastTimestamp()).setCoordinatorEpoch(p.coordinatorEpoch())
                            .setCurrentTxnStartOffset(p.currentTxnStartOffset()));
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
