package io.elasticstream.placement.api;

import java.util.List;

/**
 * A slice {@code [startOffset, endOffset)} of a stream on a fixed set of range servers.
 * {@code endOffset} is {@link #OPEN} while the range is the stream's open last range.
 * {@code epoch} is the writer epoch that created it.
 */
public record RangeInfo(long streamId, int index, long startOffset, long endOffset, long epoch,
                        List<RangeServerInfo> replicas) {
    public static final long OPEN = -1;

    public RangeInfo {
        replicas = List.copyOf(replicas);
    }

    public boolean isSealed() {
        return endOffset != OPEN;
    }

    public RangeInfo sealedAt(long end) {
        return new RangeInfo(streamId, index, startOffset, end, epoch, replicas);
    }
}
