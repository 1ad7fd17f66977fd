package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * Produce: validates each partition's batches, appends them to the partition's stream and answers
 * when they are confirmed (acks -1 and 1: confirmation means durable on ackCount replicas, which is at
 * least what Kafka's acks=all promises) or at once with no response at all (acks 0). Topics are named
 * by name up to v12 and by topic id from v13. Batches over the topic's {@code max.message.bytes} are refused.
 * A connection's requests are appended in the order they arrived, also when one waits for the topic-id
 * listing ({@link ConnectionOrder}): an idempotent producer pipelines them.
 *
 * <p>A partition PD assigned to this broker that it is still opening (just moved here) is waited for, at
 * most the request's timeout and {@value #MAX_OPEN_WAIT_MS} ms, rather than answered NOT_LEADER_OR_FOLLOWER:
 * a producer would otherwise back off and retry, adding its {@code retry.backoff.ms} to the move. The wait
 * is part of the request's ordered start, so later requests of the connection are appended after it.
 */
final class ProduceApi implements RequestHandler {
    /** The longest a request waits for a partition this broker is opening. */
    static final int MAX_OPEN_WAIT_MS = 5_000;
    /**
     * The first Produce version of transactions v2, whose transactional batches add their partition; the
     * earlier ones' are verified to be in the transaction.
     */
    static final short FIRST_IMPLICIT_ADD_VERSION = 12;
    private final TopicService topics;
    private final PartitionManager partitions;
    private final TxnWriteVerifier verifier;
    /** Appends each connection's requests in arrival order, as Kafka does (and idempotence needs). */
    private final ConnectionOrder order = new ConnectionOrder();

    ProduceApi(TopicService topics, PartitionManager partitions, TxnWriteVerifier verifier) {
        this.topics = topics;
        this.partitions = partitions;
        this.verifier = verifier;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ProduceRequest req = (ProduceRequest) request;
        boolean byId = context.apiVersion() >= 13;
        CompletableFuture<Map<Uuid, String>> names = byId ? topics.namesById() : CompletableFuture.completedFuture(Map.of());
        boolean transactional = req.transactionalId() != null;
        CompletableFuture<Ready> ready = names.thenCompose(n -> opened(req, byId, n)
                .thenCompose(v -> transactional ? verified(req, context.apiVersion(), byId, n)
                        : CompletableFuture.completedFuture(Map.<TopicPartition, ApiError>of()))
                .thenApply(refused -> new Ready(n, refused)));
        CompletableFuture<ApiMessage> response = order.run(context.connectionId, ready,
                r -> produce(req, byId, r.names(), r.refused()));
        if (req.acks() == 0) {
            return response.handle((r, e) -> null); // acks=0: Kafka sends no response at all
        }
        return response;
    }

    /** What a request needs before its appends: topic names by id, and the partitions the coordinator refused. */
    private record Ready(Map<Uuid, String> names, Map<TopicPartition, ApiError> refused) {
    }

    /**
     * KIP-890: verifies at the transaction's coordinator (Produce v3–11) or adds to the transaction (v12+,
     * transactions v2) the partitions whose batch would begin the producer's transaction there; completes with
     * the partitions refused and Kafka's answer for them (the others are appended).
     */
    private CompletableFuture<Map<TopicPartition, ApiError>> verified(ProduceRequest req, short version, boolean byId,
                                                                      Map<Uuid, String> names) {
        Map<TopicPartition, PartitionLog> logs = new LinkedHashMap<>();
        long producerId = RecordBatch.NO_PRODUCER_ID;
        short epoch = RecordBatch.NO_PRODUCER_EPOCH;
        for (ProduceRequestData.TopicProduceData topicData : req.data().topicData()) {
            String topic = byId ? names.get(topicData.topicId()) : topicData.name();
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                TopicPartition tp = topic == null ? null : new TopicPartition(topic, partitionData.index());
                PartitionLog log = tp == null ? null : partitions.get(tp);
                Iterator<? extends RecordBatch> batches = ((MemoryRecords) partitionData.records()).batches().iterator();
                if (log == null || !batches.hasNext()) {
                    continue; // answered by the append path
                }
                RecordBatch first = batches.next();
                if (first.isTransactional()) {
                    logs.put(tp, log);
                    producerId = first.producerId();
                    epoch = first.producerEpoch();
                }
            }
        }
        if (logs.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        boolean add = version >= FIRST_IMPLICIT_ADD_VERSION;
        return verifier.verify(req.transactionalId(), producerId, epoch, logs, add,
                Math.min(req.timeout(), MAX_OPEN_WAIT_MS)).thenApply(errors -> {
                    Map<TopicPartition, ApiError> refused = new LinkedHashMap<>();
                    errors.forEach((tp, e) -> refused.put(tp, TxnWriteVerifier.forProduce(e, version)));
                    return refused;
                });
    }

    /** Completes when the request's partitions that this broker owns per PD but is still opening are open. */
    private CompletableFuture<Void> opened(ProduceRequest req, boolean byId, Map<Uuid, String> names) {
        long maxWaitMs = Math.min(req.timeout(), MAX_OPEN_WAIT_MS);
        List<CompletableFuture<Void>> waits = new ArrayList<>(0);
        for (ProduceRequestData.TopicProduceData topicData : req.data().topicData()) {
            String topic = byId ? names.get(topicData.topicId()) : topicData.name();
            if (topic == null) {
                continue;
            }
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                TopicPartition tp = new TopicPartition(topic, partitionData.index());
                if (partitions.get(tp) == null) {
                    waits.add(partitions.whenOpenedIfAssignedHere(tp, maxWaitMs));
                }
            }
        }
        return waits.isEmpty() ? CompletableFuture.completedFuture(null)
                : CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<ApiMessage> produce(ProduceRequest req, boolean byId, Map<Uuid, String> names,
                                                  Map<TopicPartition, ApiError> refused) {
        short acks = req.acks();
        ProduceResponseData response = new ProduceResponseData().setThrottleTimeMs(0);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topicData : req.data().topicData()) {
            String topic = byId ? names.get(topicData.topicId()) : topicData.name();
            TopicProduceResponse topicResponse = new TopicProduceResponse();
            if (byId) {
                topicResponse.setTopicId(topicData.topicId());
            } else {
                topicResponse.setName(topicData.name());
            }
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse p = new PartitionProduceResponse().setIndex(partitionData.index())
                        .setBaseOffset(-1).setLogAppendTimeMs(RecordBatch.NO_TIMESTAMP).setLogStartOffset(-1);
                topicResponse.partitionResponses().add(p);
                if (acks != 0 && acks != 1 && acks != -1) {
                    fail(p, Errors.INVALID_REQUIRED_ACKS, null);
                    continue;
                }
                if (topic == null) {
                    fail(p, byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION, null);
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic, partitionData.index());
                ApiError notVerified = refused.get(tp);
                if (notVerified != null) {
                    fail(p, notVerified.error(), notVerified.message());
                    continue;
                }
                PartitionLog log = partitions.get(tp);
                if (log == null) {
                    pending.add(topics.notServedHere(tp).thenAccept(error -> fail(p, error, null)));
                    continue;
                }
                CompletableFuture<Long> appended;
                try {
                    appended = log.append((MemoryRecords) partitionData.records(), topics.maxMessageBytes(topic));
                } catch (RuntimeException e) {
                    appended = CompletableFuture.failedFuture(e);
                }
                pending.add(appended.handle((base, err) -> {
                    if (err != null) {
                        Errors error = ErrorMapper.toErrors(err);
                        fail(p, error, ErrorMapper.message(err, error));
                        if (log.isFailed()) {
                            partitions.reopenIfFailed(tp);
                        }
                    } else {
                        p.setBaseOffset(base).setLogStartOffset(log.logStartOffset());
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).thenApply(v -> response);
    }

    private static void fail(PartitionProduceResponse p, Errors error, String message) {
        p.setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1);
    }
}
