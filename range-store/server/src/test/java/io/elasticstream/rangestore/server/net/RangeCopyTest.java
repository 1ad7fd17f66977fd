package io.elasticstream.rangestore.server.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.elasticstream.rangestore.protocol.CopyRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.rpc.StreamRpcClient;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeCopyTest {
    private static final long STREAM = 42;
    private static final int INDEX = 3;
    private static final long EPOCH = 5;

    @TempDir
    Path dir;
    private final List<Node> nodes = new ArrayList<>();
    private final StreamRpcClient client = new StreamRpcClient("test-client", 1, 30_000);

    /** One range server: a WAL in its own directory, its store, and its stream RPC endpoint. */
    private record Node(Wal wal, RangeStore store, RangeServer server) {
        String address() {
            return "127.0.0.1:" + server.localAddress().getPort();
        }
    }

    private Node startNode(String name) throws InterruptedException {
        Wal wal = Wals.open(dir.resolve(name), WalConfig.defaults());
        RangeStore store = RangeStore.open(wal);
        Node node = new Node(wal, store, RangeServer.start(store, "127.0.0.1", 0, 1, 1));
        nodes.add(node);
        return node;
    }

    @AfterEach
    void stop() {
        client.close();
        for (Node node : nodes) {
            node.server().close();
            node.wal().close();
        }
    }

    /** Writes batches of {@code sizes} records each (random payloads) from {@code start}; returns the end. */
    private static long write(RangeStore store, long start, int[] sizes, int payloadBytes, long seed) {
        store.createRange(STREAM, INDEX, start, EPOCH).join();
        Random random = new Random(seed);
        long next = start;
        for (int records : sizes) {
            byte[] payload = new byte[payloadBytes + random.nextInt(1000)];
            random.nextBytes(payload);
            store.append(STREAM, INDEX, EPOCH, next, records, 1_000 + next, ByteBuffer.wrap(payload)).join();
            next += records;
        }
        return next;
    }

    private long copy(Node target, long start, long end, List<String> sources) {
        return client.call(address(target), Opcode.COPY_RANGE,
                new CopyRangeRequest(STREAM, INDEX, start, end, EPOCH, sources).encode(client.alloc()),
                OffsetResponse::decode).join().endOffset();
    }

    private static InetSocketAddress address(Node node) {
        return StreamRpcClient.address(node.address());
    }

    /** Every batch of the range on {@code node}, as (base, count, maxTimestamp, bytes), plus the end. */
    private List<Object> readAll(Node node, long start) {
        List<Object> out = new ArrayList<>();
        long next = start;
        while (true) {
            FetchResponse response = client.call(address(node), Opcode.FETCH,
                    new FetchRequest(STREAM, INDEX, next, -1, 1 << 20).encode(client.alloc()), FetchResponse::decode)
                    .join();
            if (response.batches().isEmpty()) {
                out.add("end=" + response.rangeEndOffset());
                return out;
            }
            for (StoredBatch b : response.batches()) {
                byte[] bytes = new byte[b.data().readableBytes()];
                b.data().readBytes(bytes);
                out.add(List.of(b.baseOffset(), b.recordCount(), b.maxTimestamp(), ByteBuffer.wrap(bytes)));
                next = b.endOffset();
            }
            response.release();
        }
    }

    private static String deadAddress() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static Status statusOf(Runnable call) {
        CompletionException e = assertThrows(CompletionException.class, call::run);
        return assertInstanceOf(RpcException.class, e.getCause()).status();
    }

    @Test
    void copiedRangeIsSealedAndReadsBackIdenticalToItsSourceAcrossSeveralFetches() throws Exception {
        Node source = startNode("source");
        Node target = startNode("target");
        // ~3 MiB in 12 batches: more than one fetch (1 MiB each) is needed.
        long end = write(source.store(), 100, new int[] {3, 1, 7, 2, 5, 5, 1, 1, 9, 4, 2, 6}, 256 * 1024, 1);
        source.store().seal(STREAM, INDEX, EPOCH, end).join();

        assertEquals(end, copy(target, 100, end, List.of(deadAddress(), source.address())),
                "a dead source is skipped");

        assertEquals(end, target.store().sealedEnd(STREAM, INDEX));
        List<Object> copied = readAll(target, 100);
        assertEquals(13, copied.size());
        assertEquals(readAll(source, 100), copied);
    }

    @Test
    void sourceThatStopsShortHandsOverToTheNextAtTheFirstMissingOffset() throws Exception {
        Node complete = startNode("complete");
        Node shortReplica = startNode("short");
        Node target = startNode("target");
        int[] sizes = {4, 4, 4, 4, 4, 4};
        long end = write(complete.store(), 0, sizes, 100, 7);
        complete.store().seal(STREAM, INDEX, EPOCH, end).join();
        write(shortReplica.store(), 0, new int[] {4, 4, 4}, 100, 7); // same batches, the tail never arrived

        assertEquals(end, copy(target, 0, end, List.of(shortReplica.address(), complete.address())));

        assertEquals(readAll(complete, 0), readAll(target, 0));
    }

    @Test
    void aReplicaLeftOpenAndShortByItsWriterIsCompletedInPlace() throws Exception {
        assertCopyCompletesAShortReplica(false);
    }

    @Test
    void aReplicaSealedShortOfTheRangeIsReplacedByAWholeCopy() throws Exception {
        assertCopyCompletesAShortReplica(true); // sealed at its own end, as a dead writer's successor may
    }

    /** A replica holding half the range (sealed there if {@code sealedShort}) becomes whole by a copy to itself. */
    private void assertCopyCompletesAShortReplica(boolean sealedShort) throws Exception {
        Node complete = startNode("complete");
        Node shortReplica = startNode("short");
        long end = write(complete.store(), 0, new int[] {4, 4, 4, 4}, 100, 11);
        complete.store().seal(STREAM, INDEX, EPOCH, end).join();
        long shortEnd = write(shortReplica.store(), 0, new int[] {4, 4}, 100, 11);
        if (sealedShort) {
            shortReplica.store().seal(STREAM, INDEX, EPOCH, shortEnd).join();
        }

        assertEquals(end, copy(shortReplica, 0, end, List.of(complete.address())));

        assertEquals(end, shortReplica.store().sealedEnd(STREAM, INDEX));
        assertEquals(readAll(complete, 0), readAll(shortReplica, 0));
    }

    @Test
    void copyFailsWhenNoSourceHoldsTheTailAndLeavesNoRangeBehind() throws Exception {
        Node shortReplica = startNode("short");
        Node target = startNode("target");
        long held = write(shortReplica.store(), 0, new int[] {5, 5}, 100, 3);

        Status status = statusOf(() -> copy(target, 0, held + 5, List.of(shortReplica.address())));

        assertEquals(Status.STORAGE_ERROR, status);
        assertEquals(-1, target.store().sealedEnd(STREAM, INDEX), "no sealed partial copy");
        assertEquals(-1, target.store().readableEnd(STREAM, INDEX), "the partial range was dropped");
        assertEquals(Status.RANGE_NOT_FOUND, statusOf(() -> readAll(target, 0)));
    }

    @Test
    void repeatingACopyIsIdempotent() throws Exception {
        Node source = startNode("source");
        Node target = startNode("target");
        long end = write(source.store(), 10, new int[] {2, 3, 4}, 500, 5);
        source.store().seal(STREAM, INDEX, EPOCH, end).join();

        assertEquals(end, copy(target, 10, end, List.of(source.address())));
        List<Object> first = readAll(target, 10);
        assertEquals(end, copy(target, 10, end, List.of(deadAddress())), "already complete: no source needed");

        assertEquals(first, readAll(target, 10));
        assertEquals(readAll(source, 10), first);
        assertEquals(Status.INVALID_REQUEST, statusOf(() -> copy(target, 10, end - 1, List.of(source.address()))),
                "a copy that disagrees with the sealed end is refused");
    }

    @Test
    void copiedRangeSurvivesARestartOfTheTarget() throws Exception {
        Node source = startNode("source");
        Node target = startNode("target");
        long end = write(source.store(), 0, new int[] {1, 2, 3}, 2000, 9);
        source.store().seal(STREAM, INDEX, EPOCH, end).join();
        copy(target, 0, end, List.of(source.address()));
        target.server().close();
        target.wal().close();
        nodes.remove(target);

        Wal wal = Wals.open(dir.resolve("target"), WalConfig.defaults());
        RangeStore reopened = RangeStore.open(wal);
        try {
            assertEquals(end, reopened.sealedEnd(STREAM, INDEX));
            assertEquals(3, reopened.fetch(STREAM, INDEX, 0, -1, 1 << 20).batches().size());
            byte[] first = new byte[reopened.fetch(STREAM, INDEX, 0, -1, 1).batches().get(0).data().remaining()];
            reopened.fetch(STREAM, INDEX, 0, -1, 1).batches().get(0).data().get(first);
            byte[] expected = new byte[source.store().fetch(STREAM, INDEX, 0, -1, 1).batches().get(0).data().remaining()];
            source.store().fetch(STREAM, INDEX, 0, -1, 1).batches().get(0).data().get(expected);
            assertArrayEquals(expected, first);
        } finally {
            wal.close();
        }
    }
}
