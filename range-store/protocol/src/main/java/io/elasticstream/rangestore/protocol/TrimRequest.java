package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Drops a range's records below {@code newStartOffset} on a replica (after PD recorded the stream's
 * trim). Idempotent: a trim at or below the range's current start changes nothing, and trimming a range
 * that is not there (never created, or already dropped) succeeds. A sealed range trimmed at or past its
 * end, or any range trimmed to {@link #DROP_RANGE}, is dropped entirely (its state and records go). An
 * open range keeps taking appends: its start rises at most to what it holds. Fetches below the new start
 * fail with {@link Status#OFFSET_OUT_OF_RANGE}. Response: {@link OffsetResponse} with the range's start
 * after the trim, or {@link #DROP_RANGE} if the range is gone.
 * <pre>int64 streamId, int32 index, int64 newStartOffset</pre>
 */
public record TrimRequest(long streamId, int index, long newStartOffset) {
    /** Trim point that drops the range whatever its state (a deleted stream). */
    public static final long DROP_RANGE = Long.MAX_VALUE;

    public ByteBuf encode(ByteBufAllocator alloc) {
        return alloc.buffer(20).writeLong(streamId).writeInt(index).writeLong(newStartOffset);
    }

    public static TrimRequest decode(ByteBuf buf) {
        return new TrimRequest(buf.readLong(), buf.readInt(), buf.readLong());
    }
}
