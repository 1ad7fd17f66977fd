package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * WriteTxnMarkers (sent by a transaction coordinator to the owner of a transaction's partitions): writes each
 * COMMIT/ABORT marker into the named partitions open here and answers one error per partition
 * (NOT_LEADER_OR_FOLLOWER where the partition is not open here, so the coordinator asks again).
 */
final class WriteTxnMarkersApi implements RequestHandler {
    private final MarkerWriter markers;

    WriteTxnMarkersApi(MarkerWriter markers) {
        this.markers = markers;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        List<WritableTxnMarker> requested = ((WriteTxnMarkersRequest) request).data().markers();
        Map<Long, Map<TopicPartition, CompletableFuture<Errors>>> pending = new LinkedHashMap<>();
        List<CompletableFuture<Errors>> all = new ArrayList<>();
        for (WritableTxnMarker m : requested) {
            Map<TopicPartition, CompletableFuture<Errors>> forProducer = pending.computeIfAbsent(m.producerId(),
                    k -> new LinkedHashMap<>());
            for (WritableTxnMarkerTopic t : m.topics()) {
                for (int p : t.partitionIndexes()) {
                    TopicPartition tp = new TopicPartition(t.name(), p);
                    CompletableFuture<Errors> f = markers.writeLocal(tp, m.producerId(), m.producerEpoch(),
                            m.transactionResult(), m.coordinatorEpoch());
                    forProducer.put(tp, f);
                    all.add(f);
                }
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<Long, Map<TopicPartition, Errors>> errors = new LinkedHashMap<>();
            pending.forEach((pid, byPartition) -> {
                Map<TopicPartition, Errors> e = new LinkedHashMap<>();
                byPartition.forEach((tp, f) -> e.put(tp, f.join()));
                errors.put(pid, e);
            });
            return new WriteTxnMarkersResponse(errors).data();
        });
    }
}
