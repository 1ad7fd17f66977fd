package io.elasticstream.rangestore.protocol;

import io.elasticstream.common.Checks;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the receiving range server to make itself a complete replica of the sealed range {@code index}
 * of a stream, {@code [startOffset, endOffset)}: it creates the range, reads the batches from the first
 * of {@code sources} ({@code host:port} of range servers holding the range) that can serve all of them,
 * appends them with their original offsets and seals at {@code endOffset}. Sent by PD to re-replicate a
 * range that lost a replica; the data flows between the range servers only. Idempotent: a replica that
 * already holds the range sealed at {@code endOffset} answers at once. Response: {@link OffsetResponse}
 * with the sealed end, sent only when the copy is durable.
 * <pre>int64 streamId, int32 index, int64 startOffset, int64 endOffset, int64 epoch,
 * int16 sourceCount, sourceCount * (int16 length, bytes utf8 "host:port")</pre>
 */
public record CopyRangeRequest(long streamId, int index, long startOffset, long endOffset, long epoch,
                               List<String> sources) {
    /** Bounds the request size; a range has a handful of replicas. */
    public static final int MAX_SOURCES = 64;

    public CopyRangeRequest {
        sources = List.copyOf(sources);
        Checks.argument(startOffset >= 0 && endOffset >= startOffset, "range [%d, %d) is not a valid sealed range",
                startOffset, endOffset);
        Checks.argument(sources.size() <= MAX_SOURCES, "%d sources, at most %d", sources.size(), MAX_SOURCES);
    }

    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf buf = alloc.buffer(38 + sources.size() * 24);
        buf.writeLong(streamId).writeInt(index).writeLong(startOffset).writeLong(endOffset).writeLong(epoch)
                .writeShort(sources.size());
        for (String source : sources) {
            int lengthAt = buf.writerIndex();
            buf.writeShort(0);
            buf.setShort(lengthAt, ByteBufUtil.writeUtf8(buf, source));
        }
        return buf;
    }

    public static CopyRangeRequest decode(ByteBuf buf) {
        long streamId = buf.readLong();
        int index = buf.readInt();
        long startOffset = buf.readLong();
        long endOffset = buf.readLong();
        long epoch = buf.readLong();
        int count = buf.readUnsignedShort();
        if (count > MAX_SOURCES) {
            throw new IllegalArgumentException(count + " sources, at most " + MAX_SOURCES);
        }
        List<String> sources = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int length = buf.readUnsignedShort();
            sources.add(buf.readCharSequence(length, StandardCharsets.UTF_8).toString());
        }
        return new CopyRangeRequest(streamId, index, startOffset, endOffset, epoch, sources);
    }
}
