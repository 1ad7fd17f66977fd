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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FileChannelWalTest extends WalContractTest {

    @Override
    protected Wal open(Path directory, WalConfig config) {
        return FileChannelWal.open(directory, config);
    }

    @Test
    void segmentsAreNamedByTheirBasePositionAndPositionsAreContiguous() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(300).withSegmentSizeBytes(1000);
        List<Long> positions;
        try (Wal wal = open(dir, config)) {
            positions = appendAll(wal, List.of(payload(1, 300), payload(2, 300), payload(3, 300), payload(4, 300)));
            assertEquals(List.of(0L, 316L, 632L, 948L), positions, "logical positions leave no gap at a roll");
            assertEquals(1264, wal.endPosition());
        }
        assertEquals(List.of("00000000000000000000.wal", "00000000000000000948.wal"), segmentFileNames());
        assertEquals(4096, Files.size(dir.resolve("00000000000000000000.wal")), "preallocated, rounded to 4 KiB");
        assertEquals(4096, Files.size(dir.resolve("00000000000000000948.wal")));
    }

    @Test
    void emptyDirectoryStartsWithSegmentZero() throws Exception {
        try (Wal wal = open(dir.resolve("new/nested"), config())) {
            assertEquals(0, wal.endPosition());
        }
        try (Stream<Path> files = Files.list(dir.resolve("new/nested"))) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().equals("00000000000000000000.wal")));
        }
    }

    @Test
    void recoveryDeletesSegmentsAfterATornOne() throws Exception {
        WalConfig config = config().withMaxRecordSizeBytes(300).withSegmentSizeBytes(1000);
        List<byte[]> payloads = List.of(payload(1, 300), payload(2, 300), payload(3, 300), payload(4, 300));
        List<Long> positions = writeAndClose(config, payloads).positions();
        // Corrupt the last record of the first segment: it and the whole second segment must go.
        Path first = dir.resolve("00000000000000000000.wal");
        byte[] bytes = Files.readAllBytes(first);
        bytes[632 + HEADER_BYTES + 5] ^= 0x40;
        Files.write(first, bytes);
        try (Wal wal = open(dir, config)) {
            assertEquals(632, wal.endPosition());
            assertReplays(wal, 0, positions.subList(0, 2), payloads.subList(0, 2));
            assertEquals(List.of("00000000000000000000.wal"), segmentFileNames());
            assertEquals(632, await(wal.append(ByteBuffer.wrap(payload(9, 10)))));
        }
    }

    @Test
    void segmentNotStartingWhereThePreviousEndsIsDropped() throws Exception {
        List<byte[]> payloads = List.of(payload(1, 100), payload(2, 100));
        List<Long> positions = writeAndClose(config(), payloads).positions();
        Files.write(dir.resolve(WalSegment.fileName(5000)), encodeRecord(5000, payload(3, 100)));
        try (Wal wal = open(dir, config())) {
            assertEquals(232, wal.endPosition());
            assertReplays(wal, 0, positions, payloads);
            assertEquals(List.of("00000000000000000000.wal"), segmentFileNames());
        }
    }

    @Test
    void writeFailureFailsThatBatchAndEveryLaterAppendAndReopenKeepsDurableRecords() throws Exception {
        List<byte[]> payloads = List.of(payload(1, 100), payload(2, 100), payload(3, 100));
        List<Long> positions;
        long end;
        try (FileChannelWal wal = FileChannelWal.open(dir, config())) {
            positions = appendAll(wal, payloads);
            end = wal.endPosition();
            wal.holdWriterForTest();
            wal.failNextWriteForTest(new IOException("injected: disk gone"));
            List<CompletableFuture<Long>> batch = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                batch.add(wal.append(ByteBuffer.wrap(payload(10 + i, 100))));
            }
            wal.releaseWriterForTest();
            for (CompletableFuture<Long> future : batch) {
                WalException error = assertFailsWithWalException(future);
                assertInstanceOf(IOException.class, error.getCause());
            }
            assertFailsWithWalException(wal.append(ByteBuffer.wrap(payload(20, 100))));
            assertEquals(end, wal.endPosition());
            assertArrayEquals(payloads.get(2), bytesOf(wal.read(positions.get(2))), "durable records stay readable");
        }
        try (Wal wal = open(dir, config())) {
            assertEquals(end, wal.endPosition());
            assertReplays(wal, 0, positions, payloads);
            assertEquals(end, await(wal.append(ByteBuffer.wrap(payload(30, 100)))));
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheLogForOthers() throws Exception {
        try (Wal wal = open(dir, config())) {
            long position = await(wal.append(ByteBuffer.wrap(payload(1, 100))));
            Thread.currentThread().interrupt();
            try {
                assertThrows(WalException.class, () -> wal.read(position));
            } finally {
                assertTrue(Thread.interrupted(), "the caller keeps its interrupt");
            }
            assertArrayEquals(payload(1, 100), bytesOf(wal.read(position)));
            long next = await(wal.append(ByteBuffer.wrap(payload(2, 100))));
            assertArrayEquals(payload(2, 100), bytesOf(wal.read(next)));
            assertEquals(2, countRecords(wal));
        }
    }

    @Test
    void walsOpensTheFileChannelEngineWhenForced() throws Exception {
        try (Wal wal = Wals.open(dir, config(), WalEngine.FILE_CHANNEL)) {
            assertInstanceOf(FileChannelWal.class, wal);
            long position = await(wal.append(ByteBuffer.wrap(payload(1, 10))));
            assertArrayEquals(payload(1, 10), bytesOf(wal.read(position)));
        }
    }

    @Test
    void configRejectsSegmentsOrQueuesSmallerThanTheLargestRecord() {
        assertThrows(IllegalArgumentException.class,
                () -> WalConfig.defaults().withMaxRecordSizeBytes(1000).withSegmentSizeBytes(1015));
        assertThrows(IllegalArgumentException.class,
                () -> WalConfig.defaults().withMaxRecordSizeBytes(1000).withMaxQueuedBytes(1000));
        assertThrows(IllegalArgumentException.class, () -> WalConfig.defaults().withMaxBatchBytes(0));
        WalConfig exact = WalConfig.defaults().withMaxRecordSizeBytes(1000).withSegmentSizeBytes(1016);
        assertEquals(1016, exact.segmentSizeBytes());
    }

    private List<String> segmentFileNames() throws IOException {
        return segmentFiles(dir).stream().map(f -> f.getFileName().toString()).toList();
    }
}
