package io.elasticstream.placement.server;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PartitionMoveResult.Outcome;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeServerInfo;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PlannedMovesTest {
    private static final long WAIT_SECONDS = 20;

    @TempDir
    Path dir;
    /** Sessions expire only when a test moves this clock; none does. */
    private final ManualClock clock = new ManualClock();
    private MetadataStore store;
    private PlacementDriver pd;

    @BeforeEach
    void open() throws Exception {
        store = EmbeddedMetadataStore.open(dir, clock);
        pd = new PlacementDriver(store, PlacementConfig.standalone());
        await(pd.registerBroker(new BrokerInfo(1, "127.0.0.1", 9092)));
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    @Test
    void newPartitionsGoToTheBrokersOwningFewestAsMovedAndDeletedPartitionsLeftThem() throws Exception {
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        TopicInfo first = await(pd.createTopic(new NewTopic("t", 4, Map.of())));
        assertEquals(List.of(2, 2), ownedBy(first.partitions()));
        List<PartitionMove> toBroker2 = first.partitions().stream().filter(p -> p.ownerBrokerId() == 1)
                .map(p -> new PartitionMove("t", p.partition(), 2)).toList();
        await(pd.movePartitions(toBroker2)); // broker 1 owns none now, broker 2 four

        TopicInfo second = await(pd.createTopic(new NewTopic("u", 4, Map.of())));
        assertEquals(List.of(4, 0), ownedBy(second.partitions()), "all four to broker 1");

        await(pd.deleteTopic("t")); // broker 2 owns none now
        TopicInfo third = await(pd.createTopic(new NewTopic("v", 2, Map.of())));
        assertEquals(List.of(0, 2), ownedBy(third.partitions()), "both to broker 2");
        assertEquals(List.of(0, 2), ownedBy(await(pd.createPartitions("v", 4)).partitions().subList(2, 4)),
                "added partitions too");
    }

    /** How many of {@code partitions} brokers 1 and 2 own. */
    private static List<Integer> ownedBy(List<PartitionInfo> partitions) {
        return List.of((int) partitions.stream().filter(p -> p.ownerBrokerId() == 1).count(),
                (int) partitions.stream().filter(p -> p.ownerBrokerId() == 2).count());
    }

    @Test
    void movedPartitionChangesOwnerWithLeaderAndStreamEpochRaisedByOneAndIsAnnounced() throws Exception {
        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 2, Map.of())));
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        PartitionInfo before = topic.partitions().get(0);
        LinkedBlockingQueue<PartitionInfo> changes = new LinkedBlockingQueue<>();
        PlacementService.Subscription watch = pd.watchPartitions(listener(changes));
        try {
            assertNotNull(changes.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertNotNull(changes.poll(WAIT_SECONDS, TimeUnit.SECONDS));

            List<PartitionMoveResult> results = await(pd.movePartitions(List.of(new PartitionMove("t", 0, 2))));

            assertEquals(List.of(new PartitionMoveResult(new PartitionMove("t", 0, 2), Outcome.MOVED, "")), results);
            PartitionInfo after = new PartitionInfo("t", topic.topicId(), 0, before.streamId(), 2, 1);
            assertEquals(after, changes.poll(WAIT_SECONDS, TimeUnit.SECONDS));
            assertEquals(List.of(after, topic.partitions().get(1)), await(pd.topic("t")).orElseThrow().partitions());
            assertEquals(1, await(pd.describeStream(before.streamId())).epoch());
        } finally {
            watch.close();
        }
    }

    @Test
    void oldOwnerIsFencedAtPdOnceItsPartitionMoved() throws Exception {
        await(pd.registerRangeServer(new RangeServerInfo(1, "127.0.0.1", 10001)));
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        PartitionInfo partition = await(pd.createTopic(new NewTopic("t", 1, Map.of()))).partitions().getFirst();
        long oldEpoch = await(pd.openStreamForWrite(partition.streamId())).epoch();
        int target = partition.ownerBrokerId() == 1 ? 2 : 1;

        await(pd.movePartitions(List.of(new PartitionMove("t", 0, target))));

        ExecutionException failed = assertThrows(ExecutionException.class,
                () -> pd.createRange(partition.streamId(), oldEpoch, 0, 0).get(WAIT_SECONDS, TimeUnit.SECONDS));
        var fenced = assertInstanceOf(PlacementException.FencedEpoch.class, failed.getCause());
        assertEquals(oldEpoch + 1, fenced.currentEpoch());
    }

    @Test
    void eachInvalidMoveFailsAloneAndTheValidOnesStillHappen() throws Exception {
        TopicInfo topic = await(pd.createTopic(new NewTopic("t", 3, Map.of())));
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        List<PartitionMove> moves = List.of(
                new PartitionMove("t", 0, 2),
                new PartitionMove("t", 1, 1),
                new PartitionMove("t", 3, 2),
                new PartitionMove("t", -1, 2),
                new PartitionMove("missing", 0, 2),
                new PartitionMove("t", 2, 99),
                new PartitionMove("t", 0, 1));

        List<Outcome> outcomes = await(pd.movePartitions(moves)).stream().map(PartitionMoveResult::outcome).toList();

        assertEquals(List.of(Outcome.MOVED, Outcome.ALREADY_OWNER, Outcome.UNKNOWN_PARTITION,
                Outcome.UNKNOWN_PARTITION, Outcome.UNKNOWN_PARTITION, Outcome.BROKER_NOT_LIVE, Outcome.DUPLICATE),
                outcomes);
        List<PartitionInfo> after = await(pd.topic("t")).orElseThrow().partitions();
        assertEquals(List.of(2, 1, 1), after.stream().map(PartitionInfo::ownerBrokerId).toList());
        assertEquals(List.of(1, 0, 0), after.stream().map(PartitionInfo::leaderEpoch).toList());
        assertEquals(topic.partitions().get(1), after.get(1));
    }

    @Test
    void movesBeyondOneTransactionBatchAllHappenAndCanMoveBack() throws Exception {
        int count = PlannedMoves.BATCH_PARTITIONS * 2 + 5;
        await(pd.createTopic(new NewTopic("big", count, Map.of())));
        await(pd.registerBroker(new BrokerInfo(2, "127.0.0.1", 9093)));
        for (int round = 1; round <= 2; round++) {
            int target = round == 1 ? 2 : 1;
            List<PartitionMove> moves = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                moves.add(new PartitionMove("big", p, target));
            }

            List<PartitionMoveResult> results = await(pd.movePartitions(moves));

            assertEquals(count, results.stream().filter(r -> r.outcome() == Outcome.MOVED).count());
            for (PartitionInfo partition : await(pd.topic("big")).orElseThrow().partitions()) {
                assertEquals(target, partition.ownerBrokerId());
                assertEquals(round, partition.leaderEpoch());
                assertEquals(round, await(pd.describeStream(partition.streamId())).epoch());
            }
        }
    }

    private static PlacementService.PartitionListener listener(LinkedBlockingQueue<PartitionInfo> changes) {
        return new PlacementService.PartitionListener() {
            @Override
            public void onPartitionChanged(PartitionInfo partition) {
                changes.add(partition);
            }

            @Override
            public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
            }
        };
    }

    private static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
