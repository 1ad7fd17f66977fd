package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.share.SharePartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ReadShareGroupStateRequestData;
import org.apache.kafka.common.message.ReadShareGroupStateResponseData;
import org.apache.kafka.common.message.WriteShareGroupStateRequestData;
import org.apache.kafka.common.message.WriteShareGroupStateResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ReadShareGroupStateRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.WriteShareGroupStateRequest;

/**
 * The share-state requests the group coordinator answers for partition leaders on other brokers
 * ({@link ShareStates}): ReadShareGroupState and WriteShareGroupState. The admin clients' share-group offset
 * requests are {@link ShareOffsetsApis}'.
 */
final class ShareStateApis {
    private final GroupCoordinator coordinator;

    ShareStateApis(GroupCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    CompletableFuture<ApiMessage> read(RequestContext context, AbstractRequest request) {
        ReadShareGroupStateRequestData req = ((ReadShareGroupStateRequest) request).data();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        ReadShareGroupStateResponseData response = new ReadShareGroupStateResponseData();
        for (ReadShareGroupStateRequestData.ReadStateData t : req.topics()) {
            ReadShareGroupStateResponseData.ReadStateResult result = new ReadShareGroupStateResponseData.ReadStateResult()
                    .setTopicId(t.topicId());
            response.results().add(result);
            for (ReadShareGroupStateRequestData.PartitionData p : t.partitions()) {
                ReadShareGroupStateResponseData.PartitionResult pr = new ReadShareGroupStateResponseData.PartitionResult()
                        .setPartition(p.partition()).setStartOffset(-1).setStateEpoch(0);
                result.partitions().add(pr);
                pending.add(coordinator.readShareState(req.groupId(), t.topicId(), p.partition(), p.leaderEpoch())
                        .thenAccept(r -> {
                            pr.setErrorCode(r.error().code());
                            if (r.state() != null) {
                                pr.setStartOffset(r.state().startOffset())
                                        .setStateBatches(ShareStateMessages.readBatches(r.state()));
                            }
                        }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    CompletableFuture<ApiMessage> write(RequestContext context, AbstractRequest request) {
        WriteShareGroupStateRequestData req = ((WriteShareGroupStateRequest) request).data();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        WriteShareGroupStateResponseData response = new WriteShareGroupStateResponseData();
        for (WriteShareGroupStateRequestData.WriteStateData t : req.topics()) {
            WriteShareGroupStateResponseData.WriteStateResult result = new WriteShareGroupStateResponseData.WriteStateResult()
                    .setTopicId(t.topicId());
            response.results().add(result);
            for (WriteShareGroupStateRequestData.PartitionData p : t.partitions()) {
                WriteShareGroupStateResponseData.PartitionResult pr = new WriteShareGroupStateResponseData.PartitionResult()
                        .setPartition(p.partition());
                result.partitions().add(pr);
                SharePartition.State state;
                try {
                    state = ShareStateMessages.fromWrite(p);
                } catch (IllegalArgumentException e) {
                    pr.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
                    continue;
                }
                pending.add(coordinator.writeShareState(req.groupId(), t.topicId(), p.partition(), p.leaderEpoch(),
                        state)
                        .thenAccept(e -> pr.setErrorCode(e.code())));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }
}
