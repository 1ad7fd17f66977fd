package io.elasticstream.broker.partition;

import io.elasticstream.placement.api.RangeInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partition's leader epochs and the offsets where each began, derived from its stream's ranges (every
 * range records the writer epoch that created it, and leader epoch == stream epoch): Kafka's
 * {@code LeaderEpochFileCache} without a file. As in Kafka, an epoch that starts where a later one
 * starts (it wrote nothing) is dropped, and the entries below the log start offset collapse into one
 * starting at it.
 */
public final class LeaderEpochCache {
    public static final int UNDEFINED_EPOCH = -1;
    public static final long UNDEFINED_EPOCH_OFFSET = -1;

    /** Epoch to start offset, in epoch order (and so in offset order). */
    private final TreeMap<Integer, Long> epochs = new TreeMap<>();

    /** An epoch and its end offset, as OffsetForLeaderEpoch answers them. */
    public record EpochEndOffset(int epoch, long endOffset) {
    }

    /**
     * @param ranges         the stream's ranges in index order (the open one last)
     * @param logStartOffset the partition's log start offset
     */
    public static LeaderEpochCache fromRanges(List<RangeInfo> ranges, long logStartOffset) {
        LeaderEpochCache cache = new LeaderEpochCache();
        for (RangeInfo range : ranges) {
            cache.assign(Math.toIntExact(range.epoch()), range.startOffset());
        }
        cache.truncateFromStart(logStartOffset);
        return cache;
    }

    private void assign(int epoch, long startOffset) {
        Map.Entry<Integer, Long> latest = epochs.lastEntry();
        if (latest != null && latest.getKey() == epoch) {
            return; // a later range of the same writer
        }
        epochs.entrySet().removeIf(e -> e.getKey() >= epoch || e.getValue() >= startOffset);
        epochs.put(epoch, startOffset);
    }

    private void truncateFromStart(long startOffset) {
        Map.Entry<Integer, Long> lastBelow = null;
        for (Map.Entry<Integer, Long> e : epochs.entrySet()) {
            if (e.getValue() <= startOffset) {
                lastBelow = e;
            }
        }
        if (lastBelow != null) {
            int epoch = lastBelow.getKey();
            epochs.entrySet().removeIf(e -> e.getValue() <= startOffset);
            epochs.put(epoch, startOffset);
        }
    }

    /** Epochs and their start offsets, in order. */
    public Map<Integer, Long> entries() {
        return Map.copyOf(epochs);
    }

    /**
     * Kafka's {@code endOffsetFor}: the largest known epoch at or below {@code requestedEpoch} and the start
     * of the first epoch above it, or {@code logEndOffset} for the latest epoch.
     */
    public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH) {
            return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        }
        if (!epochs.isEmpty() && epochs.lastKey() == requestedEpoch) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = epochs.higherEntry(requestedEpoch);
        if (higher == null) {
            return new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        }
        Map.Entry<Integer, Long> floor = epochs.floorEntry(requestedEpoch);
        return floor == null ? new EpochEndOffset(requestedEpoch, higher.getValue())
                : new EpochEndOffset(floor.getKey(), higher.getValue());
    }
}
