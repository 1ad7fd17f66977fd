package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.LeaderEpochCache;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.PlacementService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * OffsetForLeaderEpoch, which consumers send to check their position after a leader epoch change
 * (KIP-320): for each partition, the largest epoch at or below the requested one and where it ended,
 * from the epochs recorded on the stream's ranges ({@link LeaderEpochCache}); the current epoch ends at
 * the log end offset. Errors as Kafka: FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH for a current leader
 * epoch below / above ours, NOT_LEADER_OR_FOLLOWER where another broker owns the partition,
 * UNKNOWN_TOPIC_OR_PARTITION where it does not exist; an error carries epoch and offset -1.
 */
final class OffsetForLeaderEpochApi implements RequestHandler {
    private final TopicService topics;
    private final PartitionManager partitions;
    private final PlacementService placement;

    OffsetForLeaderEpochApi(TopicService topics, PartitionManager partitions, PlacementService placement) {
        this.topics = topics;
        this.partitions = partitions;
        this.placement = placement;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        OffsetForLeaderEpochRequestData data = ((OffsetsForLeaderEpochRequest) request).data();
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : data.topics()) {
            OffsetForLeaderTopicResult topic = new OffsetForLeaderTopicResult().setTopic(t.topic());
            response.topics().add(topic);
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
                EpochEndOffset out = new EpochEndOffset().setPartition(p.partition())
                        .setLeaderEpoch(LeaderEpochCache.UNDEFINED_EPOCH)
                        .setEndOffset(LeaderEpochCache.UNDEFINED_EPOCH_OFFSET);
                topic.partitions().add(out);
                pending.add(lookup(new TopicPartition(t.topic(), p.partition()), p, out).exceptionally(err -> {
                    fail(out, ErrorMapper.toErrors(err));
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private CompletableFuture<Void> lookup(TopicPartition tp, OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p,
                                           EpochEndOffset out) {
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            return topics.notServedHere(tp).thenAccept(error -> fail(out, error));
        }
        int current = p.currentLeaderEpoch();
        if (current >= 0 && current != log.leaderEpoch()) {
            fail(out, current < log.leaderEpoch() ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH);
            return CompletableFuture.completedFuture(null);
        }
        return placement.describeStream(log.streamId()).thenAccept(stream -> {
            LeaderEpochCache.EpochEndOffset found = LeaderEpochCache.fromRanges(stream.ranges(), log.logStartOffset())
                    .endOffsetFor(p.leaderEpoch(), log.logEndOffset());
            out.setLeaderEpoch(found.epoch()).setEndOffset(found.endOffset());
        });
    }

    private static void fail(EpochEndOffset out, Errors error) {
        out.setErrorCode(error.code()).setLeaderEpoch(LeaderEpochCache.UNDEFINED_EPOCH)
                .setEndOffset(LeaderEpochCache.UNDEFINED_EPOCH_OFFSET);
    }
}
