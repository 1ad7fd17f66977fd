package io.elasticstream.rangestore.server.store;

/**
 * One range on this server. Guarded by its own monitor.
 *
 * <p>Offsets: {@code startOffset <= durableEnd <= acceptedEnd}. {@code acceptedEnd} advances when an
 * append is accepted (and queued to the WAL), {@code durableEnd} when the WAL confirms it; readers see
 * only {@code [startOffset, durableEnd)}. Once {@code sealing}, no append is accepted; once sealed,
 * {@code sealedEnd} is final and the range never changes again.
 */
final class RangeState {
    final RangeKey key;
    final long startOffset;
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

    void sealAt(long end) {
        index.truncateFrom(end);
        sealedEnd = end;
        sealing = true;
        durableEnd = Math.min(durableEnd, end);
        acceptedEnd = end;
    }
}
