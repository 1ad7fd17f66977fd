package io.elasticstream.rangestore.server.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link Wal} engine promises, run against real files. An engine's test extends this and
 * supplies {@link #open}; {@link #holdWriter} and {@link #releaseWriter} use the test hooks every engine
 * has (they are all {@link GroupCommitWal}s) so that group-commit tests are deterministic.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class WalContractTest {
    static final int HEADER_BYTES = 16;
    static final long AWAIT_SECONDS = 10;

    @TempDir
    Path dir;

    protected abstract Wal open(Path directory, WalConfig config);

    /**
     * The defaults with 1 MiB segments (and records of at most 256 KiB), so that every test's
     * preallocation is quick and some tests roll segments.
     */
    static WalConfig config() {
        return WalConfig.defaults().withMaxRecordSizeBytes(256 << 10).withSegmentSizeBytes(1 << 20);
    }

    /** Makes the engine's writer take nothing more from its queue until {@link #releaseWriter}. */
    static void holdWriter(Wal wal) {
        ((GroupCommitWal) wal).holdWriterForTest();
    }

    static void releaseWriter(Wal wal) {
        ((GroupCommitWal) wal).releaseWriterForTest();
    }

    /** The segment files in {@code directory}, in log order. */
    static List<Path> segmentFiles(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".wal")).sorted().toList();
        }
    }

    /** The segment file holding the log's tail (where a torn write would be). */
    static Path lastSegmentFile(Path directory) throws IOException {
        return segmentFiles(directory).getLast();
    }

    /** The positions {@link #writeAndClose} gave the records, and the end of the log after them. */
    record Written(List<Long> positions, long end) {
    }

    /** Opens the log in {@link #dir}, appends {@code payloads} as {@link #appendAll} does and closes it. */
    Written writeAndClose(WalConfig config, List<byte[]> payloads) throws Exception {
        try (Wal wal = open(dir, config)) {
            return new Written(appendAll(wal, payloads), wal.endPosition());
        }
    }

    // ------------------------------------------------------------------ appending and reading

    @Test
    void appendThenReadReturnsTheSameBytes() throws Exception {
        try (Wal wal = open(dir, config())) {
            byte[] payload = payload(7, 1000);
            long position = await(wal.append(ByteBuffer.wrap(payload)));
            assertArrayEquals(payload, bytesOf(wal.read(position)));
            long empty = await(wal.append(ByteBuffer.allocate(0)));
            assertEquals(0, wal.read(empty).remaining());
            assertEquals(empty + HEADER_BYTES, wal.endPosition());
        }
    }

    @Test
    void appendTakesTheBuffersRemainingBytesWithoutMovingIt() throws Exception {
        try (Wal wal = open(dir, config())) {
            ByteBuffer buffer = ByteBuffer.wrap(payload(3, 100)).position(10).limit(60);
            long position = await(wal.append(buffer));
            assertEquals(10, buffer.position());
            assertEquals(60, buffer.limit());
            byte[] expected = java.util.Arrays.copyOfRange(payload(3, 100), 10, 60);
            assertArrayEquals(expected, bytesOf(wal.read(position)));
        }
    }

    @Test
    void positionsStrictlyIncreaseAndReplayVisitsAllRecordsInOrder() throws Exception {
        try (Wal wal = open(dir, config())) {
            List<byte[]> payloads = payloads(200, 1, 300);
            List<Long> positions = appendAll(wal, payloads);
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1), "position " + i + " does not grow");
            }
            assertTrue(wal.endPosition() > positions.getLast());
            assertReplays(wal, 0, positions, payloads);
        }
    }

    @Test
    void replayStartsAtTheGivenRecordPosition() throws Exception {
        try (Wal wal = open(dir, config())) {
            List<byte[]> payloads = payloads(20, 5, 50);
            List<Long> positions = appendAll(wal, payloads);
            assertReplays(wal, positions.get(12), positions.subList(12, 20), payloads.subList(12, 20));
            assertReplays(wal, wal.endPosition(), List.of(), List.of());
            assertThrows(WalException.class, () -> wal.replay(positions.get(3) + 1, (p, r) -> { }));
            assertThrows(WalException.class, () -> wal.replay(wal.endPosition() + 1, (p, r) -> { }));
        }
    }

    @Test
    void readBeyondTheEndOrAtANonRecordPositionFails() throws Exception {
        try (Wal wal = open(dir, config())) {
            long first = await(wal.append(ByteBuffer.wrap(payload(1, 100))));
            long second = await(wal.append(ByteBuffer.wrap(payload(2, 100))));
            assertThrows(WalException.class, () -> wal.read(wal.endPosition()));
            assertThrows(WalException.class, () -> wal.read(wal.endPosition() + 1000));
            assertThrows(WalException.class, () -> wal.read(-1));
            assertThrows(WalException.class, () -> wal.read(first + 1));
            assertThrows(WalException.class, () -> wal.read(first + HEADER_BYTES + 10));
            assertArrayEquals(payload(2, 100), bytesOf(wal.read(second)));
        }
    }

    @Test
    void oversizedRecordIsRejectedAndTheLargestAllowedOneIsKept() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(1000);
        try (Wal wal = open(dir, config)) {
            long endBefore = wal.endPosition();
            assertFailsWithWalException(wal.append(ByteBuffer.allocate(1001)));
            assertEquals(endBefore, wal.endPosition());
            long position = await(wal.append(ByteBuffer.wrap(payload(9, 1000))));
            assertArrayEquals(payload(9, 1000), bytesOf(wal.read(position)));
        }
    }

    @Test
    void readsRunConcurrentlyWithAppends() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(3);
        try (Wal wal = open(dir, config())) {
            List<Future<Integer>> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                workers.add(executor.submit(() -> {
                    List<CompletableFuture<Long>> futures = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        futures.add(wal.append(ByteBuffer.wrap(payload(thread * 1000 + i, 64 + i))));
                    }
                    for (int i = 0; i < futures.size(); i++) {
                        long position = await(futures.get(i));
                        assertArrayEquals(payload(thread * 1000 + i, 64 + i), bytesOf(wal.read(position)));
                    }
                    return futures.size();
                }));
            }
            for (Future<Integer> worker : workers) {
                assertEquals(300, worker.get(AWAIT_SECONDS, TimeUnit.SECONDS));
            }
            assertEquals(900, wal.appendCount());
        } finally {
            executor.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ durability and recovery

    @Test
    void recordsSurviveCloseAndReopen() throws Exception {
        List<byte[]> payloads = payloads(50, 1, 2000);
        Written written = writeAndClose(config(), payloads);
        try (Wal wal = open(dir, config())) {
            assertEquals(written.end(), wal.endPosition());
            assertReplays(wal, 0, written.positions(), payloads);
            assertReadsBack(wal, written.positions(), payloads);
        }
    }

    /** Ways a crash can leave the bytes after the last synced record. */
    enum TornTail {
        PARTIAL_HEADER,
        HEADER_WITH_SHORT_PAYLOAD,
        FULL_RECORD_WITH_BAD_CRC,
        RANDOM_GARBAGE,
        ZERO_FILL
    }

    @ParameterizedTest
    @EnumSource(TornTail.class)
    void recoveryTruncatesTornTailAndKeepsEverySyncedRecord(TornTail tornTail) throws Exception {
        List<byte[]> payloads = payloads(30, 1, 500);
        Written written = writeAndClose(config(), payloads);
        long end = written.end();
        Path tail = lastSegmentFile(dir);
        long sizeBefore = Files.size(tail);
        byte[] garbage = switch (tornTail) {
            case PARTIAL_HEADER -> java.util.Arrays.copyOf(encodeRecord(end, payload(99, 100)), 7);
            case HEADER_WITH_SHORT_PAYLOAD -> java.util.Arrays.copyOf(encodeRecord(end, payload(99, 100)), 60);
            case FULL_RECORD_WITH_BAD_CRC -> {
                byte[] record = encodeRecord(end, payload(99, 100));
                record[HEADER_BYTES + 50] ^= 0x01;
                yield record;
            }
            case RANDOM_GARBAGE -> payload(12345, 3000);
            case ZERO_FILL -> new byte[4096];
        };
        Files.write(tail, garbage, StandardOpenOption.APPEND);

        List<byte[]> more = payloads(5, 1000, 200);
        List<Long> morePositions;
        try (Wal wal = open(dir, config())) {
            assertEquals(end, wal.endPosition());
            assertEquals(sizeBefore, Files.size(tail), "the torn tail must be cut off");
            assertReplays(wal, 0, written.positions(), payloads);
            morePositions = appendAll(wal, more);
            assertEquals(end, morePositions.getFirst(), "new appends continue right after the synced records");
        }
        try (Wal wal = open(dir, config())) {
            assertReplays(wal, 0, concat(written.positions(), morePositions), concat(payloads, more));
        }
    }

    @Test
    void staleRecordWithValidCrcButWrongPositionStopsRecovery() throws Exception {
        List<byte[]> payloads = payloads(3, 1, 100);
        Written written = writeAndClose(config(), payloads);
        List<Long> positions = written.positions();
        long end = written.end();
        // A record copied from elsewhere in the log (as a recycled file would hold), then a record that
        // would be valid at its place: recovery must stop at the first and drop both.
        byte[] stale = encodeRecord(positions.get(1), payloads.get(1));
        byte[] after = encodeRecord(end + stale.length, payload(77, 100));
        Path tail = lastSegmentFile(dir);
        long sizeBefore = Files.size(tail);
        Files.write(tail, stale, StandardOpenOption.APPEND);
        Files.write(tail, after, StandardOpenOption.APPEND);

        try (Wal wal = open(dir, config())) {
            assertEquals(end, wal.endPosition());
            assertEquals(sizeBefore, Files.size(tail));
            assertReplays(wal, 0, positions, payloads);
            assertThrows(WalException.class, () -> wal.read(end));
            long next = await(wal.append(ByteBuffer.wrap(payload(5, 10))));
            assertEquals(end, next);
            assertArrayEquals(payload(5, 10), bytesOf(wal.read(next)));
        }
    }

    @Test
    void recordThatDoesNotFitRollsToANewSegmentAndBothReplay() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(1008).withSegmentSizeBytes(1024);
        List<byte[]> payloads = payloads(7, 1, 300); // 274..316 bytes with headers: three per segment
        payloads.add(payload(500, 1008)); // exactly a whole segment
        payloads.add(payload(501, 0));
        List<Long> positions;
        try (Wal wal = open(dir, config)) {
            positions = appendAll(wal, payloads);
            assertReplays(wal, 0, positions, payloads);
        }
        assertTrue(segmentFiles(dir).size() >= 4,
                "records of 316 bytes in 1024-byte segments need several segments");
        try (Wal wal = open(dir, config)) {
            assertReplays(wal, 0, positions, payloads);
            assertReadsBack(wal, positions, payloads);
        }
    }

    @Test
    void segmentFilesArePreallocatedZeroFilledAndTheNextOneIsPreparedAhead() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(300).withSegmentSizeBytes(8192);
        try (Wal wal = open(dir, config)) {
            Path first = dir.resolve(WalSegment.fileName(0));
            assertEquals(8192, Files.size(first), "the tail segment exists at full size before any append");
            long position = await(wal.append(ByteBuffer.wrap(payload(1, 300))));
            byte[] bytes = Files.readAllBytes(first);
            for (int i = (int) wal.endPosition(); i < bytes.length; i++) {
                assertEquals(0, bytes[i], "byte " + i + " after the last record is not zero");
            }
            Path prepared = dir.resolve(SegmentPreallocator.PREPARED_FILE_NAME);
            awaitCondition(() -> Files.exists(prepared) && Files.size(prepared) == 8192, "next segment prepared");
            List<Long> positions = new ArrayList<>(List.of(position));
            for (int i = 0; i < 40; i++) {
                positions.add(await(wal.append(ByteBuffer.wrap(payload(2 + i, 300)))));
            }
            List<Path> segmentFiles = segmentFiles(dir);
            assertTrue(segmentFiles.size() >= 2, "41 records of 316 bytes roll 8 KiB segments");
            for (Path segment : segmentFiles) {
                assertEquals(8192, Files.size(segment), segment + " is preallocated");
            }
            for (int i = 0; i < positions.size(); i++) {
                assertArrayEquals(payload(i + 1, 300), bytesOf(wal.read(positions.get(i))));
            }
        }
    }

    @Test
    void recycledSegmentHoldingOldValidRecordsIsNotReplayed() throws Exception {
        List<byte[]> payloads = payloads(20, 1, 400);
        Written written = writeAndClose(config(), payloads);
        long end = written.end();
        // A file reused for the next segment still holds the records of an old one, each with a valid CRC
        // but the position where it used to lie.
        byte[] old = Files.readAllBytes(dir.resolve(WalSegment.fileName(0)));
        Files.write(dir.resolve(WalSegment.fileName(end)), old);
        List<Long> morePositions;
        List<byte[]> more = payloads(3, 500, 100);
        try (Wal wal = open(dir, config())) {
            assertEquals(end, wal.endPosition());
            assertReplays(wal, 0, written.positions(), payloads);
            assertThrows(WalException.class, () -> wal.read(end));
            morePositions = appendAll(wal, more);
            assertEquals(end, morePositions.getFirst());
        }
        try (Wal wal = open(dir, config())) {
            assertReplays(wal, 0, concat(written.positions(), morePositions), concat(payloads, more));
        }
    }

    @Test
    void oldBytesAfterTheLastRecordOfAFullSegmentDoNotCutTheLogShort() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(1008).withSegmentSizeBytes(1024);
        List<byte[]> payloads = payloads(9, 1, 300); // three records of 274..316 bytes per 1 KiB segment
        List<Long> positions = writeAndClose(config, payloads).positions();
        List<Path> segmentFiles = segmentFiles(dir);
        assertTrue(segmentFiles.size() >= 3, "segments: " + segmentFiles);
        // Where a reused file's old bytes would be: after the first segment's last record, up to its size.
        long firstEnd = WalSegment.parseBasePosition(segmentFiles.get(1).getFileName().toString());
        byte[] first = Files.readAllBytes(segmentFiles.getFirst());
        byte[] old = payload(4242, first.length - (int) firstEnd);
        System.arraycopy(old, 0, first, (int) firstEnd, old.length);
        Files.write(segmentFiles.getFirst(), first);

        try (Wal wal = open(dir, config)) {
            assertReplays(wal, 0, positions, payloads);
            assertReadsBack(wal, positions, payloads);
        }
    }

    @Test
    void aSegmentThatDoesNotStartWhereThePreviousEndsEndsTheLog() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(1008).withSegmentSizeBytes(1024);
        List<byte[]> payloads = payloads(9, 1, 300);
        List<Long> positions = writeAndClose(config, payloads).positions();
        // A bit flip in the first segment's second record: the next segment starts where the intact
        // segment ended, not where the damaged one now does, so nothing after the damage is trusted.
        Path firstSegment = dir.resolve(WalSegment.fileName(0));
        byte[] bytes = Files.readAllBytes(firstSegment);
        bytes[(int) (positions.get(1) + HEADER_BYTES + 5)] ^= 0x01;
        Files.write(firstSegment, bytes);
        try (Wal wal = open(dir, config)) {
            assertEquals(positions.get(1), wal.endPosition());
            assertReplays(wal, 0, positions.subList(0, 1), payloads.subList(0, 1));
            assertThrows(WalException.class, () -> wal.read(positions.get(5)));
        }
    }

    @Test
    void aReleasedSegmentFileIsReusedAsItIsWithoutRewritingIt() throws Exception {
        try (Wal wal = open(dir, config())) {
            appendAll(wal, payloads(45, 3, 50_000)); // about two 1 MiB segments of 20 records
            long next = await(wal.append(ByteBuffer.wrap(payload(99, 50_000))));
            Path firstSegment = dir.resolve(WalSegment.fileName(0));
            int oldValidBytes = validBytesOf(firstSegment, wal.endPosition());
            // The preparation started at the last roll has looked for a released file already (it creates the
            // prepared file only after that), so the released first segment waits, as recycled-1, for the next.
            Path prepared = dir.resolve(SegmentPreallocator.PREPARED_FILE_NAME);
            awaitCondition(() -> Files.exists(prepared), "the preparation started at the last roll");
            assertTrue(wal.releaseBefore(next) >= 1);
            Path recycled = dir.resolve(SegmentPreallocator.RECYCLED_PREFIX + "1" + SegmentPreallocator.RECYCLED_SUFFIX);
            assertTrue(Files.exists(recycled), "the released first segment waits for reuse");
            Object inode = Files.getAttribute(recycled, "unix:ino");
            byte[] before = Files.readAllBytes(recycled);

            // 13 records of 75,000 bytes a segment (975,208 bytes): less than the old 20 filled (998,990), so
            // whichever new segment takes the released file, its end lies before the end of the old records.
            appendAll(wal, java.util.Collections.nCopies(30, payload(4, 75_000)));
            Path reused = findFileWithInode(dir, inode);
            byte[] after = Files.readAllBytes(reused);
            assertEquals(before.length, after.length);
            int from = (validBytesOf(reused, wal.endPosition()) + 4095) / 4096 * 4096; // past the writer's padding
            int to = Math.min(oldValidBytes, from + 4096);
            assertTrue(from < to, "the new records leave some of the old ones in place: " + from + " < " + to);
            byte[] old = java.util.Arrays.copyOfRange(before, from, to);
            assertTrue(!java.util.Arrays.equals(old, new byte[old.length]), "old records lie there");
            assertArrayEquals(old, java.util.Arrays.copyOfRange(after, from, to),
                    "bytes the new segment has not written are the old ones, not zeros");
        }
    }

    /** Bytes of records in {@code file}: up to where the next segment starts, or the log's end; 0 if not a segment. */
    private static int validBytesOf(Path file, long logEnd) throws IOException {
        long base = WalSegment.parseBasePosition(file.getFileName().toString());
        if (base < 0) {
            return 0;
        }
        try (Stream<Path> files = Files.list(file.getParent())) {
            long end = files.mapToLong(f -> WalSegment.parseBasePosition(f.getFileName().toString()))
                    .filter(b -> b > base).min().orElse(logEnd);
            return (int) (end - base);
        }
    }

    private static Path findFileWithInode(Path directory, Object inode) throws Exception {
        Path[] found = new Path[1];
        awaitCondition(() -> {
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    if (inode.equals(Files.getAttribute(file, "unix:ino"))
                            && !file.getFileName().toString().startsWith(SegmentPreallocator.RECYCLED_PREFIX)) {
                        found[0] = file;
                        return true;
                    }
                }
            }
            return false;
        }, "the released file to be taken for a new segment");
        return found[0];
    }

    // ------------------------------------------------------------------ segment reclamation

    private static long countFiles(Path directory, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void releasedSegmentsAreGoneAfterReopenAndTheRestStillReplaysExactly() throws Exception {
        List<byte[]> payloads = payloads(150, 9, 50_000); // about five 1 MiB segments
        List<Long> positions;
        int keepFrom = 100;
        long start;
        try (Wal wal = open(dir, config())) {
            positions = appendAll(wal, payloads);
            int before = wal.segmentCount();
            assertTrue(before >= 4, "segments: " + before);
            assertEquals(0, wal.releaseBefore(positions.get(1)), "the first segment still holds live records");

            int released = wal.releaseBefore(positions.get(keepFrom));
            assertTrue(released >= 2, "released " + released);
            assertEquals(before - released, wal.segmentCount());
            assertEquals(before - released, countFiles(dir, ".wal"));
            start = wal.startPosition();
            assertTrue(start > 0 && start <= positions.get(keepFrom), "start " + start);
            assertThrows(WalException.class, () -> wal.read(positions.getFirst()));
            int firstKept = positions.indexOf(start);
            assertTrue(firstKept >= 0, "a kept segment starts at a record");
            assertReplays(wal, 0, positions.subList(firstKept, positions.size()),
                    payloads.subList(firstKept, payloads.size()));
            assertEquals(0, wal.releaseBefore(positions.get(keepFrom)), "releasing again changes nothing");
        }
        try (Wal wal = open(dir, config())) {
            assertEquals(start, wal.startPosition(), "released segments stay released");
            int firstKept = positions.indexOf(start);
            assertReplays(wal, 0, positions.subList(firstKept, positions.size()),
                    payloads.subList(firstKept, payloads.size()));
            assertEquals(0, countFiles(dir, ".prealloc") - (Files.exists(dir.resolve(
                    SegmentPreallocator.PREPARED_FILE_NAME)) ? 1 : 0), "unused recycled files are deleted at open");
        }
    }

    @Test
    void releasedSegmentFilesAreReusedForNewSegmentsAndTheirOldRecordsNeverResurface() throws Exception {
        List<byte[]> first = payloads(60, 3, 50_000);
        List<byte[]> second = payloads(60, 4, 50_000);
        List<Long> secondPositions;
        try (Wal wal = open(dir, config())) {
            List<Long> firstPositions = appendAll(wal, first);
            long cut = wal.endPosition();
            secondPositions = appendAll(wal, second.subList(0, 1));
            assertTrue(wal.releaseBefore(secondPositions.getFirst()) >= 2);
            assertTrue(countFiles(dir, ".prealloc") >= 2, "released files wait for reuse");
            secondPositions = new ArrayList<>(secondPositions);
            secondPositions.addAll(appendAll(wal, second.subList(1, second.size())));
            assertTrue(secondPositions.getFirst() >= cut);
            awaitCondition(() -> !Files.exists(dir.resolve(SegmentPreallocator.RECYCLED_PREFIX + "1"
                    + SegmentPreallocator.RECYCLED_SUFFIX)), "the first released file to be reused");
            assertThrows(WalException.class, () -> wal.read(firstPositions.getFirst()));
        }
        try (Wal wal = open(dir, config())) {
            long start = wal.startPosition();
            List<Long> seen = new ArrayList<>();
            wal.replay(0, (position, record) -> seen.add(position));
            assertEquals(secondPositions, seen.subList(seen.size() - secondPositions.size(), seen.size()));
            assertTrue(seen.getFirst() >= start);
        }
    }

    @Test
    void corruptedRecordInTheMiddleIsDetectedByCrcAndNeverServed() throws Exception {
        List<byte[]> payloads = payloads(10, 1, 300);
        List<Long> positions = writeAndClose(config(), payloads).positions();
        Path segment = dir.resolve(WalSegment.fileName(0));
        byte[] bytes = Files.readAllBytes(segment);
        bytes[(int) (positions.get(4) + HEADER_BYTES + 3)] ^= 0x10; // one bit of record 4's payload
        Files.write(segment, bytes);
        try (Wal wal = open(dir, config())) {
            assertEquals(positions.get(4), wal.endPosition(), "the log ends before the corrupt record");
            assertReplays(wal, 0, positions.subList(0, 4), payloads.subList(0, 4));
            for (int i = 4; i < positions.size(); i++) {
                long position = positions.get(i);
                assertThrows(WalException.class, () -> wal.read(position));
            }
            assertEquals(positions.get(4), await(wal.append(ByteBuffer.wrap(payload(99, 50)))));
            assertArrayEquals(payload(99, 50), bytesOf(wal.read(positions.get(4))));
        }
    }

    @Test
    void crashWithAppendsInFlightKeepsEveryAcknowledgedRecord() throws Exception {
        Path copy = dir.resolve("crashed");
        List<Long> acknowledged = new ArrayList<>();
        List<Integer> acknowledgedSeeds = new ArrayList<>();
        try (Wal wal = open(dir.resolve("live"), config())) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                futures.add(wal.append(ByteBuffer.wrap(payload(i, 200 + i % 300))));
                if (i == 1000) {
                    // "Crash": snapshot the files while appends are in flight; whatever the writer had not
                    // finished may be missing or torn in the copy.
                    // Appends complete in order: the acknowledged ones are a prefix.
                    for (int done = 0; done < futures.size() && futures.get(done).isDone(); done++) {
                        acknowledged.add(futures.get(done).join());
                        acknowledgedSeeds.add(done);
                    }
                    copySegments(dir.resolve("live"), copy);
                }
            }
            for (CompletableFuture<Long> future : futures) {
                await(future);
            }
        }
        try (Wal wal = open(copy, config())) {
            List<Long> replayed = new ArrayList<>();
            List<byte[]> records = new ArrayList<>();
            wal.replay(0, (position, record) -> {
                replayed.add(position);
                records.add(bytesOf(record));
            });
            assertTrue(replayed.size() >= acknowledged.size(), "acknowledged records were lost");
            for (int i = 0; i < acknowledged.size(); i++) {
                assertEquals(acknowledged.get(i), replayed.get(i));
                int seed = acknowledgedSeeds.get(i);
                assertArrayEquals(payload(seed, 200 + seed % 300), records.get(i));
            }
            for (int i = 0; i < replayed.size(); i++) {
                assertArrayEquals(payload(i, 200 + i % 300), records.get(i), "record " + i + " is what was appended");
            }
        }
    }

    private static void copySegments(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (Path file : segmentFiles(from)) {
            Files.copy(file, to.resolve(file.getFileName()));
        }
    }

    /** Polls {@code condition} until it holds or the await deadline passes. */
    static void awaitCondition(IoCondition condition, String what) throws Exception {
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (!condition.holds()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @FunctionalInterface
    interface IoCondition {
        boolean holds() throws IOException;
    }

    // ------------------------------------------------------------------ group commit and back-pressure

    @Test
    void groupCommitWritesAppendsQueuedDuringAWriteTogetherAndCompletesThemInOrder() throws Exception {
        try (Wal wal = open(dir, config())) {
            long syncsBefore = wal.syncCount();
            long appendsBefore = wal.appendCount();
            holdWriter(wal);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            // Dependent actions may run on any thread that touches a completed future, so their order
            // proves nothing; what must hold is that when one completes, every earlier one already has.
            List<String> violations = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < 1000; i++) {
                CompletableFuture<Long> future = wal.append(ByteBuffer.wrap(payload(i, 100)));
                int index = i;
                future.whenComplete((position, error) -> {
                    for (int earlier = 0; earlier < index; earlier++) {
                        if (!futures.get(earlier).isDone()) {
                            violations.add(index + " completed before " + earlier);
                        }
                    }
                });
                futures.add(future);
            }
            assertTrue(futures.stream().noneMatch(CompletableFuture::isDone), "held writer completed appends");
            releaseWriter(wal);
            List<Long> positions = new ArrayList<>();
            for (CompletableFuture<Long> future : futures) {
                positions.add(await(future));
            }
            assertEquals(List.of(), violations);
            for (int i = 1; i < positions.size(); i++) {
                assertTrue(positions.get(i) > positions.get(i - 1), "positions follow append order");
            }
            assertEquals(1000, wal.appendCount() - appendsBefore);
            assertEquals(1, wal.syncCount() - syncsBefore, "1000 queued small appends fit one batch");
            assertTrue(wal.syncCount() < wal.appendCount());
            assertEquals(1000L * (HEADER_BYTES + 100), wal.bytesWritten());
        }
    }

    @Test
    void groupCommitSplitsBatchesAtMaxBatchBytes() throws Exception {
        WalConfig config = config().withMaxBatchBytes(3 * (HEADER_BYTES + 100));
        try (Wal wal = open(dir, config)) {
            holdWriter(wal);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                futures.add(wal.append(ByteBuffer.wrap(payload(i, 100))));
            }
            releaseWriter(wal);
            for (CompletableFuture<Long> future : futures) {
                await(future);
            }
            assertEquals(3, wal.syncCount());
            assertEquals(9, wal.appendCount());
        }
    }

    @Test
    void fullQueueFailsTheAppendInsteadOfBlocking() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(100).withMaxQueuedBytes(4 * (HEADER_BYTES + 100));
        try (Wal wal = open(dir, config)) {
            holdWriter(wal);
            List<CompletableFuture<Long>> accepted = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                accepted.add(wal.append(ByteBuffer.wrap(payload(i, 100))));
            }
            CompletableFuture<Long> rejected = wal.append(ByteBuffer.wrap(payload(4, 100)));
            assertTrue(rejected.isCompletedExceptionally(), "a full queue must answer at once");
            WalException error = assertFailsWithWalException(rejected);
            assertTrue(error.getMessage().contains("queue full"), error.getMessage());
            releaseWriter(wal);
            for (CompletableFuture<Long> future : accepted) {
                await(future);
            }
            long position = await(wal.append(ByteBuffer.wrap(payload(5, 100))));
            assertArrayEquals(payload(5, 100), bytesOf(wal.read(position)));
        }
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeFailsQueuedAppendsAndLaterAppendsAndReads() throws Exception {
        Wal wal = open(dir, config());
        long durable = await(wal.append(ByteBuffer.wrap(payload(1, 100))));
        long end = wal.endPosition();
        holdWriter(wal);
        List<CompletableFuture<Long>> queued = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            queued.add(wal.append(ByteBuffer.wrap(payload(10 + i, 100))));
        }
        wal.close();
        wal.close(); // idempotent
        for (CompletableFuture<Long> future : queued) {
            assertFailsWithWalException(future);
        }
        assertFailsWithWalException(wal.append(ByteBuffer.wrap(payload(2, 100))));
        assertThrows(WalException.class, () -> wal.read(durable));
        assertThrows(WalException.class, () -> wal.replay(0, (p, r) -> { }));

        try (Wal reopened = open(dir, config())) {
            assertEquals(end, reopened.endPosition());
            assertArrayEquals(payload(1, 100), bytesOf(reopened.read(durable)));
        }
    }

    @Test
    void aDirectoryCanBeOpenedByOneLogAtATime() throws Exception {
        try (Wal wal = open(dir, config())) {
            await(wal.append(ByteBuffer.wrap(payload(1, 10))));
            assertThrows(WalException.class, () -> open(dir, config()));
            await(wal.append(ByteBuffer.wrap(payload(2, 10))));
        }
        try (Wal wal = open(dir, config())) {
            assertEquals(2, countRecords(wal));
        }
    }

    // ------------------------------------------------------------------ helpers

    /** Deterministic pseudo-random bytes: the same (seed, size) always gives the same payload. */
    static byte[] payload(int seed, int sizeBytes) {
        byte[] bytes = new byte[sizeBytes];
        new java.util.Random(seed).nextBytes(bytes);
        return bytes;
    }

    static List<byte[]> payloads(int count, int firstSeed, int maxSizeBytes) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            payloads.add(payload(firstSeed + i, count == 1 ? maxSizeBytes : maxSizeBytes - (i * 7) % (maxSizeBytes / 2 + 1)));
        }
        return payloads;
    }

    /** Appends all without waiting in between (so they group-commit), then waits for every one. */
    static List<Long> appendAll(Wal wal, List<byte[]> payloads) throws Exception {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (byte[] payload : payloads) {
            futures.add(wal.append(ByteBuffer.wrap(payload)));
        }
        List<Long> positions = new ArrayList<>();
        for (CompletableFuture<Long> future : futures) {
            positions.add(await(future));
        }
        return positions;
    }

    static long await(CompletableFuture<Long> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(AWAIT_SECONDS, TimeUnit.SECONDS);
    }

    static WalException assertFailsWithWalException(CompletableFuture<Long> future) {
        ExecutionException error = assertThrows(ExecutionException.class,
                () -> future.get(AWAIT_SECONDS, TimeUnit.SECONDS));
        return assertInstanceOf(WalException.class, error.getCause());
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    static void assertReplays(Wal wal, long from, List<Long> positions, List<byte[]> payloads) {
        List<Long> seenPositions = new ArrayList<>();
        List<byte[]> seenPayloads = new ArrayList<>();
        wal.replay(from, (position, record) -> {
            seenPositions.add(position);
            seenPayloads.add(bytesOf(record));
        });
        assertEquals(positions, seenPositions);
        for (int i = 0; i < payloads.size(); i++) {
            assertArrayEquals(payloads.get(i), seenPayloads.get(i), "payload of record " + i);
        }
    }

    /** Reads every record at its position: each holds its payload. */
    static void assertReadsBack(Wal wal, List<Long> positions, List<byte[]> payloads) {
        for (int i = 0; i < positions.size(); i++) {
            assertArrayEquals(payloads.get(i), bytesOf(wal.read(positions.get(i))));
        }
    }

    /** {@code first} then {@code second}, in a new list. */
    static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    static int countRecords(Wal wal) {
        int[] count = {0};
        wal.replay(0, (position, record) -> count[0]++);
        return count[0];
    }

    /** A record in the documented on-disk format: crc32c | length | position | payload, big-endian. */
    static byte[] encodeRecord(long position, byte[] payload) {
        ByteBuffer record = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        record.putInt(0).putInt(payload.length).putLong(position).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(record.array(), 4, record.capacity() - 4);
        record.putInt(0, (int) crc.getValue());
        return record.array();
    }
}
