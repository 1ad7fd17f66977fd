package io.elasticstream.placement.server;

import io.elasticstream.common.Clock;
import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStoreException;
import io.elasticstream.placement.server.codec.Codecs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Member sessions, live-only placement and broker failover against the embedded store on a
 * {@link ManualClock}: a session expires exactly when the test moves time past its TTL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LivenessTest {
    private static final long WAIT_SECONDS = 20;
    private static final long TTL_MS = 6_000;
    private static final BrokerInfo B1 = new BrokerInfo(1, "127.0.0.1", 9092);
    private static final BrokerInfo B2 = new BrokerInfo(2, "127.0.0.1", 9093);
    private static final BrokerInfo B3 = new BrokerInfo(3, "127.0.0.1", 9094);
    private static final RangeServerInfo RS1 = new RangeServerInfo(1, "127.0.0.1", 10001);
    private static final RangeServerInfo RS2 = new RangeServerInfo(2, "127.0.0.1", 10002);
    private static final RangeServerInfo RS3 = new RangeServerInfo(3, "127.0.0.1", 10003);

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private MetadataStore store;
    private PlacementDriver pd;
    private final MetadataKeys keys = new MetadataKeys(PlacementConfig.DEFAULT_CLUSTER_PREFIX);

    @BeforeEach
    void open() {
        store = EmbeddedMetadataStore.open(dir, clock);
        pd = new PlacementDriver(store, new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 2, 1, TTL_MS));
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    @Test
    void brokerStaysLiveWhileItHeartbeatsAndIsGoneOnceItsSessionExpires() throws Exception {
        await(pd.registerBroker(B1));
        await(pd.registerBroker(B2));
        assertEquals(List.of(B1, B2), await(pd.brokers()));

        for (int beat = 0; beat < 4; beat++) { // 4 x TTL/3: broker 2 has been silent for longer than its TTL
            clock.advanceMillis(TTL_MS / 3);
            await(pd.heartbeatBroker(1, BrokerLoad.UNKNOWN));
        }

        eventually("broker 2's session expired", () -> join(pd.brokers()).equals(List.of(B1)));
        failure(PlacementException.SessionExpired.class, pd.heartbeatBroker(2, BrokerLoad.UNKNOWN));
        failure(PlacementException.SessionExpired.class, pd.heartbeatBroker(9, BrokerLoad.UNKNOWN));

        await(pd.registerBroker(B2)); // what MemberSession does on SessionExpired
        assertEquals(List.of(B1, B2), await(pd.brokers()));
        await(pd.heartbeatBroker(2, BrokerLoad.UNKNOWN));
    }

    @Test
    void heartbeatsRecordTheLatestLoadInTheLivenessKey() throws Exception {
        await(pd.registerBroker(B1));
        await(pd.registerRangeServer(RS1));
        assertEquals(BrokerLoad.UNKNOWN, brokerLoad(1));

        await(pd.heartbeatBroker(1, new BrokerLoad(7, 1000, 2000)));
        await(pd.heartbeatRangeServer(1, new RangeServerLoad(3, 1L << 40, 500)));

        assertEquals(new BrokerLoad(7, 1000, 2000), brokerLoad(1));
        assertEquals(new RangeServerLoad(3, 1L << 40, 500),
                Codecs.RANGE_SERVER_LOAD.decode(store.get(keys.aliveRangeServer(1)).get().orElseThrow().value()));
    }

    @Test
    void reRegisteringALiveBrokerKeepsItLiveOnANewLease() throws Exception {
        await(pd.registerBroker(B1));
        long firstLease = store.get(keys.aliveBroker(1)).get().orElseThrow().leaseId();

        await(pd.registerBroker(B1));

        long secondLease = store.get(keys.aliveBroker(1)).get().orElseThrow().leaseId();
        assertTrue(secondLease != firstLease, "a new session gets a new lease");
        assertEquals(List.of(B1), await(pd.brokers()));
        failure(MetadataStoreException.LeaseNotFound.class, store.keepAlive(firstLease)); // the old session is over
    }

    @Test
    void topicsAreCreatedOnLiveBrokersOnly() throws Exception {
        await(pd.registerBroker(B1));
        await(pd.registerBroker(B2));
        expireAllBut(List.of(1), List.of());

        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 4, Map.of())));
        assertEquals(List.of(1, 1, 1, 1), owners(topic));
        TopicInfo grown = await(pd.createPartitions("t", 6));
        assertEquals(List.of(1, 1, 1, 1, 1, 1), owners(grown));

        expireAllBut(List.of(), List.of());
        failure(PlacementException.NoLiveBroker.class, pd.createTopic(new NewTopic("u", 1, Map.of())));
        failure(PlacementException.NoLiveBroker.class, pd.createPartitions("t", 7));
    }

    @Test
    void rangesAreNeverPlacedOnADeadRangeServer() throws Exception {
        await(pd.registerBroker(B1));
        for (RangeServerInfo server : List.of(RS1, RS2, RS3)) {
            await(pd.registerRangeServer(server));
        }
        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 1, Map.of())));
        long streamId = topic.partitions().getFirst().streamId();
        StreamInfo opened = await(pd.openStreamForWrite(streamId));
        RangeInfo first = await(pd.createRange(streamId, opened.epoch(), 0, 0));
        assertEquals(List.of(RS1, RS2), first.replicas());

        expireAllBut(List.of(1), List.of(1, 3)); // range server 2 dies; 3 holds fewer ranges than 1 anyway
        await(pd.sealRange(streamId, opened.epoch(), 0, 10));
        for (int index = 1; index <= 4; index++) { // 1 now holds more ranges than 2 did, and still 2 is never chosen
            RangeInfo range = await(pd.createRange(streamId, opened.epoch(), index, 10L * index));
            assertEquals(List.of(RS1, RS3), range.replicas().stream()
                    .sorted((a, b) -> Integer.compare(a.id(), b.id())).toList(), "range " + index);
            await(pd.sealRange(streamId, opened.epoch(), index, 10L * (index + 1)));
        }

        expireAllBut(List.of(1), List.of(3)); // one live server still meets the ack count (1): under-replicated
        assertEquals(List.of(RS3), await(pd.createRange(streamId, opened.epoch(), 5, 50)).replicas());
        await(pd.sealRange(streamId, opened.epoch(), 5, 60));

        expireAllBut(List.of(1), List.of());
        PlacementException.NotEnoughRangeServers error = failure(PlacementException.NotEnoughRangeServers.class,
                pd.createRange(streamId, opened.epoch(), 6, 60));
        assertEquals("need 1 live range servers, have 0", error.getMessage());

        await(pd.registerRangeServer(RS2));
        assertEquals(List.of(RS2), await(pd.createRange(streamId, opened.epoch(), 6, 60)).replicas());
    }

    @Test
    void sealedRangesOnAnExpiredRangeServerAreReportedUnderReplicated() throws Exception {
        await(pd.registerBroker(B1));
        for (RangeServerInfo server : List.of(RS1, RS2, RS3)) {
            await(pd.registerRangeServer(server));
        }
        long streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().getFirst().streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();
        await(pd.createRange(streamId, epoch, 0, 0)); // on 1 and 2
        await(pd.sealRange(streamId, epoch, 0, 100));
        await(pd.createRange(streamId, epoch, 1, 100)); // on 3 and one of 1, 2; stays open
        assertEquals(List.of(), await(pd.underReplicatedRanges()));

        expireAllBut(List.of(1), List.of(1, 3));

        assertEquals(List.of(new UnderReplicatedRange(streamId, 0, 0, 100, List.of(1), List.of(2), 0)),
                await(pd.underReplicatedRanges()));
    }

    @Test
    void amongServersHoldingEquallyManyRangesTheOneReportingMoreFreeDiskIsChosen() throws Exception {
        await(pd.registerBroker(B1));
        for (RangeServerInfo server : List.of(RS1, RS2, RS3)) {
            await(pd.registerRangeServer(server));
        }
        await(pd.heartbeatRangeServer(1, new RangeServerLoad(0, 100, 0)));
        await(pd.heartbeatRangeServer(2, new RangeServerLoad(0, 300, 0)));
        await(pd.heartbeatRangeServer(3, new RangeServerLoad(0, 200, 0)));
        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 1, Map.of())));
        long streamId = topic.partitions().getFirst().streamId();
        long epoch = await(pd.openStreamForWrite(streamId)).epoch();

        assertEquals(List.of(RS2, RS3), await(pd.createRange(streamId, epoch, 0, 0)).replicas());
    }

    @Test
    void partitionsOfAnExpiredBrokerMoveToTheLeastLoadedLiveBrokersWithTheirEpochRaised() throws Exception {
        for (BrokerInfo broker : List.of(B1, B2, B3)) {
            await(pd.registerBroker(broker));
        }
        TopicInfo before = await(pd.createTopic(new NewTopic("t", 9, Map.of())));
        assertEquals(List.of(1, 2, 3, 1, 2, 3, 1, 2, 3), owners(before));

        expireAllBut(List.of(1, 2), List.of());

        eventually("broker 3 owns nothing", () -> !owners(topic("t")).contains(3));
        TopicInfo after = topic("t");
        Map<Integer, Integer> counts = new HashMap<>();
        for (PartitionInfo partition : after.partitions()) {
            counts.merge(partition.ownerBrokerId(), 1, Integer::sum);
            PartitionInfo old = before.partitions().get(partition.partition());
            boolean moved = old.ownerBrokerId() == 3;
            assertEquals(moved ? 1 : 0, partition.leaderEpoch(), partition.toString());
            assertEquals(moved ? 1 : 0, await(pd.describeStream(partition.streamId())).epoch(), partition.toString());
        }
        assertEquals(Map.of(1, 5, 2, 4), counts);
    }

    @Test
    void aFailoverLargerThanOneTurnMovesEveryPartitionAndKeepsTheLiveBrokersBalanced() throws Exception {
        for (BrokerInfo broker : List.of(B1, B2, B3)) {
            await(pd.registerBroker(broker));
        }
        int perTurn = BrokerFailover.BATCH_PARTITIONS * BrokerFailover.BATCHES_PER_TURN;
        int partitions = 3 * (perTurn + 10); // broker 3 owns more than one turn moves
        await(pd.createTopic(new NewTopic("t", partitions, Map.of())));

        expireAllBut(List.of(1, 2), List.of());

        eventually("broker 3 owns nothing", () -> !owners(topic("t")).contains(3));
        Map<Integer, Integer> counts = new HashMap<>();
        owners(topic("t")).forEach(owner -> counts.merge(owner, 1, Integer::sum));
        assertEquals(Map.of(1, partitions / 2, 2, partitions / 2), counts);
    }

    @Test
    void withNoLiveBrokerPartitionsStayUntilABrokerRegisters() throws Exception {
        await(pd.registerBroker(B1));
        TopicInfo before = await(pd.createTopic(new NewTopic("t", 3, Map.of())));

        expireAllBut(List.of(), List.of());
        eventually("broker 1 is dead", () -> join(pd.brokers()).isEmpty());
        assertEquals(before, topic("t"));

        await(pd.registerBroker(B2));
        eventually("broker 2 owns every partition", () -> owners(topic("t")).equals(List.of(2, 2, 2)));
        assertTrue(topic("t").partitions().stream().allMatch(p -> p.leaderEpoch() == 1), topic("t").toString());
    }

    @Test
    void aBrokerComingBackInTimeKeepsItsPartitions() throws Exception {
        await(pd.registerBroker(B1));
        await(pd.registerBroker(B2));
        TopicInfo before = await(pd.createTopic(new NewTopic("t", 4, Map.of())));

        clock.advanceMillis(TTL_MS - 1);
        await(pd.heartbeatBroker(1, BrokerLoad.UNKNOWN));
        await(pd.heartbeatBroker(2, BrokerLoad.UNKNOWN));
        clock.advanceMillis(TTL_MS - 1);

        await(pd.brokers()); // the store checks lease deadlines after each batch: this read's batch is checked
        assertEquals(List.of(B1, B2), await(pd.brokers()));
        assertEquals(before, topic("t"));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void memberSessionRegistersAgainAfterItsSessionExpired() throws Exception {
        try (MemberSession session = MemberSession.forBroker(pd, B1, () -> new BrokerLoad(2, 0, 0), 20)) {
            session.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(List.of(B1), await(pd.brokers()));
            eventually("the first heartbeat recorded the load", () -> brokerLoadUnchecked(1).partitionsOwned() == 2);
            assertEquals(1, session.registrations());

            clock.advanceMillis(TTL_MS + 1); // one jump: the lease is past its deadline whatever beats next

            eventually("the session registered again", () -> session.registrations() == 2);
            eventually("broker 1 is live again", () -> join(pd.brokers()).equals(List.of(B1)));
        }
    }

    @Test
    void memberSessionKeepsRetryingAFailedFirstRegistrationUntilPlacementAcceptsIt() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        PlacementService flaky = (PlacementService) Proxy.newProxyInstance(PlacementService.class.getClassLoader(),
                new Class<?>[] {PlacementService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("registerRangeServer") && attempts.incrementAndGet() <= 3) {
                        return CompletableFuture.failedFuture(new PlacementException.NotLeader("no leader yet"));
                    }
                    return method.invoke(pd, args);
                });
        try (MemberSession session = MemberSession.forRangeServer(flaky, RS1, () -> RangeServerLoad.UNKNOWN, 20)) {
            session.start().get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertEquals(4, attempts.get(), "three failed registrations, then one that PD accepted");
            assertEquals(1, session.registrations());
        }
    }

    @Test
    void memberSessionStartFailsOnlyWhenTheSessionIsClosedBeforeRegistering() throws Exception {
        pd.close();
        MemberSession session = MemberSession.forRangeServer(pd, RS1, () -> RangeServerLoad.UNKNOWN, 20);
        CompletableFuture<Void> started = session.start();
        session.close();
        failure(PlacementException.class, started);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * Moves time on by more than a TTL in thirds, heartbeating the given brokers and range servers at
     * every step, so exactly the others expire; returns once their liveness keys are gone.
     */
    private void expireAllBut(List<Integer> brokers, List<Integer> rangeServers) throws Exception {
        for (int beat = 0; beat < 4; beat++) {
            clock.advanceMillis(TTL_MS / 3);
            for (int id : brokers) {
                await(pd.heartbeatBroker(id, BrokerLoad.UNKNOWN));
            }
            for (int id : rangeServers) {
                await(pd.heartbeatRangeServer(id, RangeServerLoad.UNKNOWN));
            }
        }
        eventually("only brokers " + brokers + " and range servers " + rangeServers + " are live", () ->
                ids(keys.aliveBrokersPrefix()).equals(brokers) && ids(keys.aliveRangeServersPrefix()).equals(rangeServers));
    }

    private List<Integer> ids(String prefix) {
        return join(store.getPrefix(prefix)).kvs().stream().map(kv -> MetadataKeys.parseMemberId(kv.key())).toList();
    }

    private BrokerLoad brokerLoad(int id) throws Exception {
        return Codecs.BROKER_LOAD.decode(store.get(keys.aliveBroker(id)).get().orElseThrow().value());
    }

    private BrokerLoad brokerLoadUnchecked(int id) {
        return Codecs.BROKER_LOAD.decode(join(store.get(keys.aliveBroker(id))).orElseThrow().value());
    }

    private TopicInfo topic(String name) {
        return join(pd.topic(name)).orElseThrow();
    }

    private static List<Integer> owners(TopicInfo topic) {
        return topic.partitions().stream().map(PartitionInfo::ownerBrokerId).toList();
    }

    /** Polls {@code condition} until it holds, failing after {@link #WAIT_SECONDS}. */
    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + TimeUnit.SECONDS.toMillis(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "not within " + WAIT_SECONDS + " s: " + what);
            Thread.sleep(10);
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static <E extends Throwable> E failure(Class<E> type, CompletableFuture<?> future) throws Exception {
        Throwable error = future.handle((value, e) -> e).get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(error, "expected " + type.getSimpleName());
        while (error instanceof java.util.concurrent.CompletionException && error.getCause() != null) {
            error = error.getCause();
        }
        return assertInstanceOf(type, error);
    }
}
