package io.elasticstream.broker.txn;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.records.StoredBatchHeader;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;

/** The {@code __transaction_state} partitions open on this broker, as the coordinator sees them. */
public interface TxnLogs {
    /** The partition's log if it is open (and not failed) here, else null. */
    TxnLog get(int partition);

    /** An append to the partition failed: reopen it if this broker still owns it. */
    void failed(int partition);

    /** The {@code __transaction_state} partitions open in {@code partitions}. */
    static TxnLogs of(PartitionManager partitions, Clock clock) {
        return new TxnLogs() {
            @Override
            public TxnLog get(int p) {
                PartitionLog log = partitions.get(new TopicPartition(TxnConfig.STATE_TOPIC, p));
                return log == null || log.isFailed() ? null : new PartitionTxnLog(new KeyedRecordLog(log, clock));
            }

            @Override
            public void failed(int p) {
                partitions.reopenIfFailed(new TopicPartition(TxnConfig.STATE_TOPIC, p));
            }
        };
    }

    /** A {@link TxnLog} on a partition of {@code __transaction_state}. */
    record PartitionTxnLog(KeyedRecordLog log) implements TxnLog {
        @Override
        public CompletableFuture<Void> append(byte[] key, byte[] value) {
            return log.append(List.of(new KeyedRecordLog.Entry(key, value)));
        }

        @Override
        public CompletableFuture<Void> replay(BiConsumer<ByteBuffer, ByteBuffer> sink) {
            return log.replay((StoredBatchHeader header, ByteBuffer key, ByteBuffer value) -> sink.accept(key, value));
        }

        @Override
        public int coordinatorEpoch() {
            return log.leaderEpoch();
        }
    }
}
