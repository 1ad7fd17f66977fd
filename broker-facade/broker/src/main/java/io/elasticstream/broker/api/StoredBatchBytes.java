package io.elasticstream.broker.api;

import io.elasticstream.rangestore.protocol.StoredBatch;
import java.nio.ByteBuffer;
import java.util.List;

/** The bytes of stored batches as a fetch answers them: one buffer, the batches back to back, as stored. */
final class StoredBatchBytes {
    private StoredBatchBytes() {
    }

    /** Copies the first {@code count} of {@code batches} into one buffer, ready to read. */
    static ByteBuffer copy(List<StoredBatch> batches, int count) {
        int size = 0;
        for (int i = 0; i < count; i++) {
            size += batches.get(i).data().readableBytes();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (int i = 0; i < count; i++) {
            StoredBatch b = batches.get(i);
            int length = b.data().readableBytes();
            b.data().getBytes(b.data().readerIndex(), out.slice(out.position(), length));
            out.position(out.position() + length);
        }
        return out.flip();
    }
}
