package io.elasticstream.rangestore.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.WalEngine;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Checkpoints, WAL segment reclamation after trims, and recovery from a checkpoint, on both WAL engines. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeStoreCheckpointTest extends RangeStoreFixture {
    private static final long STREAM = 3;
    private static final int BATCH_BYTES = 40_000;

    private WalEngine engine;

    /** 1 MiB segments, so a few dozen batches fill several. */
    private static WalConfig config() {
        return WalConfig.defaults().withMaxRecordSizeBytes(256 << 10).withSegmentSizeBytes(1 << 20);
    }

    /** The WAL of {@link #engine} in {@code dir/wal}, the store with its checkpoint beside it. */
    @Override
    void open() {
        wal = Wals.open(dir.resolve("wal"), config(), engine);
        store = RangeStore.open(wal, dir.resolve("range-store.checkpoint"));
    }

    private static byte[] payload(int index, long offset) {
        byte[] b = new byte[BATCH_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (offset * 31 + index * 7 + i);
        }
        return b;
    }

    /** Appends {@code count} one-record batches to a range, from its current end. */
    private void appendBatches(int index, long epoch, int count) {
        long end = store.readableEnd(STREAM, index);
        for (int i = 0; i < count; i++) {
            store.append(STREAM, index, epoch, end + i, 1, end + i, ByteBuffer.wrap(payload(index, end + i))).join();
        }
    }

    /** Everything readable in a range, checking every batch's bytes. Returns the base offsets read. */
    private List<Long> readAndVerify(RangeStore s, int index) {
        List<Long> bases = new ArrayList<>();
        long offset = s.startOffset(STREAM, index);
        long end = s.readableEnd(STREAM, index);
        while (offset < end) {
            for (ReadBatch b : s.fetch(STREAM, index, offset, -1, 1 << 20).batches()) {
                byte[] got = new byte[b.data().remaining()];
                b.data().duplicate().get(got);
                assertArrayEquals(payload(index, b.baseOffset()), got, "batch at " + b.baseOffset());
                bases.add(b.baseOffset());
                offset = b.baseOffset() + b.recordCount();
            }
        }
        return bases;
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            out.add(i);
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = WalEngine.class, names = {"IO_URING", "FILE_CHANNEL"})
    void aStreamFenceSurvivesACheckpointThatReleasedItsWalRecord(WalEngine engine) {
        this.engine = engine;
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        java.util.concurrent.CompletionException missing = assertThrows(java.util.concurrent.CompletionException.class,
                () -> store.seal(STREAM, 7, 5, -1).join());
        assertEquals(Status.RANGE_NOT_FOUND, ((RangeStoreException) missing.getCause()).status());
        appendBatches(0, 5, 40); // several segments after the FENCE record
        store.trim(STREAM, 0, 35).join();
        assertTrue(store.checkpoint() >= 1, "the segment holding the FENCE record is released");

        restart();
        java.util.concurrent.CompletionException fenced = assertThrows(java.util.concurrent.CompletionException.class,
                () -> store.createRange(STREAM, 7, 40, 4).join());
        assertEquals(Status.FENCED, ((RangeStoreException) fenced.getCause()).status(), "kept by the checkpoint");
    }

    @ParameterizedTest
    @EnumSource(value = WalEngine.class, names = {"IO_URING", "FILE_CHANNEL"})
    void aCheckpointBiggerThanOnePartGoesOutInPartsAndRecoveryRestoresEveryRangeFromThem(WalEngine engine) {
        this.engine = engine;
        open();
        for (int index = 0; index < 3; index++) {
            store.createRange(STREAM, index, index * 10L, 1).join();
            appendBatches(index, 1, 10);
            if (index < 2) {
                store.seal(STREAM, index, 1, -1).join();
            }
        }
        store.trim(STREAM, 0, 4).join();
        store.checkpointPartBytesForTest(100); // about 3 ranges * 56 + 30 batches * 32 bytes: a dozen parts
        long recordsBefore = wal.appendCount();
        store.checkpoint();
        long checkpointRecords = wal.appendCount() - recordsBefore;
        assertTrue(checkpointRecords >= 10, "barrier, parts and their list: " + checkpointRecords + " records");

        restart();
        assertTrue(store.recoveredRecordCount() <= checkpointRecords,
                "only the checkpoint's own records follow its barrier: " + store.recoveredRecordCount());
        assertEquals(range(4, 10), readAndVerify(store, 0));
        assertEquals(range(10, 20), readAndVerify(store, 1));
        assertEquals(range(20, 30), readAndVerify(store, 2));
        assertEquals(Status.RANGE_SEALED, assertThrows(java.util.concurrent.CompletionException.class,
                () -> store.append(STREAM, 1, 1, 20, 1, 0, ByteBuffer.wrap(payload(1, 20))).join())
                .getCause() instanceof RangeStoreException e ? e.status() : null);
        appendBatches(2, 1, 2);
        assertEquals(range(20, 32), readAndVerify(store, 2), "the open range takes appends after recovery");
    }

    @ParameterizedTest
    @EnumSource(value = WalEngine.class, names = {"IO_URING", "FILE_CHANNEL"})
    void trimmedDataFreesSegmentsAndRecoveryStillReturnsExactlyTheUntrimmedData(WalEngine engine) {
        this.engine = engine;
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        appendBatches(0, 1, 40);
        store.seal(STREAM, 0, 2, -1).join();
        store.createRange(STREAM, 1, 40, 2).join();
        appendBatches(1, 2, 40);
        int before = wal.segmentCount();
        assertTrue(before >= 3, "segments: " + before);
        assertEquals(0, store.checkpoint(), "nothing is trimmed yet: nothing to release");

        store.trim(STREAM, 0, 40).join(); // drops range 0
        store.trim(STREAM, 1, 65).join();
        int released = store.checkpoint();
        assertTrue(released >= 2, "released " + released);
        assertEquals(before - released, wal.segmentCount(), "the segment count falls");
        assertEquals(range(65, 80), readAndVerify(store, 1));

        restart();
        assertEquals(before - released, wal.segmentCount());
        assertEquals(-1, store.readableEnd(STREAM, 0), "the dropped range stays dropped");
        assertEquals(65, store.startOffset(STREAM, 1));
        assertEquals(range(65, 80), readAndVerify(store, 1), "exactly the untrimmed data");
        RangeStoreException below = assertThrows(RangeStoreException.class,
                () -> store.fetch(STREAM, 1, 64, -1, 1 << 20));
        assertEquals(Status.OFFSET_OUT_OF_RANGE, below.status());

        appendBatches(1, 2, 5);
        restart();
        assertEquals(range(65, 85), readAndVerify(store, 1), "appends after a reclaiming restart survive the next one");
    }

    @ParameterizedTest
    @EnumSource(value = WalEngine.class, names = {"IO_URING", "FILE_CHANNEL"})
    void recoveryFromACheckpointReplaysOnlyTheTailAndYieldsTheSameStateAsAFullReplay(WalEngine engine) {
        this.engine = engine;
        open();
        store.createRange(STREAM, 0, 0, 1).join();
        appendBatches(0, 1, 30);
        store.createRange(STREAM, 1, 100, 1).join();
        appendBatches(1, 1, 10);
        store.trim(STREAM, 0, 7).join();
        store.checkpoint();
        // The tail: 5 appends, a seal, a trim and a new range.
        appendBatches(0, 1, 5);
        store.seal(STREAM, 0, 2, -1).join();
        store.trim(STREAM, 1, 104).join();
        store.createRange(STREAM, 2, 200, 2).join();
        restart();

        assertEquals(8 + 2, store.recoveredRecordCount(), "the tail plus the checkpoint's barrier and record");
        RangeStore full = RangeStore.open(wal); // the same WAL, replayed from its start
        assertEquals(30 + 10 + 3 + 2 + 8, full.recoveredRecordCount());
        for (int index = 0; index < 3; index++) {
            assertEquals(full.startOffset(STREAM, index), store.startOffset(STREAM, index), "start of " + index);
            assertEquals(full.readableEnd(STREAM, index), store.readableEnd(STREAM, index), "end of " + index);
            assertEquals(readAndVerify(full, index), readAndVerify(store, index), "batches of " + index);
        }
        assertEquals(range(7, 35), readAndVerify(store, 0));
        assertEquals(Status.RANGE_SEALED, assertThrows(java.util.concurrent.CompletionException.class,
                () -> store.append(STREAM, 0, 2, 35, 1, 0, ByteBuffer.allocate(1)).join()).getCause() instanceof
                RangeStoreException e ? e.status() : null);
        assertEquals(11L, store.append(STREAM, 1, 1, 110, 1, 0, ByteBuffer.wrap(payload(1, 110))).join() - 100);
    }

    @org.junit.jupiter.api.Test
    void thePolicyCheckpointsAfterATrimOrEnoughWalGrowthAndOtherwiseNot() {
        engine = WalEngine.FILE_CHANNEL;
        open();
        List<Runnable> scheduled = new ArrayList<>();
        try (CheckpointPolicy policy = CheckpointPolicy.start(store, (task, delayMs) -> {
            scheduled.add(task);
            return () -> { };
        }, 1_000, 200_000)) {
            assertEquals(1, scheduled.size(), "the first check is scheduled");
            store.createRange(STREAM, 0, 0, 1).join();
            appendBatches(0, 1, 2);
            assertTrue(!policy.checkNow(), "80 KB of WAL and no trim: not due");
            store.trim(STREAM, 0, 1).join();
            assertTrue(policy.checkNow(), "a trim makes it due");
            assertTrue(!policy.checkNow(), "nothing since");
            appendBatches(0, 1, 6);
            assertTrue(policy.checkNow(), "240 KB of WAL growth makes it due");
            scheduled.getFirst().run();
            assertEquals(2, scheduled.size(), "each check schedules the next");
        }
        restart();
        assertEquals(range(1, 8), readAndVerify(store, 0));
    }

    @ParameterizedTest
    @EnumSource(value = WalEngine.class, names = {"IO_URING", "FILE_CHANNEL"})
    void checkpointsTakenDuringConcurrentAppendsAndTrimsLoseNothingAcknowledged(WalEngine engine) throws Exception {
        this.engine = engine;
        open();
        int writers = 4;
        int batches = 150;
        for (int w = 0; w < writers; w++) {
            store.createRange(STREAM, w, 0, 1).join();
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int index = w;
                done.add(pool.submit(() -> {
                    List<java.util.concurrent.CompletableFuture<Long>> acks = new ArrayList<>();
                    for (int i = 0; i < batches; i++) {
                        acks.add(store.append(STREAM, index, 1, i, 1, i, ByteBuffer.wrap(payload(index, i))));
                        if (i % 10 == 9) {
                            acks.forEach(java.util.concurrent.CompletableFuture::join);
                            acks.clear();
                            if (i % 50 == 49) {
                                store.trim(STREAM, index, i - 20).join();
                            }
                        }
                    }
                    acks.forEach(java.util.concurrent.CompletableFuture::join);
                }));
            }
            int checkpoints = 0;
            while (!done.stream().allMatch(java.util.concurrent.Future::isDone)) {
                store.checkpoint();
                checkpoints++;
            }
            for (java.util.concurrent.Future<?> f : done) {
                f.get();
            }
            assertTrue(checkpoints > 0);
        } finally {
            pool.shutdownNow();
        }
        store.checkpoint();
        restart();
        for (int w = 0; w < writers; w++) {
            assertEquals(batches, store.readableEnd(STREAM, w), "end of range " + w);
            assertEquals(batches - 1 - 20, store.startOffset(STREAM, w), "start of range " + w);
            assertEquals(range(batches - 1 - 20, batches), readAndVerify(store, w), "data of range " + w);
        }
    }
}
