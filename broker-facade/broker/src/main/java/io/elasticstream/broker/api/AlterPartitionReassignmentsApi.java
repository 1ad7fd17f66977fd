package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * AlterPartitionReassignments: a partition here has one replica, its owner, so a target replica list
 * names the new owner and must hold exactly one broker. The move is a planned ownership change at PD
 * ({@link PlacementService#movePartitions}) and completes before the answer: nothing is copied, since
 * brokers hold no data. Errors as Kafka's controller: UNKNOWN_TOPIC_OR_PARTITION for a partition that does
 * not exist, INVALID_REPLICA_ASSIGNMENT for an empty list, a repeated or negative broker id, a broker
 * that is not live, or more than one replica (INVALID_REPLICATION_FACTOR instead when v1's
 * {@code AllowReplicationFactorChange} is false); a null list cancels a reassignment in progress, and
 * none ever is: NO_REASSIGNMENT_IN_PROGRESS.
 */
final class AlterPartitionReassignmentsApi implements RequestHandler {
    private final PlacementService placement;

    AlterPartitionReassignmentsApi(PlacementService placement) {
        this.placement = placement;
    }

    /** A requested move that passed validation, and where its answer goes. */
    private record Item(String topic, ReassignablePartition partition, ReassignablePartitionResponse out) {
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        AlterPartitionReassignmentsRequestData data = ((AlterPartitionReassignmentsRequest) request).data();
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setThrottleTimeMs(0).setErrorCode(Errors.NONE.code())
                .setAllowReplicationFactorChange(data.allowReplicationFactorChange());
        List<Item> moves = new ArrayList<>();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : data.topics()) {
            ReassignableTopicResponse topic = new ReassignableTopicResponse().setName(t.name());
            response.responses().add(topic);
            for (ReassignablePartition p : t.partitions()) {
                ReassignablePartitionResponse out = new ReassignablePartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(Errors.NONE.code());
                topic.partitions().add(out);
                if (p.replicas() == null) {
                    pending.add(placement.topic(t.name()).handle((info, err) -> {
                        cancel(info, err, p.partitionIndex(), out);
                        return null;
                    }));
                    continue;
                }
                String invalid = invalidReplicas(p.replicas());
                if (invalid != null) {
                    fail(out, Errors.INVALID_REPLICA_ASSIGNMENT, invalid);
                } else if (p.replicas().size() != 1) {
                    fail(out, data.allowReplicationFactorChange() ? Errors.INVALID_REPLICA_ASSIGNMENT
                            : Errors.INVALID_REPLICATION_FACTOR, "partitions here have exactly one replica, their "
                            + "owner; the target list has " + p.replicas().size());
                } else {
                    moves.add(new Item(t.name(), p, out));
                }
            }
        }
        CompletableFuture<Void> moved = moves.isEmpty() ? CompletableFuture.completedFuture(null)
                : placement.movePartitions(moves.stream().map(i -> new PartitionMove(i.topic(),
                        i.partition().partitionIndex(), i.partition().replicas().getFirst())).toList())
                .handle((results, err) -> {
                    for (int i = 0; i < moves.size(); i++) {
                        ReassignablePartitionResponse out = moves.get(i).out();
                        if (err != null) {
                            Errors error = ErrorMapper.toErrors(err);
                            fail(out, error, ErrorMapper.message(err, error));
                        } else {
                            answer(results.get(i), out);
                        }
                    }
                    return null;
                });
        pending.add(moved);
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    /** Why a target list is invalid whatever its length, or null. */
    private static String invalidReplicas(List<Integer> replicas) {
        if (replicas.isEmpty()) {
            return "The manual partition assignment includes an empty replica list.";
        }
        Set<Integer> seen = new HashSet<>();
        for (int id : replicas) {
            if (id < 0) {
                return "The manual partition assignment includes an invalid broker id " + id + ".";
            }
            if (!seen.add(id)) {
                return "The manual partition assignment includes the broker " + id + " more than once.";
            }
        }
        return null;
    }

    private static void answer(PartitionMoveResult result, ReassignablePartitionResponse out) {
        switch (result.outcome()) {
            case MOVED, ALREADY_OWNER -> { }
            case UNKNOWN_PARTITION -> fail(out, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
            case BROKER_NOT_LIVE -> fail(out, Errors.INVALID_REPLICA_ASSIGNMENT, "The manual partition assignment "
                    + "includes broker " + result.move().targetBrokerId() + ", but no such broker is registered.");
            case DUPLICATE -> fail(out, Errors.INVALID_REPLICA_ASSIGNMENT, result.message());
        }
    }

    private static void cancel(Optional<TopicInfo> topic, Throwable err, int partition,
                               ReassignablePartitionResponse out) {
        if (err != null) {
            Errors error = ErrorMapper.toErrors(err);
            fail(out, error, ErrorMapper.message(err, error));
        } else if (topic.isEmpty() || partition < 0 || partition >= topic.get().partitionCount()) {
            fail(out, Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
        } else {
            fail(out, Errors.NO_REASSIGNMENT_IN_PROGRESS, null);
        }
    }

    private static void fail(ReassignablePartitionResponse out, Errors error, String message) {
        out.setErrorCode(error.code()).setErrorMessage(message == null ? error.message() : message);
    }
}
