package io.elasticstream.placement.api;

import java.util.List;

/**
 * A stream: its writer epoch, trim point, replication settings and ranges in index order. Only the
 * last range may be open.
 */
public record StreamInfo(long streamId, long epoch, long startOffset, int replicaCount, int ackCount,
                         List<RangeInfo> ranges) {
    public StreamInfo {
        ranges = List.copyOf(ranges);
    }

    /** The last range, or null if the stream has none yet. */
    public RangeInfo lastRange() {
        return ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
    }
}
