package io.elasticstream.streamclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.server.net.RangeServer;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import io.elasticstream.streamclient.api.AppendResult;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamException;
import io.elasticstream.streamclient.internal.DefaultStreamClient;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stream client against a real placement driver (embedded store) and a real range server over
 * loopback TCP: offset assignment, confirmation, reads across ranges, and writer failover.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamClientTest {
    @TempDir
    Path dir;

    private EmbeddedMetadataStore metadata;
    private PlacementDriver placement;
    private Wal wal;
    private RangeServer rangeServer;
    private RangeStore rangeStore;
    private final List<DefaultStreamClient> clients = new ArrayList<>();
    private long streamId;

    @BeforeEach
    void start() throws Exception {
        metadata = EmbeddedMetadataStore.open(dir.resolve("metadata"),
                new ManualClock()); // member sessions never expire: registered once, live throughout
        placement = new PlacementDriver(metadata, PlacementConfig.standalone());
        startRangeServer();
        placement.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)).join();
        streamId = placement.createTopic(new NewTopic("t", 1, Map.of())).join().partitions().getFirst().streamId();
    }

    private void startRangeServer() throws Exception {
        wal = Wals.open(dir.resolve("wal"), WalConfig.defaults());
        rangeStore = RangeStore.open(wal);
        rangeServer = RangeServer.start(rangeStore, "127.0.0.1", 0, 1, 1);
        placement.registerRangeServer(new RangeServerInfo(1, "127.0.0.1", rangeServer.localAddress().getPort())).join();
    }

    private void stopRangeServer() {
        rangeServer.close();
        wal.close();
    }

    @AfterEach
    void stop() {
        clients.forEach(DefaultStreamClient::close);
        stopRangeServer();
        placement.close();
        metadata.close();
    }

    private DefaultStreamClient client() {
        return client(StreamClientConfig.defaults());
    }

    private DefaultStreamClient client(StreamClientConfig config) {
        DefaultStreamClient c = DefaultStreamClient.create(placement, 1, 2_000, config);
        clients.add(c);
        return c;
    }

    private static CompletableFuture<AppendResult> append(Stream s, int records, String text) {
        return s.append(records, 0, Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), (data, base) -> { });
    }

    private static List<String> readAll(Stream s, long from) {
        List<String> out = new ArrayList<>();
        long offset = from;
        while (offset < s.confirmedOffset()) {
            List<StoredBatch> batches = s.fetch(offset, 1 << 20).join();
            for (StoredBatch b : batches) {
                out.add(b.baseOffset() + ":" + b.data().toString(StandardCharsets.UTF_8));
                offset = b.endOffset();
                b.data().release();
            }
        }
        return out;
    }

    @Test
    void aWriterAssignsContiguousOffsetsAndConfirmsThemInOrder() {
        Stream s = client().openForWrite(streamId).join();
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            appends.add(append(s, 3, "batch" + i));
        }
        for (int i = 0; i < 50; i++) {
            assertEquals(new AppendResult(3L * i, 3L * i + 3), appends.get(i).join());
        }
        assertEquals(150, s.confirmedOffset());
        assertEquals(150, s.nextOffset());
        List<String> read = readAll(s, 0);
        assertEquals(50, read.size());
        assertEquals("3:batch1", read.get(1));
    }

    @Test
    void theBaseOffsetIsStampedBeforeTheBytesLeave() {
        Stream s = client().openForWrite(streamId).join();
        append(s, 5, "first").join();
        s.append(1, 0, Unpooled.copiedBuffer("base=?", StandardCharsets.UTF_8),
                (data, base) -> data.setByte(5, (byte) ('0' + base))).join();
        assertEquals(List.of("0:first", "5:base=5"), readAll(s, 0));
    }

    @Test
    void aNewWriterSealsTheOrphanRangeAtItsDurableEndFencesTheOldWriterAndContinuesTheOffsets() {
        Stream first = client().openForWrite(streamId).join();
        append(first, 2, "a").join();
        append(first, 2, "b").join();

        Stream second = client().openForWrite(streamId).join();
        assertEquals(first.epoch() + 1, second.epoch());
        assertEquals(4, second.nextOffset(), "offsets continue where the orphan range ends");

        CompletionException fenced = assertThrows(CompletionException.class, () -> append(first, 1, "late").join());
        assertInstanceOf(StreamException.Fenced.class, fenced.getCause());

        append(second, 1, "c").join();
        assertEquals(List.of("0:a", "2:b", "4:c"), readAll(second, 0), "reads span the sealed and the open range");
        StreamInfo info = placement.describeStream(streamId).join();
        assertEquals(2, info.ranges().size());
        assertEquals(4, info.ranges().getFirst().endOffset());
    }

    @Test
    void confirmedDataSurvivesARangeServerRestart() throws Exception {
        Stream s = client().openForWrite(streamId).join();
        append(s, 10, "durable").join();
        stopRangeServer();
        startRangeServer();
        Stream reopened = client().openForWrite(streamId).join();
        assertEquals(10, reopened.confirmedOffset());
        assertEquals(List.of("0:durable"), readAll(reopened, 0));
    }

    @Test
    void whenItsReplicaRestartsTheWriterRollsToANewRangeAndTheCallerSeesOnlyLatency() throws Exception {
        Stream s = client(new StreamClientConfig(500, 1 << 20, 50, 200)).openForWrite(streamId).join();
        append(s, 2, "before").join();
        stopRangeServer();
        CompletableFuture<AppendResult> during = append(s, 3, "during");
        startRangeServer(); // same data, new port: the old range's replica address is gone
        assertEquals(new AppendResult(2, 5), during.get(30, TimeUnit.SECONDS));
        assertEquals(new AppendResult(5, 6), append(s, 1, "after").join());
        assertEquals(List.of("0:before", "2:during", "5:after"), readAll(s, 0));
        StreamInfo info = placement.describeStream(streamId).join();
        assertTrue(info.ranges().size() >= 2, "the writer rolled to a new range: " + info.ranges());
        assertEquals(2, info.ranges().getFirst().endOffset(), "the first range is sealed at the confirmed offset");
    }

    @Test
    void readsOutsideTheConfirmedRangeAreOutOfRange() {
        Stream s = client().openForWrite(streamId).join();
        append(s, 1, "x").join();
        assertTrue(s.fetch(1, 100).join().isEmpty(), "reading at the end returns nothing yet");
        CompletionException e = assertThrows(CompletionException.class, () -> s.fetch(2, 100).join());
        assertInstanceOf(StreamException.OffsetOutOfRange.class, e.getCause());
    }

    @Test
    void trimMovesTheStartForThisAndTheNextWriterAndReadsBelowItAreOutOfRange() {
        Stream s = client().openForWrite(streamId).join();
        append(s, 2, "a").join();
        append(s, 3, "b").join();
        append(s, 1, "c").join();

        assertEquals(3L, s.trim(3).join());
        assertEquals(3, s.startOffset());
        assertEquals(3L, s.trim(1).join(), "the start offset never moves down");
        CompletionException below = assertThrows(CompletionException.class, () -> s.fetch(2, 100).join());
        assertInstanceOf(StreamException.OffsetOutOfRange.class, below.getCause());
        assertEquals(List.of("2:b", "5:c"), readAll(s, 3), "a read at the start returns the whole batch holding it");
        CompletionException beyond = assertThrows(CompletionException.class, () -> s.trim(7).join());
        assertInstanceOf(StreamException.OffsetOutOfRange.class, beyond.getCause());

        Stream next = client().openForWrite(streamId).join();
        assertEquals(3, next.startOffset(), "the trim point is recorded at PD");
        assertEquals(3, placement.describeStream(streamId).join().startOffset());
        CompletionException fenced = assertThrows(CompletionException.class, () -> s.trim(5).join());
        assertInstanceOf(StreamException.Fenced.class, fenced.getCause());
        assertEquals(6L, next.trim(6).join(), "a stream may be trimmed to its end");
        assertTrue(next.fetch(6, 100).join().isEmpty());
    }

    @Test
    void trimReachesTheRangeServersWhichDropRangesWhollyBelowTheNewStart() {
        Stream first = client().openForWrite(streamId).join();
        append(first, 4, "old").join();
        Stream s = client().openForWrite(streamId).join(); // range 0 sealed at 4, range 1 open from 4
        append(s, 2, "new").join();
        append(s, 2, "newer").join();
        assertEquals(4, rangeStore.readableEnd(streamId, 0));

        assertEquals(6L, s.trim(6).join());
        assertEquals(-1, rangeStore.readableEnd(streamId, 0), "the sealed range below the start is dropped");
        assertEquals(6, rangeStore.startOffset(streamId, 1), "the open range is trimmed on its replica");
        assertEquals(List.of("6:newer"), readAll(s, 6));
    }

    @Test
    void dropRangesRemovesEveryRangeOfADeletedStreamFromItsReplicas() {
        DefaultStreamClient c = client();
        Stream first = c.openForWrite(streamId).join();
        append(first, 4, "a").join();
        Stream s = c.openForWrite(streamId).join();
        append(s, 1, "b").join();
        s.close();
        assertEquals(2, rangeStore.rangeCount());

        c.dropRanges(streamId).join();
        assertEquals(0, rangeStore.rangeCount());
        c.dropRanges(streamId).join(); // idempotent
        assertEquals(0, rangeStore.rangeCount());
    }
}
