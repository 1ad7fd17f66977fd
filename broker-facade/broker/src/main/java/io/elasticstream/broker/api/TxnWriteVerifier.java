package io.elasticstream.broker.api;

import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.TxnVerifications;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * KIP-890 at a partition owner: a transactional write that would begin its producer's transaction on a
 * partition here is appended only once the transaction's coordinator confirmed the partition is in the
 * transaction. A transactions-v1 client (Produce v3–11, TxnOffsetCommit v0–4) added the partition itself, so
 * the coordinator is only asked (part 1, {@link TxnPartitionAdder#verify}); a transactions-v2 client (Produce
 * v12+, TxnOffsetCommit v5+) adds none, so the coordinator adds it (part 2, {@link TxnPartitionAdder#add}).
 * Either way the partition's verification ({@link PartitionLog#beginTxnVerification}) begins before the
 * coordinator is asked and is confirmed with its answer, so a marker written in between still refuses the
 * write: a late write of an ended transaction cannot open a transaction the coordinator knows nothing of.
 */
final class TxnWriteVerifier {
    private final TxnPartitionAdder coordinator;

    TxnWriteVerifier(TxnPartitionAdder coordinator) {
        this.coordinator = coordinator;
    }

    /**
     * Verifies (or with {@code add}, adds) the partitions of {@code logs} on which {@code producerId} at
     * {@code epoch} has no transaction open; completes with the coordinator's error for each partition it did
     * not confirm (partitions that needed nothing, and confirmed ones, are absent).
     */
    CompletableFuture<Map<TopicPartition, Errors>> verify(String transactionalId, long producerId, short epoch,
                                                          Map<TopicPartition, PartitionLog> logs, boolean add,
                                                          long timeoutMs) {
        Map<TopicPartition, TxnVerifications.Token> tokens = new LinkedHashMap<>();
        logs.forEach((tp, log) -> {
            TxnVerifications.Token token = log.beginTxnVerification(producerId, epoch);
            if (token != null) {
                tokens.put(tp, token);
            }
        });
        if (tokens.isEmpty()) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletableFuture<Map<TopicPartition, Errors>> answer = add
                ? coordinator.add(transactionalId, producerId, epoch, tokens.keySet(), timeoutMs)
                : coordinator.verify(transactionalId, producerId, epoch, tokens.keySet());
        return answer.thenApply(errors -> {
            Map<TopicPartition, Errors> refused = new LinkedHashMap<>();
            tokens.forEach((tp, token) -> {
                Errors e = errors.getOrDefault(tp, Errors.UNKNOWN_SERVER_ERROR);
                logs.get(tp).confirmTxnVerification(producerId, token, e == Errors.NONE);
                if (e != Errors.NONE) {
                    refused.put(tp, e);
                }
            });
            return refused;
        });
    }

    /**
     * What Kafka answers a Produce at {@code version} whose partition the coordinator did not confirm with
     * {@code error}: a fenced producer is INVALID_PRODUCER_EPOCH, TRANSACTION_ABORTABLE is INVALID_TXN_STATE
     * before Produce v11 (clients older than it do not know it), and the coordinator's passing troubles are the
     * retriable NOT_ENOUGH_REPLICAS, which older clients retry without looking the partition's leader up again.
     */
    static ApiError forProduce(Errors error, short version) {
        return switch (error) {
            case PRODUCER_FENCED -> new ApiError(Errors.INVALID_PRODUCER_EPOCH, null);
            case TRANSACTION_ABORTABLE -> version < 11
                    ? new ApiError(Errors.INVALID_TXN_STATE, "Partition was not added to the transaction")
                    : new ApiError(error, null);
            case INVALID_TXN_STATE -> new ApiError(error, "Partition was not added to the transaction");
            case CONCURRENT_TRANSACTIONS, NETWORK_EXCEPTION, COORDINATOR_LOAD_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
                 NOT_COORDINATOR -> new ApiError(Errors.NOT_ENOUGH_REPLICAS,
                    "Unable to verify the partition has been added to the transaction. Underlying error: " + error);
            default -> new ApiError(error, null);
        };
    }

    /**
     * What Kafka answers a TxnOffsetCommit at {@code version} whose offsets partition the coordinator did not
     * confirm with {@code error}: as {@link #forProduce} for fencing and TRANSACTION_ABORTABLE (known from v4),
     * and the coordinator's passing troubles as COORDINATOR_LOAD_IN_PROGRESS, which the producer retries
     * without looking the group's coordinator up again.
     */
    static Errors forTxnOffsetCommit(Errors error, short version) {
        return switch (error) {
            case PRODUCER_FENCED -> Errors.INVALID_PRODUCER_EPOCH;
            case TRANSACTION_ABORTABLE -> version < 4 ? Errors.INVALID_TXN_STATE : error;
            case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, CONCURRENT_TRANSACTIONS -> Errors.COORDINATOR_LOAD_IN_PROGRESS;
            default -> error;
        };
    }
}
