package io.elasticstream.broker.txn;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.common.Clock;
import io.elasticstream.broker.partition.PartitionLog;
import org.apache.kafka.common.TopicPartition;

/** The {@code __transaction_state} partitions open on this broker, as the coordinator sees them. */
public interface TxnLogs {
    /** The partition's log if it is open (and not failed) here, else null. */
    KeyedRecordLog get(int partition);

    /** An append to the partition failed: reopen it if this broker still owns it. */
    void failed(int partition);

    /** The {@code __transaction_state} partitions open in {@code partitions}. */
    static TxnLogs of(PartitionManager partitions, Clock clock) {
        return new TxnLogs() {
            @Override
            public KeyedRecordLog get(int p) {
                PartitionLog log = partitions.get(new TopicPartition(TxnConfig.STATE_TOPIC, p));
                return log == null || log.isFailed() ? null : new KeyedRecordLog(log, clock);
            }

            @Override
            public void failed(int p) {
                partitions.reopenIfFailed(new TopicPartition(TxnConfig.STATE_TOPIC, p));
            }
        };
    }
}
