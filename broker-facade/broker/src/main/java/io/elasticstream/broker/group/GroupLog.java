package io.elasticstream.broker.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One {@code __consumer_offsets} partition as the coordinator sees it: append key/value records
 * ({@link GroupRecords}) and replay what is there. Two handles are {@code equals} when they are the same
 * opening of the partition; a different handle means the partition was reopened and must be replayed.
 */
public interface GroupLog {
    /** A record to append: value null is a tombstone. */
    record Entry(byte[] key, byte[] value) {
    }

    /** Appends the entries as one batch; completes once durable. */
    CompletableFuture<Void> append(List<Entry> entries);

    /** Feeds every record up to the current end to {@code sink}, in order; completes when done. */
    CompletableFuture<Void> replay(Consumer<GroupRecords.Decoded> sink);

    /** The open {@code __consumer_offsets} partitions of this broker. */
    interface Partitions {
        /** The partition's log if it is open here, else null. */
        GroupLog get(int partition);

        /** An append to the partition failed: reopen it if this broker still owns it. */
        void failed(int partition);
    }
}
