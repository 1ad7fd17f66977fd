package io.elasticstream.placement.server;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlacementDriverTest {
    private static final long WAIT_SECONDS = 20;
    private static final RangeServerInfo RS1 = new RangeServerInfo(1, "127.0.0.1", 10001);
    private static final RangeServerInfo RS2 = new RangeServerInfo(2, "127.0.0.1", 10002);
    private static final RangeServerInfo RS3 = new RangeServerInfo(3, "127.0.0.1", 10003);

    @TempDir
    Path dir;

    /** Member sessions expire only when a test moves this clock; none of these tests does. */
    private final ManualClock clock = new ManualClock();
    private MetadataStore store;
    private PlacementDriver pd;
    private final List<AutoCloseable> extra = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        store = EmbeddedMetadataStore.open(dir, clock);
        pd = new PlacementDriver(store, PlacementConfig.standalone());
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : extra.reversed()) {
            closeable.close();
        }
        pd.close();
        store.close();
    }

    // ---- topics ----------------------------------------------------------------------------

    @Test
    void createdTopicIsDescribedListedAndGoneWithItsStreamsAfterDelete() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        TopicInfo orders = await(pd.createTopic(new NewTopic("orders", 3, Map.of("retention.ms", "1000"))));
        TopicInfo alpha = await(pd.createTopic(new NewTopic("alpha", 1, Map.of())));

        assertEquals("orders", orders.name());
        assertEquals(Map.of("retention.ms", "1000"), orders.configs());
        assertEquals(3, orders.partitionCount());
        for (int p = 0; p < 3; p++) {
            PartitionInfo partition = orders.partitions().get(p);
            assertEquals(new PartitionInfo("orders", orders.topicId(), p, partition.streamId(), 1, 0), partition);
            StreamInfo stream = await(pd.describeStream(partition.streamId()));
            assertEquals(new StreamInfo(partition.streamId(), 0, 0, 1, 1, List.of()), stream);
        }
        assertNotEquals(orders.topicId(), alpha.topicId());
        assertEquals(Optional.of(orders), await(pd.topic("orders")));
        assertEquals(Optional.empty(), await(pd.topic("missing")));
        assertEquals(List.of(alpha, orders), await(pd.topics()));

        await(pd.deleteTopic("orders"));

        assertEquals(Optional.empty(), await(pd.topic("orders")));
        assertEquals(List.of(alpha), await(pd.topics()));
        for (PartitionInfo partition : orders.partitions()) {
            failure(PlacementException.UnknownStream.class, pd.describeStream(partition.streamId()));
        }
        failure(PlacementException.UnknownTopic.class, pd.deleteTopic("orders"));
    }

    @Test
    void creatingATopicThatExistsFailsWithTopicExistsAndKeepsTheOriginal() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        TopicInfo original = await(pd.createTopic(new NewTopic("orders", 2, Map.of())));

        failure(PlacementException.TopicExists.class, pd.createTopic(new NewTopic("orders", 5, Map.of())));

        assertEquals(Optional.of(original), await(pd.topic("orders")));
    }

    @Test
    void alteredTopicConfigsReplaceTheOverridesAndSurviveRestart() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        TopicInfo created = await(pd.createTopic(new NewTopic("orders", 2, Map.of("retention.ms", "1000"))));

        TopicInfo altered = await(pd.alterTopicConfigs("orders", Map.of("max.message.bytes", "2048")));

        assertEquals(Map.of("max.message.bytes", "2048"), altered.configs());
        assertEquals(created.partitions(), altered.partitions());
        assertEquals(Optional.of(altered), await(pd.topic("orders")));
        failure(PlacementException.UnknownTopic.class, pd.alterTopicConfigs("nope", Map.of()));
        replaceDriver(PlacementConfig.standalone());
        assertEquals(Map.of("max.message.bytes", "2048"), await(pd.topic("orders")).orElseThrow().configs());
    }

    @Test
    void createPartitionsAddsNewStreamsAndOnlyIncreases() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        TopicInfo created = await(pd.createTopic(new NewTopic("orders", 2, Map.of("retention.ms", "1000"))));
        RecordingListener listener = new RecordingListener();
        extra.add(pd.watchPartitions(listener));
        assertEquals("changed orders/0 owner 1 epoch 0", listener.next());
        assertEquals("changed orders/1 owner 2 epoch 0", listener.next());

        TopicInfo grown = await(pd.createPartitions("orders", 5));

        assertEquals(5, grown.partitionCount());
        assertEquals(created.partitions(), grown.partitions().subList(0, 2));
        assertEquals(Map.of("retention.ms", "1000"), grown.configs());
        Set<Long> streams = new HashSet<>();
        for (PartitionInfo p : grown.partitions()) {
            assertTrue(streams.add(p.streamId()), "stream ids must be distinct: " + grown);
            assertEquals(0, await(pd.describeStream(p.streamId())).epoch());
        }
        assertEquals(Optional.of(grown), await(pd.topic("orders")));
        // The new partitions are spread over the brokers like at creation (each already owns one).
        assertEquals(List.of(1, 2, 1), grown.partitions().subList(2, 5).stream().map(PartitionInfo::ownerBrokerId).toList());
        assertEquals("changed orders/2 owner 1 epoch 0", listener.next());
        assertEquals("changed orders/3 owner 2 epoch 0", listener.next());
        assertEquals("changed orders/4 owner 1 epoch 0", listener.next());

        failure(PlacementException.InvalidPartitionCount.class, pd.createPartitions("orders", 5));
        failure(PlacementException.InvalidPartitionCount.class, pd.createPartitions("orders", 3));
        failure(PlacementException.UnknownTopic.class, pd.createPartitions("nope", 3));
        assertEquals(5, await(pd.topic("orders")).orElseThrow().partitionCount());
    }

    @Test
    void createTopicWithoutARegisteredBrokerFailsWithNoLiveBroker() throws Exception {
        failure(PlacementException.NoLiveBroker.class, pd.createTopic(new NewTopic("orders", 1, Map.of())));

        assertEquals(List.of(), await(pd.topics()));
    }

    @Test
    void partitionsGoToTheBrokerOwningFewestLowestIdFirst() throws Exception {
        BrokerInfo b2 = new BrokerInfo(2, "127.0.0.1", 9093);
        BrokerInfo b1 = new BrokerInfo(1, "127.0.0.1", 9092);
        await(pd.registerBroker(b2));
        await(pd.registerBroker(b1));
        assertEquals(List.of(b1, b2), await(pd.brokers()));

        TopicInfo four = await(pd.createTopic(new NewTopic("four", 4, Map.of())));
        assertEquals(List.of(1, 2, 1, 2), owners(four));
        TopicInfo tie = await(pd.createTopic(new NewTopic("tie", 1, Map.of())));
        assertEquals(List.of(1), owners(tie));
        TopicInfo catchUp = await(pd.createTopic(new NewTopic("catch-up", 1, Map.of())));
        assertEquals(List.of(2), owners(catchUp));
    }

    @Test
    void streamIdsAreUniqueAcrossTopicsAndNeverReusedAfterDelete() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        Set<Long> streamIds = new HashSet<>();
        int created = 0;
        for (String name : List.of("a", "b", "c")) {
            TopicInfo topic = await(pd.createTopic(new NewTopic(name, 3, Map.of())));
            topic.partitions().forEach(p -> streamIds.add(p.streamId()));
            created += 3;
        }
        await(pd.deleteTopic("b"));
        TopicInfo d = await(pd.createTopic(new NewTopic("d", 3, Map.of())));
        d.partitions().forEach(p -> streamIds.add(p.streamId()));
        created += 3;

        assertEquals(created, streamIds.size());
    }

    @Test
    void twoDriversRacingOnOneStoreNeverHandOutTheSameStreamId() throws Exception {
        PlacementDriver other = new PlacementDriver(store, PlacementConfig.standalone());
        extra.add(other);
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        List<CompletableFuture<TopicInfo>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            creates.add(pd.createTopic(new NewTopic("first-" + i, 2, Map.of())));
            creates.add(other.createTopic(new NewTopic("second-" + i, 2, Map.of())));
        }
        Set<Long> streamIds = new HashSet<>();
        for (CompletableFuture<TopicInfo> create : creates) {
            await(create).partitions().forEach(p -> streamIds.add(p.streamId()));
        }

        assertEquals(24, streamIds.size());
        assertEquals(12, await(pd.topics()).size());
    }

    // ---- streams and ranges ----------------------------------------------------------------

    @Test
    void producerSnapshotIsStoredByTheCurrentWriterOnlyAndDeletedWithTheTopic() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0).streamId();
        assertEquals(Optional.empty(), await(pd.producerSnapshot(streamId)));
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        ProducerSnapshot first = new ProducerSnapshot(10, 0, 1000, List.of(new ProducerSnapshot.Producer(5, (short) 0,
                77, List.of(new ProducerSnapshot.Batch(0, 9, 0)))));
        await(pd.putProducerSnapshot(streamId, epoch, first));
        assertEquals(Optional.of(first), await(pd.producerSnapshot(streamId)));

        long newer = await(pd.openStreamForWrite(streamId)).epoch();
        ProducerSnapshot stale = new ProducerSnapshot(20, 0, 2000, List.of());
        failure(PlacementException.FencedEpoch.class, pd.putProducerSnapshot(streamId, epoch, stale));
        assertEquals(Optional.of(first), await(pd.producerSnapshot(streamId)), "a fenced writer changes nothing");
        ProducerSnapshot second = new ProducerSnapshot(30, 5, 500, List.of());
        await(pd.putProducerSnapshot(streamId, newer, second));
        assertEquals(Optional.of(second), await(pd.producerSnapshot(streamId)), "a snapshot replaces the last");
        failure(PlacementException.UnknownStream.class, pd.putProducerSnapshot(streamId + 1000, 1, second));

        await(pd.deleteTopic("t"));
        failure(PlacementException.UnknownStream.class, pd.producerSnapshot(streamId));
        assertTrue(await(store.get(new MetadataKeys(PlacementConfig.standalone().clusterPrefix())
                .producerSnapshot(streamId))).isEmpty(), "the snapshot goes with the stream");
    }

    @Test
    void openStreamForWriteRaisesStreamAndLeaderEpochAndFencesTheOldWriter() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerRangeServer(RS1));
        PartitionInfo partition = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0);
        long streamId = partition.streamId();

        StreamInfo first = await(pd.openStreamForWrite(streamId));
        assertEquals(1, first.epoch());
        assertEquals(1, leaderEpoch("t"));
        RangeInfo orphan = await(pd.createRange(streamId, 1, 0, 0));

        StreamInfo second = await(pd.openStreamForWrite(streamId));
        assertEquals(2, second.epoch());
        assertEquals(2, leaderEpoch("t"));
        assertEquals(List.of(orphan), second.ranges(), "the new writer sees the orphan open range");

        failure(PlacementException.FencedEpoch.class, pd.createRange(streamId, 1, 1, 0));
        failure(PlacementException.FencedEpoch.class, pd.sealRange(streamId, 1, 0, 10));
        failure(PlacementException.FencedEpoch.class, pd.sealRange(streamId, 3, 0, 10));
        RangeInfo sealed = await(pd.sealRange(streamId, 2, 0, 10));
        assertEquals(orphan.sealedAt(10), sealed);
        assertEquals(1, sealed.epoch(), "a range keeps the epoch of the writer that created it");
        RangeInfo next = await(pd.createRange(streamId, 2, 1, 10));
        assertEquals(2, next.epoch());
        assertEquals(new StreamInfo(streamId, 2, 0, 1, 1, List.of(sealed, next)), await(pd.describeStream(streamId)));

        failure(PlacementException.UnknownStream.class, pd.openStreamForWrite(streamId + 1000));
    }

    @Test
    void rangesAreCreatedSealedAndChainedAndRetriesAreIdempotent() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerRangeServer(RS1));
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0).streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();

        RangeInfo first = await(pd.createRange(streamId, epoch, 0, 0));
        assertEquals(new RangeInfo(streamId, 0, 0, RangeInfo.OPEN, epoch, List.of(RS1)), first);
        assertEquals(first, await(pd.createRange(streamId, epoch, 0, 0)), "create retried");
        failure(PlacementException.InvalidRangeState.class, pd.createRange(streamId, epoch, 0, 5));
        failure(PlacementException.InvalidRangeState.class, pd.createRange(streamId, epoch, 1, 0));

        RangeInfo sealedFirst = await(pd.sealRange(streamId, epoch, 0, 100));
        assertEquals(first.sealedAt(100), sealedFirst);
        assertEquals(sealedFirst, await(pd.sealRange(streamId, epoch, 0, 100)), "seal retried");
        failure(PlacementException.InvalidRangeState.class, pd.sealRange(streamId, epoch, 0, 99));

        failure(PlacementException.InvalidRangeState.class, pd.createRange(streamId, epoch, 1, 99));
        failure(PlacementException.InvalidRangeState.class, pd.createRange(streamId, epoch, 1, 101));
        failure(PlacementException.InvalidRangeState.class, pd.createRange(streamId, epoch, 2, 100));
        RangeInfo second = await(pd.createRange(streamId, epoch, 1, 100));
        assertEquals(new RangeInfo(streamId, 1, 100, RangeInfo.OPEN, epoch, List.of(RS1)), second);

        failure(PlacementException.InvalidRangeState.class, pd.sealRange(streamId, epoch, 1, 99));
        failure(PlacementException.InvalidRangeState.class, pd.sealRange(streamId, epoch, 2, 200));
        assertEquals(new StreamInfo(streamId, epoch, 0, 1, 1, List.of(sealedFirst, second)),
                await(pd.describeStream(streamId)));

        RangeInfo empty = await(pd.sealRange(streamId, epoch, 1, 100));
        assertEquals(100, empty.endOffset(), "a range may be sealed empty");
        failure(PlacementException.UnknownStream.class, pd.createRange(streamId + 1000, 0, 0, 0));
        failure(PlacementException.UnknownStream.class, pd.sealRange(streamId + 1000, 0, 0, 0));
    }

    @Test
    void replicasAreDistinctAndPlacedOnTheServersHoldingFewestRanges() throws Exception {
        replaceDriver(new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 2, 2));
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        for (RangeServerInfo server : List.of(RS3, RS1, RS2)) {
            await(pd.registerRangeServer(server));
        }
        List<PartitionInfo> partitions = await(pd.createTopic(new NewTopic("t", 2, Map.of()))).partitions();
        long a = partitions.get(0).streamId();
        long b = partitions.get(1).streamId();
        assertEquals(2, await(pd.openStreamForWrite(a)).replicaCount());
        await(pd.openStreamForWrite(b));

        assertEquals(List.of(RS1, RS2), await(pd.createRange(a, 1, 0, 0)).replicas());
        assertEquals(List.of(RS3, RS1), await(pd.createRange(b, 1, 0, 0)).replicas());
        await(pd.sealRange(a, 1, 0, 5));
        assertEquals(List.of(RS2, RS3), await(pd.createRange(a, 1, 1, 5)).replicas());
    }

    @Test
    void serversTheWriterSawFailAreLeftOutOfTheNextRangeUnlessFewerThanTheAckCountWouldRemain() throws Exception {
        replaceDriver(new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2));
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        for (RangeServerInfo server : List.of(RS1, RS2, RS3)) {
            await(pd.registerRangeServer(server));
        }
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0).streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, epoch, 0, 0));
        await(pd.sealRange(streamId, epoch, 0, 5));

        RangeInfo avoiding = await(pd.createRange(streamId, epoch, 1, 5, Set.of(2)));
        assertEquals(Set.of(RS1, RS3), Set.copyOf(avoiding.replicas()), "still live at PD, but the writer saw it fail");
        await(pd.sealRange(streamId, epoch, 1, 9));

        RangeInfo all = await(pd.createRange(streamId, epoch, 2, 9, Set.of(1, 2)));
        assertEquals(Set.of(RS1, RS2, RS3), Set.copyOf(all.replicas()),
                "one trusted server is fewer than the ack count: the suspects are used after all");
    }

    @Test
    void fewerRangeServersThanTheAckCountFailWithNotEnoughRangeServersAndFewerThanTheReplicaCountUnderReplicate()
            throws Exception {
        replaceDriver(new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2));
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerRangeServer(RS1));
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0).streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();

        PlacementException.NotEnoughRangeServers error =
                failure(PlacementException.NotEnoughRangeServers.class, pd.createRange(streamId, epoch, 0, 0));
        assertEquals("need 2 live range servers, have 1", error.getMessage());
        assertEquals(List.of(), await(pd.describeStream(streamId)).ranges());

        await(pd.registerRangeServer(RS2));
        RangeInfo degraded = await(pd.createRange(streamId, epoch, 0, 0));
        assertEquals(Set.of(RS1, RS2), Set.copyOf(degraded.replicas()), "as many as live, and at least the ack count");
        await(pd.sealRange(streamId, epoch, 0, 5));

        await(pd.registerRangeServer(RS3));
        RangeInfo range = await(pd.createRange(streamId, epoch, 1, 5));
        assertEquals(Set.of(RS1, RS2, RS3), Set.copyOf(range.replicas()));
    }

    @Test
    void reRegisteredRangeServerIsReportedAtItsNewAddress() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        await(pd.registerRangeServer(RS1));
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().get(0).streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, epoch, 0, 0));

        RangeServerInfo moved = new RangeServerInfo(1, "10.0.0.7", 20001);
        await(pd.registerRangeServer(moved));

        assertEquals(List.of(moved), await(pd.describeStream(streamId)).ranges().get(0).replicas());
    }

    // ---- watching partitions ---------------------------------------------------------------

    @Test
    void partitionWatchSeesCurrentStateThenCreateEpochBumpAndDeleteInOrderOnOneThread() throws Exception {
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        TopicInfo a = await(pd.createTopic(new NewTopic("a", 1, Map.of())));
        RecordingListener listener = new RecordingListener();
        PlacementService.Subscription subscription = pd.watchPartitions(listener);
        extra.add(subscription);

        assertEquals("changed a/0 owner 1 epoch 0", listener.next());

        TopicInfo b = await(pd.createTopic(new NewTopic("b", 2, Map.of())));
        assertEquals("changed b/0 owner 1 epoch 0", listener.next());
        assertEquals("changed b/1 owner 1 epoch 0", listener.next());

        await(pd.openStreamForWrite(b.partitions().get(1).streamId()));
        assertEquals("changed b/1 owner 1 epoch 1", listener.next());

        await(pd.deleteTopic("a"));
        assertEquals("deleted a/0 " + a.topicId(), listener.next());

        assertEquals(1, listener.threads.size(), "every call on one thread: " + listener.threads);
        assertFalse(listener.threads.contains(Thread.currentThread()));

        // After close, nothing more arrives: a later subscription sees the next change, this one does not.
        subscription.close();
        RecordingListener later = new RecordingListener();
        extra.add(pd.watchPartitions(later));
        assertEquals("changed b/0 owner 1 epoch 0", later.next());
        assertEquals("changed b/1 owner 1 epoch 1", later.next());
        await(pd.createTopic(new NewTopic("c", 1, Map.of())));
        assertEquals("changed c/0 owner 1 epoch 0", later.next());
        assertNull(listener.events.poll(), "closed subscription still delivered");
    }

    // ---- durability and lifecycle ----------------------------------------------------------

    @Test
    void stateSurvivesRestartingDriverAndStoreOnTheSameDirectory() throws Exception {
        BrokerInfo broker = new BrokerInfo(1, "127.0.0.1", 9092);
        await(pd.registerBroker(broker));
        await(pd.registerRangeServer(RS1));
        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 2, Map.of("cleanup.policy", "compact"))));
        long streamId = topic.partitions().get(0).streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, epoch, 0, 0));
        await(pd.sealRange(streamId, epoch, 0, 42));
        StreamInfo before = await(pd.describeStream(streamId));
        TopicInfo topicBefore = await(pd.topic("t")).orElseThrow();

        pd.close();
        store.close();
        store = EmbeddedMetadataStore.open(dir, clock);
        pd = new PlacementDriver(store, PlacementConfig.standalone());

        assertEquals(Optional.of(topicBefore), await(pd.topic("t")));
        assertEquals(1, topicBefore.partitions().get(0).leaderEpoch());
        assertEquals(before, await(pd.describeStream(streamId)));
        assertEquals(List.of(broker), await(pd.brokers()));
        RangeInfo next = await(pd.createRange(streamId, epoch, 1, 42));
        assertEquals(List.of(RS1), next.replicas());
        TopicInfo after = await(pd.createTopic(new NewTopic("u", 1, Map.of())));
        long maxBefore = topic.partitions().stream().mapToLong(PartitionInfo::streamId).max().orElseThrow();
        assertTrue(after.partitions().get(0).streamId() > maxBefore, "stream ids continue after a restart");
    }

    @Test
    void closedDriverFailsRequests() throws Exception {
        pd.close();

        PlacementException error = failure(PlacementException.class, pd.topics());
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
    }

    // ---- helpers ---------------------------------------------------------------------------

    private void replaceDriver(PlacementConfig config) {
        pd.close();
        pd = new PlacementDriver(store, config);
    }

    private int leaderEpoch(String topic) throws Exception {
        return await(pd.topic(topic)).orElseThrow().partitions().get(0).leaderEpoch();
    }

    private static List<Integer> owners(TopicInfo topic) {
        return topic.partitions().stream().map(PartitionInfo::ownerBrokerId).toList();
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The future failed with exactly an {@code E}, not wrapped in a CompletionException. */
    private static <E extends PlacementException> E failure(Class<E> type, CompletableFuture<?> future)
            throws Exception {
        Throwable error = future.handle((value, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error, "expected " + type.getSimpleName());
        return assertInstanceOf(type, error);
    }

    private static final class RecordingListener implements PlacementService.PartitionListener {
        final BlockingQueue<String> events = new LinkedBlockingQueue<>();
        final Set<Thread> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void onPartitionChanged(PartitionInfo partition) {
            threads.add(Thread.currentThread());
            events.add("changed " + partition.topic() + "/" + partition.partition() + " owner "
                    + partition.ownerBrokerId() + " epoch " + partition.leaderEpoch());
        }

        @Override
        public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
            threads.add(Thread.currentThread());
            events.add("deleted " + topic + "/" + partition + " " + topicId);
        }

        String next() throws InterruptedException {
            String event = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(event, "no partition event within " + WAIT_SECONDS + " s");
            return event;
        }
    }

    // ---- producer ids ----------------------------------------------------------------------

    @Test
    void producerIdBlocksNeverOverlapEvenAcrossRestarts() throws Exception {
        long first = pd.allocateProducerIds(1000).get(WAIT_SECONDS, TimeUnit.SECONDS);
        long second = pd.allocateProducerIds(10).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(first + 1000, second);
        pd.close();
        store.close();
        store = EmbeddedMetadataStore.open(dir, clock);
        pd = new PlacementDriver(store, PlacementConfig.standalone());
        assertEquals(second + 10, pd.allocateProducerIds(5).get(WAIT_SECONDS, TimeUnit.SECONDS));
    }

}
