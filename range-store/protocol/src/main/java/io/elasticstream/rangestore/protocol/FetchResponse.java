package io.elasticstream.rangestore.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches read from a range, in offset order, plus the range's end on this replica (so a reader
 * at the end of a sealed range knows to move on).
 * <pre>int16 status, int64 rangeEndOffset, int32 count, count * (int64 baseOffset, int32 recordCount,
 * int64 maxTimestamp, int32 length, bytes data)</pre>
 */
public record FetchResponse(long rangeEndOffset, List<StoredBatch> batches) {
    private static final int BATCH_HEADER_BYTES = 8 + 4 + 8 + 4;

    /** Encodes without copying batch data; consumes the batches' references. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        CompositeByteBuf out = alloc.compositeBuffer(1 + batches.size() * 2);
        out.addComponent(true, alloc.buffer(14).writeShort(Status.OK.code()).writeLong(rangeEndOffset)
                .writeInt(batches.size()));
        for (StoredBatch b : batches) {
            out.addComponent(true, alloc.buffer(BATCH_HEADER_BYTES).writeLong(b.baseOffset()).writeInt(b.recordCount())
                    .writeLong(b.maxTimestamp()).writeInt(b.data().readableBytes()));
            out.addComponent(true, b.data());
        }
        return out;
    }

    /** Decodes; each batch's data is a retained slice of {@code buf}. */
    public static FetchResponse decode(ByteBuf buf) {
        Responses.checkStatus(buf);
        long end = buf.readLong();
        int count = buf.readInt();
        List<StoredBatch> batches = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long base = buf.readLong();
            int records = buf.readInt();
            long maxTs = buf.readLong();
            int length = buf.readInt();
            batches.add(new StoredBatch(base, records, maxTs, buf.readRetainedSlice(length)));
        }
        return new FetchResponse(end, batches);
    }

    public void release() {
        for (StoredBatch b : batches) {
            b.data().release();
        }
    }
}
