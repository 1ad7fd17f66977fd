package io.elasticstream.broker.txn;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes transaction markers into the partitions of a transaction, wherever their owners are (this broker
 * directly, another one through WriteTxnMarkers). Implemented by the api package.
 */
public interface TxnMarkers {
    /**
     * Writes a COMMIT (or ABORT) marker of {@code producerId} at {@code producerEpoch} into each partition;
     * completes with one error per partition (NONE: written), never exceptionally.
     */
    CompletableFuture<Map<TopicPartition, Errors>> write(long producerId, short producerEpoch, boolean commit,
                                                         int coordinatorEpoch, Set<TopicPartition> partitions);
}
