package io.elasticstream.rangestore.server.store;

import java.util.Arrays;

/**
 * Index of one range's batches in offset order: base offset, record count, max timestamp and WAL
 * position of each. Backed by growable primitive arrays (no object per batch). Not thread-safe: the
 * owning {@link RangeState}'s monitor guards it.
 */
final class BatchIndex {
    private long[] baseOffsets = new long[16];
    private int[] recordCounts = new int[16];
    private long[] maxTimestamps = new long[16];
    private long[] walPositions = new long[16];
    private int size;

    void add(long baseOffset, int recordCount, long maxTimestamp, long walPosition) {
        if (size == baseOffsets.length) {
            int n = size * 2;
            baseOffsets = Arrays.copyOf(baseOffsets, n);
            recordCounts = Arrays.copyOf(recordCounts, n);
            maxTimestamps = Arrays.copyOf(maxTimestamps, n);
            walPositions = Arrays.copyOf(walPositions, n);
        }
        baseOffsets[size] = baseOffset;
        recordCounts[size] = recordCount;
        maxTimestamps[size] = maxTimestamp;
        walPositions[size] = walPosition;
        size++;
    }

    /** Drops every batch starting at or after {@code offset} (a seal below the accepted end). */
    void truncateFrom(long offset) {
        while (size > 0 && baseOffsets[size - 1] >= offset) {
            size--;
        }
    }

    /** Drops the first {@code n} batches (records trimmed away). */
    void dropFirst(int n) {
        if (n <= 0) {
            return;
        }
        int keep = size - n;
        System.arraycopy(baseOffsets, n, baseOffsets, 0, keep);
        System.arraycopy(recordCounts, n, recordCounts, 0, keep);
        System.arraycopy(maxTimestamps, n, maxTimestamps, 0, keep);
        System.arraycopy(walPositions, n, walPositions, 0, keep);
        size = keep;
    }

    int size() {
        return size;
    }

    /** Index of the batch containing {@code offset}, or of the first batch after it; size() if none. */
    int find(long offset) {
        int lo = 0;
        int hi = size - 1;
        int found = size;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (baseOffsets[mid] + recordCounts[mid] > offset) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    long baseOffset(int i) {
        return baseOffsets[i];
    }

    int recordCount(int i) {
        return recordCounts[i];
    }

    long maxTimestamp(int i) {
        return maxTimestamps[i];
    }

    long walPosition(int i) {
        return walPositions[i];
    }
}
