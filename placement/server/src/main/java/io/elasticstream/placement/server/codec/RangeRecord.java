package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.RangeInfo;

import java.util.List;

/**
 * The value at {@code ranges/<stream>/<index>}: {@code [startOffset, endOffset)} ({@code endOffset} is
 * {@link RangeInfo#OPEN} while open), the epoch of the writer that created it, and the ids of the range
 * servers holding it. Addresses are looked up at read time, so a server that re-registers at a new
 * address is found there.
 */
public record RangeRecord(long streamId, int index, long startOffset, long endOffset, long epoch,
                          List<Integer> replicaIds) {
    public RangeRecord {
        replicaIds = List.copyOf(replicaIds);
    }

    public boolean isSealed() {
        return endOffset != RangeInfo.OPEN;
    }

    public RangeRecord sealedAt(long end) {
        return new RangeRecord(streamId, index, startOffset, end, epoch, replicaIds);
    }
}
