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
 * Transactions v2's implicit partition add (KIP-890 part 2): the owner of a partition that receives a
 * transaction's first batch adds the partition at the transaction's coordinator, on this broker directly or
 * on another through AddPartitionsToTxn v5 ({@link RemoteAdd}). While the coordinator is still completing the
 * previous transaction (CONCURRENT_TRANSACTIONS) the add is retried every {@value #RETRY_BACKOFF_MS} ms, as
 * Kafka's {@code add.partitions.to.txn.retry.backoff.ms}, within the produce request's timeout.
 */
final class TxnPartitionAdder {
    static final long RETRY_BACKOFF_MS = 20;

    /** Sends AddPartitionsToTxn v5 to the broker owning the transaction's coordinator. */
    @FunctionalInterface
    interface RemoteAdd {
        /** Completes with one error per partition, never exceptionally. */
        CompletableFuture<Map<TopicPartition, Errors>> add(int brokerId, String transactionalId, long producerId,
                                                           short epoch, Set<TopicPartition> partitions);

        /** No way to reach other brokers: NOT_COORDINATOR, so the producer looks the coordinator up again. */
        RemoteAdd NONE = (broker, id, pid, epoch, partitions) -> CompletableFuture.completedFuture(
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
     * {@link #add} for a produce: the coordinator's passing troubles become the retriable NOT_ENOUGH_REPLICAS,
     * as Kafka answers them.
     */
    CompletableFuture<Map<TopicPartition, Errors>> addForProduce(String transactionalId, long producerId, short epoch,
                                                                 Set<TopicPartition> tps, long timeoutMs) {
        return add(transactionalId, producerId, epoch, tps, timeoutMs).thenApply(errors -> {
            Map<TopicPartition, Errors> shaped = new LinkedHashMap<>();
            errors.forEach((tp, e) -> shaped.put(tp, switch (e) {
                case NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS,
                     CONCURRENT_TRANSACTIONS -> Errors.NOT_ENOUGH_REPLICAS;
                default -> e;
            }));
            return shaped;
        });
    }

    private CompletableFuture<Map<TopicPartition, Errors>> attempt(String transactionalId, long producerId,
                                                                   short epoch, Set<TopicPartition> tps,
                                                                   long deadlineNs) {
        int owner = partitions.ownerOf(stateTopic.partitionOf(transactionalId));
        CompletableFuture<Map<TopicPartition, Errors>> added = owner == nodeId || owner == -1
                ? coordinator.addPartitions(transactionalId, producerId, epoch, tps, false)
                : remote.add(owner, transactionalId, producerId, epoch, tps);
        return added.exceptionally(err -> all(tps, Errors.COORDINATOR_NOT_AVAILABLE)).thenCompose(errors -> {
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

    static Map<TopicPartition, Errors> all(Set<TopicPartition> tps, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        tps.forEach(tp -> result.put(tp, error));
        return result;
    }
}
