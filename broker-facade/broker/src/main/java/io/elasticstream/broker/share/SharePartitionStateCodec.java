package io.elasticstream.broker.share;

import io.elasticstream.broker.share.SharePartition.RecordState;
import io.elasticstream.broker.share.SharePartition.State;
import io.elasticstream.broker.share.SharePartition.StateBatch;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The persisted form of a share-partition's {@link State}, as a record value of the stream that will hold share
 * state (the role of Kafka's {@code ShareSnapshotValue} in {@code __share_group_state}):
 * <pre>
 *   version      int16   (1; 0 had no leaderEpoch, read as -1)
 *   leaderEpoch  int32   the epoch of the partition's leader that wrote it or read it last (fences older ones)
 *   startOffset  int64
 *   batches      int32   count, then for each, ascending and disjoint, none below startOffset:
 *     firstOffset int64, lastOffset int64, state int8 (Kafka's record state id), deliveryCount int16
 * </pre>
 * Decoding checks all of it: a value that is not one this codec wrote is refused with what is wrong, never
 * read as some other state.
 */
public final class SharePartitionStateCodec {
    static final short VERSION = 1;
    private static final short VERSION_WITHOUT_EPOCH = 0;
    private static final int HEADER_BYTES = 2 + 4 + 8 + 4;
    private static final int BATCH_BYTES = 8 + 8 + 1 + 2;

    private SharePartitionStateCodec() {
    }

    /** A state as stored, with the leader epoch that fences writes of older leaders (-1: none yet). */
    public record Stored(State state, int leaderEpoch) {
    }

    public static byte[] encode(Stored stored) {
        State state = stored.state();
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + BATCH_BYTES * state.batches().size());
        b.putShort(VERSION).putInt(stored.leaderEpoch()).putLong(state.startOffset()).putInt(state.batches().size());
        for (StateBatch batch : state.batches()) {
            b.putLong(batch.firstOffset()).putLong(batch.lastOffset()).put(batch.state().id)
                    .putShort((short) batch.deliveryCount());
        }
        return b.array();
    }

    /** The state in {@code value}; IllegalArgumentException naming the problem if it is not a valid one. */
    public static Stored decode(byte[] value) {
        ByteBuffer b = ByteBuffer.wrap(value);
        try {
            short version = b.getShort();
            check(version == VERSION || version == VERSION_WITHOUT_EPOCH, "unknown version " + version);
            int leaderEpoch = version == VERSION ? b.getInt() : -1;
            check(leaderEpoch >= -1, "leader epoch " + leaderEpoch);
            long startOffset = b.getLong();
            check(startOffset >= 0, "negative start offset " + startOffset);
            int count = b.getInt();
            check(count >= 0 && count <= b.remaining() / BATCH_BYTES, "batch count " + count + " does not fit");
            List<StateBatch> batches = new ArrayList<>(count);
            long next = startOffset;
            for (int i = 0; i < count; i++) {
                long first = b.getLong();
                long last = b.getLong();
                byte state = b.get();
                short deliveries = b.getShort();
                check(first >= next && last >= first, "batch " + i + " [" + first + ", " + last
                        + "] is out of order, overlapping or below the start offset");
                check(deliveries >= 0, "batch " + i + " has a negative delivery count");
                batches.add(new StateBatch(first, last, stateOf(state, i), deliveries));
                next = last + 1;
            }
            check(!b.hasRemaining(), b.remaining() + " bytes after the last batch");
            return new Stored(new State(startOffset, List.copyOf(batches)), leaderEpoch);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("corrupt share-partition state: truncated", e);
        }
    }

    private static RecordState stateOf(byte id, int batch) {
        try {
            return RecordState.forId(id);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("corrupt share-partition state: batch " + batch + " has unknown state "
                    + id, e);
        }
    }

    private static void check(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("corrupt share-partition state: " + problem);
        }
    }
}
