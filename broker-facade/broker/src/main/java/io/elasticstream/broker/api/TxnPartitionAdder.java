package io.elasticstream.broker.api;

import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.txn.TransactionCoordinator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A partition owner's requests to a transaction's coordinator, on this broker directly or on another through
 * AddPartitionsToTxn v5 ({@link RemoteAdd}): transactions v2's implicit partition add (KIP-890 part 2,
 * {@link #add}), and KIP-890 part 1's verification that a transactions-v1 client added the partition
 * ({@link #verify}). While the coordinator is still completing the previous transaction
 * (CONCURRENT_TRANSACTIONS) an add is retried every {@value #RETRY_BACKOFF_MS} ms, as Kafka's
 * {@code add.partitions.to.txn.retry.backoff.ms}, within the request's timeout; a verification is not (the
 * v1 client retries the write).
 */
final class TxnPartitionAdder {
    static final long RETRY_BACKOFF_MS = 20;

    /** Sends AddPartitionsToTxn v5 to the broker owning the transaction's coordinator. */
    @FunctionalInterface
    interface RemoteAdd {
        /** Completes with one error per partition, never exceptionally; {@code verifyOnly} adds nothing. */
        CompletableFuture<Map<TopicPartition, Errors>> add(int brokerId, String transactionalId, long producerId,
                                                           short epoch, Set<TopicPartition> partitions,
                                                           boolean verifyOnly);

        /** No way to reach other brokers: NOT_COORDINATOR, so the producer looks the coordinator up again. */
        RemoteAdd NONE = (broker, id, pid, epoch, partitions, verifyOnly) -> CompletableFuture.completedFuture(
                all(partitions, Errors.NOT_COORDINATOR));
    }

    private final int nodeId;
    private final TransactionCoordinator coordinator;
    private final CoordinatorTopic stateTopic;
    private final PartitionManager partitions;
    private final ScheduledExecutorService timer;
    private volatile RemoteAdd remote = RemoteAdd.NONE;

    TxnPartitionAdder(int nodeId, TransactionCoordinator coordinator, CoordinatorTopic stateTopic,
                      PartitionManager partitions, ScheduledExecutorService timer) {
        this.nodeId = nodeId;
        this.coordinator = coordinator;
        this.stateTopic = stateTopic;
        this.partitions = partitions;
        this.timer = timer;
    }

    void remote(RemoteAdd remoteAdd) {
        this.remote = remoteAdd;
    }

    /**
     * Adds {@code tps} to the transaction of {@code transactionalId}; completes with the coordinator's error
     * per partition (CONCURRENT_TRANSACTIONS only once {@code timeoutMs} passed).
     */
    CompletableFuture<Map<TopicPartition, Errors>> add(String transactionalId, long producerId, short epoch,
                                                       Set<TopicPartition> tps, long timeoutMs) {
        long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        return attempt(transactionalId, producerId, epoch, tps, deadlineNs);
    }

    /**
     * Asks the coordinator whether {@code tps} are in the open transaction of {@code transactionalId} (an
     * AddPartitionsToTxn with {@code verifyOnly}): NONE for those that are, TRANSACTION_ABORTABLE for those
     * that are not, or the coordinator's error for all.
     */
    CompletableFuture<Map<TopicPartition, Errors>> verify(String transactionalId, long producerId, short epoch,
                                                          Set<TopicPartition> tps) {
        return ask(transactionalId, producerId, epoch, tps, true);
    }

    private CompletableFuture<Map<TopicPartition, Errors>> attempt(String transactionalId, long producerId,
                                                                   short epoch, Set<TopicPartition> tps,
                                                                   long deadlineNs) {
        return ask(transactionalId, producerId, epoch, tps, false).thenCompose(errors -> {
            boolean concurrent = errors.values().stream().anyMatch(e -> e == Errors.CONCURRENT_TRANSACTIONS);
            if (!concurrent || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RETRY_BACKOFF_MS) > deadlineNs) {
                return CompletableFuture.completedFuture(errors);
            }
            CompletableFuture<Map<TopicPartition, Errors>> retry = new CompletableFuture<>();
            timer.schedule(() -> attempt(transactionalId, producerId, epoch, tps, deadlineNs).whenComplete((r, e) -> {
                if (e != null) {
                    retry.completeExceptionally(e);
                } else {
                    retry.complete(r);
                }
            }), RETRY_BACKOFF_MS, TimeUnit.MILLISECONDS);
            return retry;
        });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> ask(String transactionalId, long producerId, short epoch,
                                                               Set<TopicPartition> tps, boolean verifyOnly) {
        int owner = partitions.ownerOf(stateTopic.partitionOf(transactionalId));
        CompletableFuture<Map<TopicPartition, Errors>> answer = owner == nodeId || owner == -1
                ? coordinator.addPartitions(transactionalId, producerId, epoch, tps, verifyOnly)
                : remote.add(owner, transactionalId, producerId, epoch, tps, verifyOnly);
        return answer.exceptionally(err -> all(tps, Errors.COORDINATOR_NOT_AVAILABLE));
    }

    static Map<TopicPartition, Errors> all(Set<TopicPartition> tps, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        tps.forEach(tp -> result.put(tp, error));
        return result;
    }
}
