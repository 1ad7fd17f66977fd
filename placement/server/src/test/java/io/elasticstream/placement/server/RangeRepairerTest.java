package io.elasticstream.placement.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import io.elasticstream.placement.server.rpc.ClusterViewJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RangeRepairer} driven round by round against the embedded store, with a fake copier that
 * records what it was asked and answers as each test says: which range is copied where from where, and
 * what ends up in the range record.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RangeRepairerTest {
    private static final long WAIT_SECONDS = 20;
    private static final RangeServerInfo RS1 = new RangeServerInfo(1, "127.0.0.1", 10001);
    private static final RangeServerInfo RS2 = new RangeServerInfo(2, "127.0.0.1", 10002);
    private static final RangeServerInfo RS3 = new RangeServerInfo(3, "127.0.0.1", 10003);
    private static final RangeServerInfo RS4 = new RangeServerInfo(4, "127.0.0.1", 10004);

    @TempDir
    Path dir;

    /** Leases expire only when revoked: nothing dies unless a test kills it. */
    private final ManualClock clock = new ManualClock();
    private final MetadataKeys keys = new MetadataKeys(PlacementConfig.DEFAULT_CLUSTER_PREFIX);
    private final PlacementMetrics metrics = PlacementMetrics.unregistered();
    private final List<String> copies = new ArrayList<>();
    /** What the fake copier answers; by default, that the copy succeeded. */
    private volatile Supplier<CompletableFuture<Long>> copyOutcome;
    /** Servers the fake says hold the ranges it is asked about only in part, until a copy to them succeeds. */
    private final Set<Integer> shortServers = ConcurrentHashMap.newKeySet();
    /** Servers whose checks fail. */
    private final Set<Integer> unreachable = ConcurrentHashMap.newKeySet();
    /** Every server a check asked, in order. */
    private final List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
    private MetadataStore store;
    private PlacementDriver pd;
    private long streamId;
    private long epoch;

    @BeforeEach
    void open() throws Exception {
        store = EmbeddedMetadataStore.open(dir, clock);
        RangeCopier fake = new RangeCopier() {
            @Override
            public CompletableFuture<Long> copy(RangeServerInfo target, RangeInfo range, List<RangeServerInfo> sources) {
                synchronized (copies) {
                    copies.add(range.streamId() + "/" + range.index() + " [" + range.startOffset() + ", "
                            + range.endOffset() + ") to " + target.id() + " from "
                            + sources.stream().map(RangeServerInfo::id).toList());
                }
                CompletableFuture<Long> outcome = copyOutcome == null
                        ? CompletableFuture.completedFuture(range.endOffset()) : copyOutcome.get();
                return outcome.thenApply(end -> {
                    shortServers.remove(target.id());
                    return end;
                });
            }

            @Override
            public CompletableFuture<Boolean> holdsWhole(RangeServerInfo server, RangeInfo range) {
                asked.add(server.id());
                if (unreachable.contains(server.id())) {
                    return CompletableFuture.failedFuture(new IllegalStateException("connection refused"));
                }
                return CompletableFuture.completedFuture(!shortServers.contains(server.id()));
            }
        };
        pd = new PlacementDriver(store, new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 3, 2)
                .withRangeRepairIntervalMs(0), List.of(), metrics, fake);
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
        for (RangeServerInfo server : List.of(RS1, RS2, RS3)) {
            await(pd.registerRangeServer(server));
        }
        streamId = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().getFirst().streamId();
        epoch = await(pd.openStreamForWrite(streamId)).epoch();
        assertEquals(List.of(RS1, RS2, RS3), await(pd.createRange(streamId, epoch, 0, 0)).replicas());
        await(pd.sealRange(streamId, epoch, 0, 100));
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    @Test
    void aSealedRangeOnADeadServerIsCopiedToAFreeLiveServerWhichReplacesTheDeadReplica() throws Exception {
        await(pd.registerRangeServer(RS4));
        kill(2);
        assertEquals(List.of(new UnderReplicatedRange(streamId, 0, 0, 100, List.of(1, 3), List.of(2), 0)),
                await(pd.underReplicatedRanges()));

        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());

        assertEquals(List.of(streamId + "/0 [0, 100) to 4 from [1, 3]"), copies);
        assertEquals(List.of(RS1, RS4, RS3), replicas(0), "the new replica takes the dead one's place");
        assertEquals(List.of(), await(pd.underReplicatedRanges()));
        assertEquals(1, metrics.repairsSucceeded());
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 1, 0), pd.repairUnderReplicatedRanges(),
                "the replicas are checked and the range verified");
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges(), "nothing left to do");
    }

    @Test
    void openRangesAreLeftToTheirWriterAndSealedOnesWaitForAFreeServer() throws Exception {
        await(pd.createRange(streamId, epoch, 1, 100)); // open, on 1, 2, 3
        kill(2);

        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges(),
                "every live server already holds range 0");
        assertEquals(List.of(), copies);

        await(pd.registerRangeServer(RS4));
        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(streamId + "/0 [0, 100) to 4 from [1, 3]"), copies, "only the sealed range");
        assertEquals(List.of(RS1, RS2, RS3), replicas(1));
    }

    @Test
    void aFailedCopyChangesNothingAndIsRetriedNextRound() throws Exception {
        await(pd.registerRangeServer(RS4));
        kill(3);
        copyOutcome = () -> CompletableFuture.failedFuture(new IllegalStateException("source short"));

        assertEquals(new RangeRepairer.Round(1, 0, 1, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(RS1, RS2, RS3), replicas(0));
        assertEquals(1, metrics.repairsFailed());

        copyOutcome = null;
        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(RS1, RS2, RS4), replicas(0));
    }

    @Test
    void aCopyWhoseRangeRecordChangedMeanwhileIsDroppedAndPlannedAgain() throws Exception {
        await(pd.registerRangeServer(RS4));
        kill(1);
        // While the copy runs, the range record moves on (here marked verified: any change must void the swap).
        copyOutcome = () -> {
            byte[] value = join(store.get(keys.range(streamId, 0))).orElseThrow().value();
            RangeRecord changed = Codecs.RANGES.decode(value).getFirst().asVerified();
            join(store.put(keys.range(streamId, 0), Codecs.RANGES.encode(List.of(changed))));
            return CompletableFuture.completedFuture(100L);
        };

        assertEquals(new RangeRepairer.Round(1, 0, 0, 1, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(RS1, RS2, RS3), replicas(0), "the swap was not applied");

        copyOutcome = null;
        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(RS4, RS2, RS3), replicas(0));
    }

    @Test
    void aCopyToATargetThatDiedMeanwhileIsNotRecorded() throws Exception {
        await(pd.registerRangeServer(RS4));
        kill(2);
        copyOutcome = () -> {
            kill(4);
            return CompletableFuture.completedFuture(100L);
        };

        assertEquals(new RangeRepairer.Round(1, 0, 0, 1, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(RS1, RS2, RS3), replicas(0));
    }

    @Test
    void aRangeWithNoLiveReplicaIsReportedButNotCopied() throws Exception {
        await(pd.registerRangeServer(RS4));
        kill(1);
        kill(2);
        kill(3);

        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(), copies);
        assertEquals(1, await(pd.underReplicatedRanges()).size());
        String view = join(ClusterViewJson.read(store, PlacementConfig.DEFAULT_CLUSTER_PREFIX));
        assertTrue(view.contains("\"underReplicatedRanges\":[{\"streamId\":" + streamId
                + ",\"index\":0,\"start\":0,\"end\":100,\"liveReplicas\":[],\"deadReplicas\":[1,2,3],"
                + "\"missingReplicas\":0}]"), view);
    }

    @Test
    void eachDeadReplicaIsReplacedByADifferentServer() throws Exception {
        await(pd.registerRangeServer(RS4));
        await(pd.registerRangeServer(new RangeServerInfo(5, "127.0.0.1", 10005)));
        kill(1);
        kill(2);

        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges(), "one replica per round");
        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());

        assertEquals(List.of(streamId + "/0 [0, 100) to 4 from [3]", streamId + "/0 [0, 100) to 5 from [4, 3]"),
                copies);
        assertEquals(List.of(4, 5, 3), replicas(0).stream().map(RangeServerInfo::id).toList());
        assertTrue(join(ClusterViewJson.read(store, PlacementConfig.DEFAULT_CLUSTER_PREFIX))
                .contains("\"underReplicatedRanges\":[]"), "the cluster view lists none");
    }

    @Test
    void aReplicaOnALiveServerThatHoldsLessThanTheWholeRangeIsCompletedInPlaceThenTheRangeIsVerified()
            throws Exception {
        shortServers.add(2);

        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(streamId + "/0 [0, 100) to 2 from [1, 3]"), copies);
        assertEquals(List.of(RS1, RS2, RS3), replicas(0), "the record already names it");
        assertTrue(!storedRange(0).verified(), "verified only once every replica is checked whole");

        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 1, 0), pd.repairUnderReplicatedRanges());
        assertTrue(storedRange(0).verified());
        assertTrue(join(ClusterViewJson.read(store, PlacementConfig.DEFAULT_CLUSTER_PREFIX))
                .contains("\"verified\":true"), "the cluster view shows it");
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges(),
                "a verified range whose replicas are whole needs nothing");
    }

    @Test
    void aReplicaLostOnALiveServerAfterItsRangeWasVerifiedIsFoundByTheScrubAndCompleted() throws Exception {
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 1, 0), pd.repairUnderReplicatedRanges());
        shortServers.add(3); // e.g. its disk was wiped and it registered again under the same id

        assertEquals(new RangeRepairer.Round(1, 1, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertEquals(List.of(streamId + "/0 [0, 100) to 3 from [1, 2]"), copies);
        assertTrue(storedRange(0).verified(), "it stays verified: every replica holds it again");
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
    }

    @Test
    void aRangeIsNotVerifiedWhileAReplicaCannotTellWhatItHoldsAndThatServerIsNotAskedAgainThatRound()
            throws Exception {
        await(pd.createRange(streamId, epoch, 1, 100));
        await(pd.sealRange(streamId, epoch, 1, 200));
        unreachable.add(3);

        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());
        assertTrue(!storedRange(0).verified());
        assertEquals(List.of(3), asked.stream().filter(id -> id == 3).toList(),
                "server 3 failed the check of range 0; range 1 (also on it) waits for the next round");

        unreachable.clear();
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 2, 0), pd.repairUnderReplicatedRanges());
    }

    @Test
    void aRangePlacedOnFewerServersThanTheReplicaCountGetsTheMissingReplicaAddedWhenAServerIsFree()
            throws Exception {
        kill(3);
        assertEquals(List.of(RS1, RS2), await(pd.createRange(streamId, epoch, 1, 100)).replicas(),
                "placed under-replicated: only two servers live");
        await(pd.sealRange(streamId, epoch, 1, 200));
        assertEquals(List.of(new UnderReplicatedRange(streamId, 0, 0, 100, List.of(1, 2), List.of(3), 0),
                new UnderReplicatedRange(streamId, 1, 100, 200, List.of(1, 2), List.of(), 1)),
                await(pd.underReplicatedRanges()));

        await(pd.registerRangeServer(RS4));
        assertEquals(new RangeRepairer.Round(2, 2, 0, 0, 0, 0), pd.repairUnderReplicatedRanges());

        assertEquals(List.of(streamId + "/0 [0, 100) to 4 from [1, 2]", streamId + "/1 [100, 200) to 4 from [1, 2]"),
                copies);
        assertEquals(List.of(RS1, RS2, RS4), replicas(0));
        assertEquals(List.of(RS1, RS2, RS4), replicas(1));
        assertEquals(List.of(), await(pd.underReplicatedRanges()));
    }

    @Test
    void oldRangeHistoryIsCompactedIntoOneRecordThatEveryReaderAndWriterStillSeesRangeByRange() throws Exception {
        for (int i = 1; i <= 20; i++) {
            await(pd.createRange(streamId, epoch, i, 100L * i));
            await(pd.sealRange(streamId, epoch, i, 100L * (i + 1)));
        }
        List<RangeInfo> before = await(pd.describeStream(streamId)).ranges();
        assertEquals(21, before.size());
        assertEquals(21, rangeRecords());

        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 21, 19), pd.repairUnderReplicatedRanges(),
                "all 21 verified, then the 20 before the last merged into one record");
        assertEquals(2, rangeRecords());
        assertEquals(19, metrics.rangesCompacted());
        assertEquals(before, await(pd.describeStream(streamId)).ranges(), "readers see the same ranges");
        assertTrue(join(ClusterViewJson.read(store, PlacementConfig.DEFAULT_CLUSTER_PREFIX))
                .contains("{\"index\":7,\"start\":700,\"end\":800,"), "the cluster view lists them one by one");

        assertEquals(500, await(pd.sealRange(streamId, epoch, 4, 500)).endOffset(),
                "a retried seal of a range now in a run is answered from the run");
        await(pd.createRange(streamId, epoch, 21, 2100));
        await(pd.sealRange(streamId, epoch, 21, 2100));

        await(pd.registerRangeServer(RS4));
        kill(2);
        assertEquals(new RangeRepairer.Round(21, 21, 0, 0, 0, 0), pd.repairUnderReplicatedRanges(),
                "every range of the run that lost a replica is repaired in one round");
        for (int i = 0; i <= 20; i++) {
            assertEquals(List.of(RS1, RS4, RS3), replicas(i), "range " + i);
        }
        assertEquals(new RangeRepairer.Round(0, 0, 0, 0, 21, 0), pd.repairUnderReplicatedRanges());

        assertEquals(2000L, await(pd.trimStream(streamId, epoch, 2000)));
        assertEquals(List.of(20, 21), await(pd.describeStream(streamId)).ranges().stream().map(RangeInfo::index)
                .toList(), "a trim past the run drops it whole");
        assertEquals(2, rangeRecords());
    }

    private int rangeRecords() {
        return join(store.getPrefix(keys.rangesPrefix(streamId))).kvs().size();
    }

    /** Range {@code index} of the test stream as PD stores it. */
    private RangeRecord storedRange(int index) {
        List<KeyValue> kvs = join(store.getPrefix(keys.rangesPrefix(streamId))).kvs();
        return StoredRanges.find(kvs, index).orElseThrow().range();
    }

    private List<RangeServerInfo> replicas(int index) throws Exception {
        RangeInfo range = await(pd.describeStream(streamId)).ranges().get(index);
        return range.replicas();
    }

    /** Ends range server {@code id}'s session as an expiry would: its liveness key goes with its lease. */
    private void kill(int id) {
        long lease = join(store.get(keys.aliveRangeServer(id))).orElseThrow().leaseId();
        join(store.revokeLease(lease));
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
}
