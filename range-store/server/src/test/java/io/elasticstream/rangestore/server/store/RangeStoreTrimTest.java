package io.elasticstream.rangestore.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.rangestore.protocol.Status;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RangeStoreTrimTest extends RangeStoreFixture {
    private static final long STREAM = 9;

    private Status fetchStatus(int index, long offset) {
        return assertThrows(RangeStoreException.class, () -> store.fetch(STREAM, index, offset, -1, 1 << 20)).status();
    }

    /** Range 0: five batches of two records, [0, 10). */
    private void fiveBatches(int index, long epoch) {
        store.createRange(STREAM, index, 0, epoch).join();
        for (int i = 0; i < 5; i++) {
            store.append(STREAM, index, epoch, 2L * i, 2, i, bytes("b" + i)).join();
        }
    }

    @Test
    void trimMakesOffsetsBelowTheNewStartUnreadableAndKeepsTheStraddlingBatchWhole() {
        open();
        fiveBatches(0, 1);
        assertEquals(5L, store.trim(STREAM, 0, 5).join());
        assertEquals(5, store.startOffset(STREAM, 0));
        assertEquals(Status.OFFSET_OUT_OF_RANGE, fetchStatus(0, 4));
        FetchResult r = store.fetch(STREAM, 0, 5, -1, 1 << 20);
        assertEquals(3, r.batches().size(), "batches [0,2) and [2,4) are gone, [4,6) straddles the start");
        assertEquals(4, r.batches().getFirst().baseOffset());
        assertEquals("b2", text(r.batches().getFirst()));
        assertEquals(12L, store.append(STREAM, 0, 1, 10, 2, 0, bytes("b5")).join(), "an open range keeps appending");
    }

    @Test
    void trimIsIdempotentAndNeverLowersTheStart() {
        open();
        fiveBatches(0, 1);
        long before = wal.appendCount();
        assertEquals(6L, store.trim(STREAM, 0, 6).join());
        assertEquals(6L, store.trim(STREAM, 0, 6).join());
        assertEquals(6L, store.trim(STREAM, 0, 3).join());
        assertEquals(before + 1, wal.appendCount(), "only the first trim is logged");
        assertEquals(RangeStore.DROPPED, store.trim(STREAM, 42, 6).join(), "an unknown range is trimmed already");
    }

    @Test
    void anOpenRangeIsTrimmedAtMostToWhatItHolds() {
        open();
        fiveBatches(0, 1);
        assertEquals(10L, store.trim(STREAM, 0, 1_000).join());
        assertTrue(store.fetch(STREAM, 0, 10, -1, 1 << 20).batches().isEmpty());
        assertEquals(12L, store.append(STREAM, 0, 1, 10, 2, 0, bytes("b5")).join());
        assertEquals("b5", text(store.fetch(STREAM, 0, 10, -1, 1 << 20).batches().getFirst()));
    }

    @Test
    void trimmingASealedRangeAtItsEndOrAnyRangeToMaxDropsIt() {
        open();
        fiveBatches(0, 1);
        store.seal(STREAM, 0, 2, -1).join();
        fiveBatches(1, 2);
        assertEquals(RangeStore.DROPPED, store.trim(STREAM, 0, 10).join());
        assertEquals(Status.RANGE_NOT_FOUND, fetchStatus(0, 10));
        assertEquals(-1, store.readableEnd(STREAM, 0));
        assertEquals(RangeStore.DROPPED, store.trim(STREAM, 1, RangeStore.DROPPED).join(), "a deleted stream");
        assertEquals(Status.RANGE_NOT_FOUND, statusOf(store.append(STREAM, 1, 2, 10, 1, 0, bytes("x"))));
        assertEquals(0, store.rangeCount());
    }

    @Test
    void trimsAndDropsSurviveARestart() {
        open();
        fiveBatches(0, 1);
        store.seal(STREAM, 0, 2, -1).join();
        fiveBatches(1, 2);
        fiveBatches(2, 3);
        store.trim(STREAM, 0, 10).join();
        store.trim(STREAM, 1, 7).join();
        store.trim(STREAM, 2, 3).join();
        store.append(STREAM, 2, 3, 10, 1, 0, bytes("after-trim")).join();
        restart();

        assertEquals(-1, store.readableEnd(STREAM, 0), "the dropped range stays dropped");
        assertEquals(7, store.startOffset(STREAM, 1));
        assertEquals(Status.OFFSET_OUT_OF_RANGE, fetchStatus(1, 6));
        assertEquals(6, store.fetch(STREAM, 1, 7, -1, 1 << 20).batches().getFirst().baseOffset());
        assertEquals(3, store.startOffset(STREAM, 2));
        assertEquals(11, store.readableEnd(STREAM, 2));
        assertEquals("after-trim", text(store.fetch(STREAM, 2, 10, -1, 1 << 20).batches().getFirst()));
    }
}
