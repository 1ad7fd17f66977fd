package io.elasticstream.placement.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link PlacementDriver#trimStream}: the stream's start offset is monotonic, epoch-checked and durable. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamTrimTest {
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path dir;

    private MetadataStore store;
    private PlacementDriver pd;
    private long streamId;

    @BeforeEach
    void open() throws Exception {
        store = EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
        pd = new PlacementDriver(store, PlacementConfig.standalone());
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerRangeServer(new RangeServerInfo(1, "127.0.0.1", 10001)));
        streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().getFirst().streamId();
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    @Test
    void trimMovesTheStartOffsetOnlyUpAndSurvivesARestartOfTheDriver() throws Exception {
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, epoch, 0, 0));

        assertEquals(7L, await(pd.trimStream(streamId, epoch, 7)));
        assertEquals(7L, await(pd.trimStream(streamId, epoch, 3)), "a lower offset leaves the start where it is");
        assertEquals(7L, await(pd.trimStream(streamId, epoch, 7)), "a retried trim is a no-op");
        assertEquals(7, await(pd.describeStream(streamId)).startOffset());

        pd.close();
        pd = new PlacementDriver(store, PlacementConfig.standalone());
        assertEquals(7, await(pd.describeStream(streamId)).startOffset());
        assertEquals(7, await(pd.openStreamForWrite(streamId)).startOffset(), "the next writer opens at the trim point");
    }

    @Test
    void trimByAFencedWriterOrBeyondTheSealedEndIsRefused() throws Exception {
        long first = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, first, 0, 0));
        long second = await(pd.openStreamForWrite(streamId)).epoch();

        failure(PlacementException.FencedEpoch.class, pd.trimStream(streamId, first, 1));
        await(pd.sealRange(streamId, second, 0, 10));
        failure(PlacementException.InvalidRangeState.class, pd.trimStream(streamId, second, 11));
        assertEquals(10L, await(pd.trimStream(streamId, second, 10)), "a stream may be trimmed to its very end");
        failure(PlacementException.UnknownStream.class, pd.trimStream(streamId + 1000, 1, 1));
        assertEquals(10, await(pd.describeStream(streamId)).startOffset());
    }

    @Test
    void rangesWhollyBelowTheNewStartAreDroppedFromTheMetadataButNeverTheLastOne() throws Exception {
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        for (int index = 0; index < 3; index++) {
            await(pd.createRange(streamId, epoch, index, index * 10L));
            await(pd.sealRange(streamId, epoch, index, index * 10L + 10));
        }
        await(pd.createRange(streamId, epoch, 3, 30));

        await(pd.trimStream(streamId, epoch, 15));
        assertEquals(List.of(1, 2, 3), indexes(), "range 0 ends at 10, below 15; range 1 holds 15");
        await(pd.trimStream(streamId, epoch, 30));
        assertEquals(List.of(3), indexes());
        await(pd.sealRange(streamId, epoch, 3, 40));
        await(pd.trimStream(streamId, epoch, 40));
        assertEquals(List.of(3), indexes(), "the last range stays, so the next one's index follows it");
        await(pd.createRange(streamId, epoch, 4, 40));
        assertEquals(List.of(3, 4), indexes());
    }

    private List<Integer> indexes() throws Exception {
        return await(pd.describeStream(streamId)).ranges().stream().map(r -> r.index()).toList();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static <E extends PlacementException> void failure(Class<E> type, CompletableFuture<?> future)
            throws Exception {
        Throwable error = future.handle((value, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error, "expected " + type.getSimpleName());
        assertInstanceOf(type, error);
    }
}
