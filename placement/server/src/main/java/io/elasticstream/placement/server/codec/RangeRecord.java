package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.RangeInfo;

import java.util.List;

/**
 * One range of a stream: {@code [startOffset, endOffset)} ({@code endOffset} is {@link RangeInfo#OPEN}
 * while open), the epoch of the writer that created it, and the ids of the range servers holding it.
 * Addresses are looked up at read time, so a server that re-registers at a new address is found there.
 *
 * <p>{@code verified}: PD has checked that every one of the stream's replica count of replicas holds the
 * whole sealed range (see {@code RangeRepairer}); any change of the replicas clears it. Only verified
 * ranges are compacted into runs ({@link Codecs#RANGES}).
 */
public record RangeRecord(long streamId, int index, long startOffset, long endOffset, long epoch,
                          List<Integer> replicaIds, boolean verified) {
    public RangeRecord {
        replicaIds = List.copyOf(replicaIds);
    }

    /** A range not (yet) verified. */
    public RangeRecord(long streamId, int index, long startOffset, long endOffset, long epoch,
                       List<Integer> replicaIds) {
        this(streamId, index, startOffset, endOffset, epoch, replicaIds, false);
    }

    public boolean isSealed() {
        return endOffset != RangeInfo.OPEN;
    }

    /** Whether the range holds records (sealed ranges only; an open range's end is not known). */
    public boolean hasData() {
        return isSealed() && endOffset > startOffset;
    }

    public RangeRecord sealedAt(long end) {
        return new RangeRecord(streamId, index, startOffset, end, epoch, replicaIds, false);
    }

    /** The same range on {@code replicas}, to be verified again. */
    public RangeRecord withReplicas(List<Integer> replicas) {
        return new RangeRecord(streamId, index, startOffset, endOffset, epoch, replicas, false);
    }

    public RangeRecord asVerified() {
        return new RangeRecord(streamId, index, startOffset, endOffset, epoch, replicaIds, true);
    }
}
