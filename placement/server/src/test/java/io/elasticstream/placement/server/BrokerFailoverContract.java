package io.elasticstream.placement.server;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.member.MemberSession;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broker failover end to end in real time, against each store implementation: three brokers keep
 * sessions with {@link MemberSession}, one stops, and within its TTL + 1 s every partition it owned is
 * owned by the others, with raised epochs, balanced, and announced to {@code watchPartitions} subscribers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class BrokerFailoverContract {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailoverContract.class);
    /** Whole seconds, as etcd grants them. */
    static final long TTL_MS = 2_000;
    private static final long HEARTBEAT_INTERVAL_MS = TTL_MS / 4;
    private static final long FAILOVER_SLACK_MS = 1_000;

    private MetadataStore store;
    private PlacementDriver pd;
    private final List<MemberSession> sessions = new ArrayList<>();

    /** A fresh, empty store (its own directory or key prefix). */
    abstract MetadataStore openStore() throws Exception;

    @BeforeEach
    void open() throws Exception {
        store = openStore();
        pd = new PlacementDriver(store, new PlacementConfig(PlacementConfig.DEFAULT_CLUSTER_PREFIX, 1, 1, TTL_MS));
    }

    @AfterEach
    void close() {
        sessions.forEach(MemberSession::close);
        pd.close();
        store.close();
    }

    @Test
    void partitionsOfABrokerThatStopsHeartbeatingMoveToTheOthersWithinItsTtlPlusOneSecond() throws Exception {
        for (int id = 1; id <= 3; id++) {
            MemberSession session = MemberSession.forBroker(pd, new BrokerInfo(id, "127.0.0.1", 9091 + id),
                    () -> BrokerLoad.UNKNOWN, HEARTBEAT_INTERVAL_MS);
            sessions.add(session);
            session.start().get(20, TimeUnit.SECONDS);
        }
        TopicInfo before = pd.createTopic(new NewTopic("t", 12, Map.of())).get(20, TimeUnit.SECONDS);
        Map<Integer, PartitionInfo> seen = new ConcurrentHashMap<>();
        PlacementService.Subscription subscription = pd.watchPartitions(new PlacementService.PartitionListener() {
            @Override
            public void onPartitionChanged(PartitionInfo partition) {
                seen.put(partition.partition(), partition);
            }

            @Override
            public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
                seen.remove(partition);
            }
        });
        try {
            LivenessTest.eventually("the subscriber saw every partition", () -> seen.size() == 12);

            sessions.get(2).close(); // broker 3 stops heartbeating
            long stoppedMs = Clock.SYSTEM.monotonicMillis();
            LivenessTest.eventually("broker 3 owns nothing", () -> seen.values().stream()
                    .noneMatch(p -> p.ownerBrokerId() == 3));
            long failoverMs = Clock.SYSTEM.monotonicMillis() - stoppedMs;
            LOG.info("broker 3's partitions moved {} ms after its session stopped (TTL {} ms)", failoverMs, TTL_MS);
            assertTrue(failoverMs <= TTL_MS + FAILOVER_SLACK_MS, "failover took " + failoverMs + " ms");

            TopicInfo after = pd.topic("t").get(20, TimeUnit.SECONDS).orElseThrow();
            Map<Integer, Integer> counts = new HashMap<>();
            for (PartitionInfo partition : after.partitions()) {
                counts.merge(partition.ownerBrokerId(), 1, Integer::sum);
                int expectedEpoch = before.partitions().get(partition.partition()).ownerBrokerId() == 3 ? 1 : 0;
                assertEquals(expectedEpoch, partition.leaderEpoch(), partition.toString());
                assertEquals(partition, seen.get(partition.partition()));
            }
            assertEquals(Map.of(1, 6, 2, 6), counts);
            assertEquals(List.of(1, 2), pd.brokers().get(20, TimeUnit.SECONDS).stream().map(BrokerInfo::id).toList());
        } finally {
            subscription.close();
        }
    }

    @Test
    void partitionsOfABrokerThatLeavesMoveAtOnceInsteadOfAfterItsTtl() throws Exception {
        for (int id = 1; id <= 2; id++) {
            MemberSession session = MemberSession.forBroker(pd, new BrokerInfo(id, "127.0.0.1", 9091 + id),
                    () -> BrokerLoad.UNKNOWN, HEARTBEAT_INTERVAL_MS);
            sessions.add(session);
            session.start().get(20, TimeUnit.SECONDS);
        }
        pd.createTopic(new NewTopic("t", 4, Map.of())).get(20, TimeUnit.SECONDS);
        Map<Integer, PartitionInfo> seen = new ConcurrentHashMap<>();
        PlacementService.Subscription subscription = pd.watchPartitions(new PlacementService.PartitionListener() {
            @Override
            public void onPartitionChanged(PartitionInfo partition) {
                seen.put(partition.partition(), partition);
            }

            @Override
            public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
                seen.remove(partition);
            }
        });
        try {
            LivenessTest.eventually("the subscriber saw every partition", () -> seen.size() == 4);
            assertTrue(seen.values().stream().anyMatch(p -> p.ownerBrokerId() == 2));

            long leftMs = Clock.SYSTEM.monotonicMillis();
            sessions.get(1).leave().get(20, TimeUnit.SECONDS);
            LivenessTest.eventually("broker 2 owns nothing", () -> seen.values().stream()
                    .noneMatch(p -> p.ownerBrokerId() == 2));
            long moveMs = Clock.SYSTEM.monotonicMillis() - leftMs;
            LOG.info("broker 2's partitions moved {} ms after it left (TTL {} ms)", moveMs, TTL_MS);
            // Without the leave, the session would outlive the last heartbeat by the TTL, at least
            // TTL - heartbeat interval from now.
            assertTrue(moveMs < TTL_MS - HEARTBEAT_INTERVAL_MS, "moving took " + moveMs + " ms");
            assertEquals(List.of(1), pd.brokers().get(20, TimeUnit.SECONDS).stream().map(BrokerInfo::id).toList());
            pd.unregisterBroker(2).get(20, TimeUnit.SECONDS); // again: nothing to end
            pd.unregisterBroker(77).get(20, TimeUnit.SECONDS); // never registered
        } finally {
            subscription.close();
        }
    }
}
