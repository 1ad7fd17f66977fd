package io.elasticstream.placement.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.rpc.StreamRpcClient;
import io.elasticstream.rangestore.server.net.RangeServer;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-replication end to end in one JVM: a PD with its repair loop running and the real COPY_RANGE
 * client, and real range servers (sockets, WALs in {@code @TempDir}). The data of a sealed range
 * outlives, one after the other, every server it was first written to; replicas a writer left short are
 * found and completed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeRepairWithRangeServersTest {
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    /** Leases never expire by themselves: a range server dies when the test kills it. */
    private final ManualClock clock = new ManualClock();
    private final MetadataKeys keys = new MetadataKeys(PlacementConfig.DEFAULT_CLUSTER_PREFIX);
    private final PlacementMetrics metrics = PlacementMetrics.unregistered();
    private final Map<Integer, Node> nodes = new LinkedHashMap<>();
    private final StreamRpcClient client = new StreamRpcClient("test-client", 1, 30_000);
    private MetadataStore store;
    private RpcRangeCopier copier;
    private PlacementDriver pd;

    private record Node(Wal wal, RangeServer server, RangeServerInfo info) {
    }

    @AfterEach
    void close() {
        if (pd != null) {
            pd.close();
        }
        if (copier != null) {
            copier.close();
        }
        client.close();
        for (Node node : nodes.values()) {
            node.server().close();
            node.wal().close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void sealedRangeLosingItsReplicasOneByOneIsCopiedAheadAndStaysReadable() throws Exception {
        long streamId = startCluster(4);
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        RangeInfo range = await(pd.createRange(streamId, epoch, 0, 0));
        List<Integer> original = range.replicas().stream().map(RangeServerInfo::id).toList();
        assertEquals(List.of(1, 2, 3), original);
        long end = writeAndSeal(range, epoch, 40);
        await(pd.sealRange(streamId, epoch, 0, end));
        List<String> written = readAll(nodes.get(1).info(), streamId, end);

        kill(2);
        LivenessTest.eventually("server 4 replaces dead server 2", () -> replicaIds(streamId).equals(List.of(1, 4, 3)));
        assertEquals(written, readAll(nodes.get(4).info(), streamId, end), "the copy holds every record");
        assertEquals(1, metrics.repairsSucceeded());
        assertEquals(List.of(), await(pd.underReplicatedRanges()));

        startRangeServer(5);
        startRangeServer(6);
        kill(1);
        kill(3); // every server the range was written to is gone now
        LivenessTest.eventually("the range is whole again on 4 and two new servers",
                () -> !replicaIds(streamId).contains(1) && !replicaIds(streamId).contains(3));
        assertEquals(List.of(4, 5, 6), replicaIds(streamId).stream().sorted().toList());
        for (int id : List.of(4, 5, 6)) {
            assertEquals(written, readAll(nodes.get(id).info(), streamId, end), "server " + id);
        }
    }

    @Test
    void replicasLeftShortOnLiveServersAreFoundCompletedFromTheOthersAndTheRangesVerified() throws Exception {
        long streamId = startCluster(3);
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        // Range 0: replica 3 missed the last 5 batches and was never sealed (its writer sealed the others).
        RangeInfo first = await(pd.createRange(streamId, epoch, 0, 0));
        long firstEnd = writeAndSeal(first, epoch, 40, 3, 35, false);
        await(pd.sealRange(streamId, epoch, 0, firstEnd));
        // Range 1: replica 2 missed the last 10 batches and was sealed there, at its own end.
        RangeInfo second = await(pd.createRange(streamId, epoch, 1, firstEnd));
        long secondEnd = writeAndSeal(second, epoch, 30, 2, 20, true);
        await(pd.sealRange(streamId, epoch, 1, secondEnd));

        LivenessTest.eventually("both ranges verified", () -> verified(streamId, 0) && verified(streamId, 1));

        assertEquals(readAll(nodes.get(1).info(), streamId, 0, 0, firstEnd),
                readAll(nodes.get(3).info(), streamId, 0, 0, firstEnd), "range 0 completed on server 3");
        assertEquals(readAll(nodes.get(1).info(), streamId, 1, firstEnd, secondEnd),
                readAll(nodes.get(2).info(), streamId, 1, firstEnd, secondEnd), "range 1 copied whole to server 2");
        assertEquals(2, metrics.repairsSucceeded());
        assertEquals(List.of(1, 2, 3), replicaIds(streamId), "the records name the same servers");
    }

    private boolean verified(long streamId, int index) {
        try {
            List<MetadataStore.KeyValue> kvs = await(store.getPrefix(keys.rangesPrefix(streamId))).kvs();
            return StoredRanges.find(kvs, index).orElseThrow().range().verified();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** PD (3 replicas, 2 acks, a repair round every 100 ms), a broker and range servers 1..n; a topic's stream. */
    private long startCluster(int rangeServers) throws Exception {
        store = EmbeddedMetadataStore.open(dir.resolve("metadata"), clock);
        copier = new RpcRangeCopier(30_000);
        pd = new PlacementDriver(store, new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2)
                .withRangeRepairIntervalMs(100), List.of(), metrics, copier);
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        for (int id = 1; id <= rangeServers; id++) {
            startRangeServer(id);
        }
        return await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().getFirst().streamId();
    }

    private void startRangeServer(int id) throws Exception {
        Wal wal = Wals.open(dir.resolve("rs" + id), WalConfig.defaults());
        RangeServer server = RangeServer.start(RangeStore.open(wal), "127.0.0.1", 0, 1, 1);
        RangeServerInfo info = new RangeServerInfo(id, "127.0.0.1", server.localAddress().getPort());
        nodes.put(id, new Node(wal, server, info));
        await(pd.registerRangeServer(info));
    }

    /** The server stops serving, and its session ends as an expiry would end it. */
    private void kill(int id) throws Exception {
        Node node = nodes.remove(id);
        node.server().close();
        node.wal().close();
        long lease = await(store.get(keys.aliveRangeServer(id))).orElseThrow().leaseId();
        await(store.revokeLease(lease));
    }

    /** Writes {@code batches} batches to every replica of the open range as a writer would; seals them. */
    private long writeAndSeal(RangeInfo range, long epoch, int batches) throws Exception {
        return writeAndSeal(range, epoch, batches, -1, batches, false);
    }

    /**
     * As above, but replica {@code shortId} gets only the first {@code shortBatches} batches (the others
     * acknowledged the rest), and is then sealed at its own end if {@code sealShort}, else left open.
     */
    private long writeAndSeal(RangeInfo range, long epoch, int batches, int shortId, int shortBatches,
                              boolean sealShort) throws Exception {
        long next = range.startOffset();
        for (RangeServerInfo replica : range.replicas()) {
            await(client.call(address(replica), Opcode.CREATE_RANGE, new CreateRangeRequest(range.streamId(),
                    range.index(), range.startOffset(), epoch).encode(client.alloc()), OffsetResponse::decode));
        }
        for (int b = 0; b < batches; b++) {
            int records = 1 + b % 5;
            byte[] data = ("batch " + b + " " + "x".repeat(b * 100)).getBytes(StandardCharsets.UTF_8);
            List<CompletableFuture<OffsetResponse>> acks = new ArrayList<>();
            for (RangeServerInfo replica : range.replicas()) {
                if (replica.id() == shortId && b >= shortBatches) {
                    continue;
                }
                AppendRequest append = new AppendRequest(range.streamId(), range.index(), epoch, next, records,
                        1_000 + b, next, Unpooled.wrappedBuffer(data));
                acks.add(client.call(address(replica), Opcode.APPEND, append.encode(client.alloc()),
                        OffsetResponse::decode));
            }
            for (CompletableFuture<OffsetResponse> ack : acks) {
                await(ack);
            }
            next += records;
        }
        for (RangeServerInfo replica : range.replicas()) {
            if (replica.id() != shortId) {
                assertEquals(next, await(client.call(address(replica), Opcode.SEAL, new SealRequest(range.streamId(),
                        range.index(), epoch, next).encode(client.alloc()), OffsetResponse::decode)).endOffset());
            } else if (sealShort) {
                await(client.call(address(replica), Opcode.SEAL, new SealRequest(range.streamId(), range.index(), epoch,
                        SealRequest.AT_END).encode(client.alloc()), OffsetResponse::decode));
            }
        }
        return next;
    }

    /** Every batch of range 0 on {@code server} as "base+count@maxTimestamp:bytes", and its end. */
    private List<String> readAll(RangeServerInfo server, long streamId, long end) throws Exception {
        return readAll(server, streamId, 0, 0, end);
    }

    /** Every batch of range {@code index} [start, end) on {@code server}, as above. */
    private List<String> readAll(RangeServerInfo server, long streamId, int index, long start, long end)
            throws Exception {
        List<String> out = new ArrayList<>();
        long next = start;
        while (next < end) {
            FetchResponse response = await(client.call(address(server), Opcode.FETCH,
                    new FetchRequest(streamId, index, next, end, 64 * 1024).encode(client.alloc()),
                    FetchResponse::decode));
            assertFalse(response.batches().isEmpty(), "server " + server.id() + " stops at " + next);
            for (StoredBatch b : response.batches()) {
                out.add(b.baseOffset() + "+" + b.recordCount() + "@" + b.maxTimestamp() + ":"
                        + b.data().toString(StandardCharsets.UTF_8));
                next = b.endOffset();
            }
            response.release();
            out.add("end=" + response.rangeEndOffset());
        }
        return out;
    }

    private List<Integer> replicaIds(long streamId) {
        try {
            return await(pd.describeStream(streamId)).ranges().getFirst().replicas().stream()
                    .map(RangeServerInfo::id).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress address(RangeServerInfo server) {
        return new InetSocketAddress(server.host(), server.port());
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
