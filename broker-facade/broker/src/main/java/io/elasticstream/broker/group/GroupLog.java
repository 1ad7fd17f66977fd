package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog.Entry;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code __consumer_offsets} partition as the coordinator sees it: append key/value records
 * ({@link GroupRecords}), plain or in a producer's transaction (TxnOffsetCommit), and replay what is there
 * with the transaction markers that resolve them. Two handles are {@code equals} when they are the same
 * opening of the partition; a different handle means the partition was reopened and must be replayed.
 */
public interface GroupLog {
    /** Appends the entries as one batch; completes once durable. */
    CompletableFuture<Void> append(List<Entry> entries);

    /** Appends the entries as one batch in the transaction of {@code producerId}; completes once durable. */
    CompletableFuture<Void> appendTransactional(List<Entry> entries, long producerId, short producerEpoch);

    /** Feeds every record and marker up to the current end to {@code sink}, in order; completes when done. */
    CompletableFuture<Void> replay(Replay sink);

    /** What a replay finds, in log order. */
    interface Replay {
        /** A record; {@code producerId} is the transaction's producer, or -1 outside transactions. */
        void onRecord(GroupRecords.Decoded record, long producerId);

        /** The end of {@code producerId}'s transaction on this partition. */
        void onMarker(long producerId, boolean commit);
    }

    /** The open {@code __consumer_offsets} partitions of this broker. */
    interface Partitions {
        /** The partition's log if it is open here, else null. */
        GroupLog get(int partition);

        /** An append to the partition failed: reopen it if this broker still owns it. */
        void failed(int partition);
    }
}
