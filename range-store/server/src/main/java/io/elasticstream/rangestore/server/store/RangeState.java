package io.elasticstream.rangestore.server.store;

import java.nio.ByteBuffer;

/**
 * One range on this server. Guarded by its own monitor.
 *
 * <p>Offsets: {@code startOffset <= trimOffset <= durableEnd <= acceptedEnd}. {@code startOffset} is the
 * start the range was created with (fixed, for idempotent creates); {@code trimOffset} the first offset
 * still readable (rises with trims; the index holds no batch wholly below it). {@code acceptedEnd} advances when an
 * append is accepted (and queued to the WAL), {@code durableEnd} when the WAL confirms it; readers see
 * only {@code [trimOffset, durableEnd)}. Once {@code sealing}, no append is accepted; once sealed,
 * {@code sealedEnd} is final and the range never changes again.
 */
final class RangeState {
    final RangeKey key;
    final long startOffset;
    long trimOffset;
    long epoch;
    long acceptedEnd;
    long durableEnd;
    boolean sealing;
    long sealedEnd = -1;
    boolean failed;
    final BatchIndex index = new BatchIndex();
    private int[] sizes = new int[16];

    RangeState(RangeKey key, long startOffset, long epoch) {
        this.key = key;
        this.startOffset = startOffset;
        this.trimOffset = startOffset;
        this.epoch = epoch;
        this.acceptedEnd = startOffset;
        this.durableEnd = startOffset;
    }

    boolean isSealed() {
        return sealedEnd >= 0;
    }

    /** The end readers may see right now. */
    long readableEnd() {
        return isSealed() ? sealedEnd : durableEnd;
    }

    void addDurableBatch(long baseOffset, int recordCount, long maxTimestamp, long walPosition, int dataBytes) {
        if (index.size() == sizes.length) {
            sizes = java.util.Arrays.copyOf(sizes, sizes.length * 2);
        }
        sizes[index.size()] = dataBytes;
        index.add(baseOffset, recordCount, maxTimestamp, walPosition);
        durableEnd = baseOffset + recordCount;
    }

    int dataBytes(int i) {
        return sizes[i];
    }

    /**
     * Raises the first readable offset to {@code offset} (at most the readable end) and drops index
     * entries of batches wholly below it; a batch straddling it stays (and is returned whole).
     */
    void trimTo(long offset) {
        long to = Math.min(offset, readableEnd());
        if (to <= trimOffset) {
            return;
        }
        trimOffset = to;
        int drop = index.find(to);
        if (drop > 0) {
            System.arraycopy(sizes, drop, sizes, 0, index.size() - drop);
            index.dropFirst(drop);
        }
    }

    /** Whether a trim to {@code offset} removes the whole range (sealed and nothing left, or a drop). */
    boolean droppedBy(long offset) {
        return offset == Long.MAX_VALUE || (isSealed() && offset >= sealedEnd);
    }

    void sealAt(long end) {
        index.truncateFrom(end);
        sealedEnd = end;
        sealing = true;
        durableEnd = Math.min(durableEnd, end);
        acceptedEnd = end;
    }

    /** Appends this range's durable state to a CHECKPOINT record (see {@link WalRecords}). */
    void writeCheckpoint(ByteBuffer out) {
        out.putLong(key.streamId()).putInt(key.index()).putLong(startOffset).putLong(trimOffset).putLong(epoch)
                .putLong(durableEnd).putLong(sealedEnd).putInt(index.size());
        for (int i = 0; i < index.size(); i++) {
            out.putLong(index.baseOffset(i)).putInt(index.recordCount(i)).putLong(index.maxTimestamp(i))
                    .putLong(index.walPosition(i)).putInt(sizes[i]);
        }
    }

    int checkpointBytes() {
        return WalRecords.CHECKPOINT_RANGE_BYTES + index.size() * WalRecords.CHECKPOINT_BATCH_BYTES;
    }

    /** A range as a CHECKPOINT record holds it. */
    static RangeState readCheckpoint(ByteBuffer in) {
        RangeKey key = new RangeKey(in.getLong(), in.getInt());
        RangeState r = new RangeState(key, in.getLong(), 0);
        r.trimOffset = in.getLong();
        r.epoch = in.getLong();
        long durableEnd = in.getLong();
        long sealedEnd = in.getLong();
        int batches = in.getInt();
        for (int i = 0; i < batches; i++) {
            long base = in.getLong();
            int count = in.getInt();
            long maxTs = in.getLong();
            long position = in.getLong();
            r.addDurableBatch(base, count, maxTs, position, in.getInt());
        }
        r.durableEnd = durableEnd;
        r.acceptedEnd = durableEnd;
        if (sealedEnd >= 0) {
            r.sealedEnd = sealedEnd;
            r.sealing = true;
        }
        return r;
    }
}
