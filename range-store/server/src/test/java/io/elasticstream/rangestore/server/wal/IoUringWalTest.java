package io.elasticstream.rangestore.server.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on the io_uring engine (skipped where the kernel refuses io_uring), plus its alignment. */
class IoUringWalTest extends WalContractTest {

    @BeforeAll
    static void ioUringIsAvailable() {
        String reason = IoUringWal.unavailableReason();
        assumeTrue(reason == null, () -> "io_uring not available: " + reason);
    }

    @Override
    protected Wal open(Path directory, WalConfig config) {
        return IoUringWal.open(directory, config);
    }

    @Test
    void unalignedBatchesKeepPositionsContiguousAndRewriteThePartialBlockIntact() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        List<Long> positions = new ArrayList<>();
        long expected = 0;
        try (Wal wal = open(dir, config())) {
            // One batch per record, sizes chosen so batches start and end inside 4 KiB blocks and cross them.
            for (int i = 0; i < 40; i++) {
                byte[] payload = payload(i, 37 + i * 211);
                long position = await(wal.append(ByteBuffer.wrap(payload)));
                assertEquals(expected, position, "no padding between batches");
                expected += HEADER_BYTES + payload.length;
                payloads.add(payload);
                positions.add(position);
                assertEquals(expected, wal.endPosition());
            }
            byte[] file = Files.readAllBytes(dir.resolve(WalSegment.fileName(0)));
            for (long i = expected; i < Math.min(file.length, expected + 8192); i++) {
                assertEquals(0, file[(int) i], "padding after the end is zeros");
            }
        }
        try (Wal wal = open(dir, config())) {
            assertEquals(expected, wal.endPosition());
            assertReplays(wal, 0, positions, payloads);
            long next = await(wal.append(ByteBuffer.wrap(payload(99, 5))));
            assertEquals(expected, next, "appends after reopen continue inside the partial block");
            assertArrayEquals(payload(99, 5), bytesOf(wal.read(next)));
        }
    }

    @Test
    void walsPrefersIoUringWhereAvailableAndHonoursAForcedEngine() throws Exception {
        assertEquals(WalEngine.IO_URING, Wals.engine());
        try (Wal wal = Wals.open(dir.resolve("auto"), config())) {
            assertInstanceOf(IoUringWal.class, wal);
            long position = await(wal.append(ByteBuffer.wrap(payload(1, 10))));
            assertArrayEquals(payload(1, 10), bytesOf(wal.read(position)));
        }
        try (Wal wal = Wals.open(dir.resolve("forced"), config(), WalEngine.FILE_CHANNEL)) {
            assertInstanceOf(FileChannelWal.class, wal);
        }
        assertEquals(WalEngine.IO_URING, WalEngine.parse(" IO_URING "));
        assertEquals(WalEngine.FILE_CHANNEL, WalEngine.parse("file_channel"));
        assertEquals(WalEngine.AUTO, WalEngine.parse("auto"));
        assertThrows(IllegalArgumentException.class, () -> WalEngine.parse("mmap"));
    }

    @Test
    void bothEnginesReadEachOthersLogs() throws Exception {
        List<byte[]> payloads = payloads(30, 1, 700);
        List<Long> positions = writeAndClose(config(), payloads).positions();
        List<byte[]> more = payloads(10, 100, 900);
        List<Long> morePositions;
        try (Wal wal = FileChannelWal.open(dir, config())) {
            assertReplays(wal, 0, positions, payloads);
            morePositions = appendAll(wal, more);
        }
        try (Wal wal = open(dir, config())) {
            assertReplays(wal, 0, concat(positions, morePositions), concat(payloads, more));
        }
    }
}
