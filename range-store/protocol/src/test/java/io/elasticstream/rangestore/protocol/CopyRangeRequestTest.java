package io.elasticstream.rangestore.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyRangeRequestTest {

    @Test
    void copyRangeRequestRoundTripsWithItsSourcesInOrder() {
        CopyRangeRequest request = new CopyRangeRequest(7, 3, 100, 250, 4,
                List.of("10.0.0.1:9500", "range-server-é.example:9501"));
        ByteBuf wire = request.encode(ByteBufAllocator.DEFAULT);
        try {
            assertEquals(request, CopyRangeRequest.decode(wire));
            assertEquals(0, wire.readableBytes(), "nothing left over");
        } finally {
            wire.release();
        }
    }

    @Test
    void copyRangeHasItsOwnOpcodeThatNeverChanges() {
        assertEquals(6, Opcode.COPY_RANGE.code());
        assertEquals(Opcode.COPY_RANGE, Opcode.of((short) 6));
    }

    @Test
    void aRangeEndingBeforeItStartsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CopyRangeRequest(1, 0, 10, 9, 0, List.of()));
    }
}
