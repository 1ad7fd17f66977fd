package io.elasticstream.rangestore.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalQueueFullException;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RangeStoreTest extends RangeStoreFixture {
    private static final long STREAM = 7;

    @Test
    void aSealThatFindsTheRangeMissingFencesTheOlderWritersLateCreateAndAppendsEvenAfterARestart() {
        open();
        // The new writer (epoch 3) seals the last range; this replica never got its CreateRange.
        assertEquals(Status.RANGE_NOT_FOUND, statusOf(store.seal(STREAM, 4, 3, -1)));
        // The old writer's (epoch 2) CreateRange arrives late: refused, so it can never confirm data here.
        assertEquals(Status.FENCED, statusOf(store.createRange(STREAM, 4, 100, 2)));
        assertEquals(100L, store.createRange(STREAM, 5, 100, 3).join(), "the new writer goes on");
        assertEquals(101L, store.append(STREAM, 5, 3, 100, 1, 0L, bytes("new")).join());
        assertEquals(Status.FENCED, statusOf(store.append(STREAM, 5, 2, 101, 1, 0L, bytes("old"))));

        wal.close();
        open();
        assertEquals(Status.FENCED, statusOf(store.createRange(STREAM, 4, 100, 2)), "the fence is durable");
        assertEquals(102L, store.append(STREAM, 5, 3, 101, 1, 0L, bytes("more")).join());
    }

    @Test
    void aFullWriteQueueIsARetriableOverloadAnswerAndTheRangeTakesTheSameAppendLater() {
        RefusingWal refusing = new RefusingWal(Wals.open(dir, WalConfig.defaults()));
        open(refusing);
        store.createRange(STREAM, 0, 0, 1).join();
        assertEquals(2L, store.append(STREAM, 0, 1, 0, 2, 0L, bytes("ab")).join());

        refusing.refuseNext = true;
        Status refused = statusOf(store.append(STREAM, 0, 1, 2, 1, 0L, bytes("c")));
        assertEquals(Status.OVERLOADED, refused);
        assertTrue(refused.retriable());

        assertEquals(3L, store.append(STREAM, 0, 1, 2, 1, 0L, bytes("c")).join(), "the same append is taken later");
        FetchResult all = store.fetch(STREAM, 0, 0, -1, 1 << 20);
        assertEquals(2, all.batches().size());
        assertEquals("c", text(all.batches().get(1)));
        assertEquals(3L, store.seal(STREAM, 0, 1, -1).join(), "the range is healthy: it seals at its end");
    }

    /** A real log that refuses the next append as overloaded when told to: fault injection. */
    private static final class RefusingWal implements Wal {
        private final Wal delegate;
        volatile boolean refuseNext;

        RefusingWal(Wal delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Long> append(ByteBuffer record) {
            if (refuseNext) {
                refuseNext = false;
                return CompletableFuture.failedFuture(new WalQueueFullException("WAL queue full (injected)"));
            }
            return delegate.append(record);
        }

        @Override
        public ByteBuffer read(long position) {
            return delegate.read(position);
        }

        @Override
        public void replay(long fromPosition, RecordVisitor visitor) {
            delegate.replay(fromPosition, visitor);
        }

        @Override
        public long endPosition() {
            return delegate.endPosition();
        }

        @Override
        public long appendCount() {
            return delegate.appendCount();
        }

        @Override
        public long syncCount() {
            return delegate.syncCount();
        }

        @Override
        public long bytesWritten() {
            return delegate.bytesWritten();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void appendsAreContiguousAndReadBackAsWholeBatchesInOrder() {
        open();
        store.createRange(STREAM, 0, 100, 1).join();
        assertEquals(103L, store.append(STREAM, 0, 1, 100, 3, 10L, bytes("a")).join());
        assertEquals(105L, store.append(STREAM, 0, 1, 103, 2, 20L, bytes("bb")).join());
        assertEquals(Status.OFFSET_MISMATCH, statusOf(store.append(STREAM, 0, 1, 104, 1, 0L, bytes("x"))));

        FetchResult all = store.fetch(STREAM, 0, 101, -1, 1 << 20);
        assertEquals(105, all.rangeEndOffset());
        assertEquals(2, all.batches().size());
        assertEquals(100, all.batches().get(0).baseOffset(), "the batch containing offset 101 comes whole");
        assertEquals("a", text(all.batches().get(0)));
        assertEquals("bb", text(all.batches().get(1)));
        assertEquals(20L, all.batches().get(1).maxTimestamp());
    }

    @Test
    void fetchReturnsAtLeastOneBatchAndHonoursMaxBytesAndTheReaderBound() {
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        for (int i = 0; i < 5; i++) {
            store.append(STREAM, 0, 1, i, 1, i, bytes("0123456789")).join();
        }
        assertEquals(1, store.fetch(STREAM, 0, 0, -1, 1).batches().size());
        assertEquals(2, store.fetch(STREAM, 0, 0, -1, 25).batches().size());
        assertEquals(3, store.fetch(STREAM, 0, 0, 3, 1 << 20).batches().size(), "stops at the visibility bound");
        assertTrue(store.fetch(STREAM, 0, 5, -1, 100).batches().isEmpty(), "reading at the end is empty");
        RangeStoreException beyond = assertThrows(RangeStoreException.class, () -> store.fetch(STREAM, 0, 6, -1, 100));
        assertEquals(Status.OFFSET_OUT_OF_RANGE, beyond.status());
    }

    @Test
    void sealFixesTheEndFencesOlderEpochsAndRefusesAppends() {
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        store.append(STREAM, 0, 1, 0, 4, 0, bytes("abcd")).join();
        assertEquals(4L, store.seal(STREAM, 0, 2, -1).join(), "seal at the replica's end");
        assertEquals(4L, store.seal(STREAM, 0, 2, 4).join(), "sealing again at the same end is idempotent");
        assertEquals(Status.RANGE_SEALED, statusOf(store.append(STREAM, 0, 2, 4, 1, 0, bytes("e"))));
        assertEquals(Status.FENCED, statusOf(store.append(STREAM, 0, 1, 4, 1, 0, bytes("e"))));
        assertEquals(Status.FENCED, statusOf(store.seal(STREAM, 0, 1, -1)));
        assertEquals(Status.INVALID_REQUEST, statusOf(store.seal(STREAM, 0, 2, 3)));
    }

    @Test
    void sealBelowTheAcceptedEndDropsTheTailBeyondIt() {
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        store.append(STREAM, 0, 1, 0, 2, 0, bytes("ab")).join();
        store.append(STREAM, 0, 1, 2, 2, 0, bytes("cd")).join();
        assertEquals(2L, store.seal(STREAM, 0, 2, 2).join());
        FetchResult r = store.fetch(STREAM, 0, 0, -1, 1 << 20);
        assertEquals(2, r.rangeEndOffset());
        assertEquals(1, r.batches().size());
    }

    @Test
    void everyAcknowledgedChangeSurvivesARestartThroughWalReplay() {
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        store.append(STREAM, 0, 1, 0, 2, 5, bytes("first")).join();
        store.seal(STREAM, 0, 2, -1).join();
        store.createRange(STREAM, 1, 2, 2).join();
        store.append(STREAM, 1, 2, 2, 3, 6, bytes("second")).join();
        wal.close();

        open();
        assertEquals(2, store.readableEnd(STREAM, 0));
        assertEquals(5, store.readableEnd(STREAM, 1));
        assertEquals(Status.RANGE_SEALED, statusOf(store.append(STREAM, 0, 2, 2, 1, 0, bytes("x"))));
        assertEquals("second", text(store.fetch(STREAM, 1, 4, -1, 100).batches().getFirst()));
        assertEquals(6L, store.append(STREAM, 1, 2, 5, 1, 0, bytes("third")).join(), "appends continue after restart");
    }

    @Test
    void createRangeIsIdempotentButRefusesADifferentStart() {
        open();
        assertEquals(10L, store.createRange(STREAM, 0, 10, 1).join());
        store.append(STREAM, 0, 1, 10, 1, 0, bytes("a")).join();
        assertEquals(11L, store.createRange(STREAM, 0, 10, 1).join());
        assertEquals(Status.INVALID_REQUEST, statusOf(store.createRange(STREAM, 0, 0, 1)));
        assertEquals(Status.RANGE_NOT_FOUND, statusOf(store.append(STREAM, 5, 1, 0, 1, 0, bytes("a"))));
    }

    @Test
    void dataReadBackIsByteExact() {
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        byte[] payload = new byte[70_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 31);
        }
        store.append(STREAM, 0, 1, 0, 1, 0, ByteBuffer.wrap(payload)).join();
        ByteBuffer read = store.fetch(STREAM, 0, 0, -1, 1).batches().getFirst().data();
        byte[] out = new byte[read.remaining()];
        read.get(out);
        assertArrayEquals(payload, out);
    }
}
