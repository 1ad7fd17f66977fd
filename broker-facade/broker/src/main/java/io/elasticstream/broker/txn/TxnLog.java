package io.elasticstream.broker.txn;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One {@code __transaction_state} partition as the coordinator sees it: key/value records to append and
 * replay. Two handles are {@code equals} when they are the same opening of the partition; a different handle
 * means the partition was reopened (moved, failed over) and must be replayed.
 */
public interface TxnLog {
    /** Appends one record (value null: a tombstone); completes once durable. */
    CompletableFuture<Void> append(byte[] key, byte[] value);

    /** Feeds every record up to the current end to {@code sink} (key, value or null), in order. */
    CompletableFuture<Void> replay(BiConsumer<ByteBuffer, ByteBuffer> sink);

    /** The epoch of this opening (the partition's leader epoch): the coordinator epoch its markers carry. */
    int coordinatorEpoch();
}
