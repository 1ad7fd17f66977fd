package io.elasticstream.placement.server.cluster;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.rpc.PdRpc;
import io.elasticstream.placement.rpc.RemotePlacementConfig;
import io.elasticstream.placement.rpc.RemotePlacementService;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.StorePartitionWatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RemotePlacementServiceTest {
    static final String PREFIX = "/rpc-test/";
    static final long TTL_MS = 1_000;

    @TempDir
    Path dir;
    private MetadataStore store;
    private final List<PlacementNode> nodes = new ArrayList<>();
    private RemotePlacementService client;

    @BeforeEach
    void startTwoPlacementDrivers() throws Exception {
        store = EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
        for (int i = 1; i <= 2; i++) {
            nodes.add(PlacementNode.start(store, new PlacementConfig(PREFIX, 1, 1), "pd" + i, "127.0.0.1", 0, TTL_MS,
                    Clock.SYSTEM));
        }
        client = new RemotePlacementService(RemotePlacementConfig.of(nodes.stream().map(PlacementNode::address).toList()),
                new StorePartitionWatcher(store, PREFIX), Clock.SYSTEM);
    }

    @AfterEach
    void stop() {
        client.close();
        nodes.forEach(PlacementNode::close);
        store.close();
    }

    @Test
    void everyMethodRoundTripsThroughTheLeader() throws Exception {
        RangeServerInfo rs = new RangeServerInfo(7, "10.0.0.7", 7007);
        client.registerRangeServer(rs).join();
        client.registerBroker(new BrokerInfo(2, "b2", 9093)).join();
        client.registerBroker(new BrokerInfo(1, "b1", 9092)).join();
        assertEquals(List.of(new BrokerInfo(1, "b1", 9092), new BrokerInfo(2, "b2", 9093)), client.brokers().join());
        client.heartbeatBroker(1, new BrokerLoad(3, 100, 200)).join();
        client.heartbeatRangeServer(7, new RangeServerLoad(4, 1_000_000, 300)).join();

        LinkedBlockingQueue<PartitionInfo> changes = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> deletions = new LinkedBlockingQueue<>();
        PlacementService.Subscription watch = client.watchPartitions(new PlacementService.PartitionListener() {
            @Override
            public void onPartitionChanged(PartitionInfo partition) {
                changes.add(partition);
            }

            @Override
            public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
                deletions.add(topic + "-" + partition);
            }
        });
        try {
            TopicInfo created = client.createTopic(new NewTopic("orders", 2, Map.of("retention.ms", "1000"))).join();
            assertEquals(2, created.partitionCount());
            assertEquals(Map.of("retention.ms", "1000"), created.configs());
            assertEquals(Optional.of(created), client.topic("orders").join());
            assertEquals(Optional.empty(), client.topic("missing").join());
            assertEquals(List.of(created), client.topics().join());
            assertEquals(created.partitions().get(0), changes.poll(10, TimeUnit.SECONDS));

            TopicInfo altered = client.alterTopicConfigs("orders", Map.of("cleanup.policy", "compact")).join();
            assertEquals(Map.of("cleanup.policy", "compact"), altered.configs());
            TopicInfo grown = client.createPartitions("orders", 3).join();
            assertEquals(3, grown.partitionCount());

            int owner0 = created.partitions().get(0).ownerBrokerId();
            int other = owner0 == 1 ? 2 : 1;
            assertEquals(List.of(new PartitionMoveResult(new PartitionMove("orders", 0, other), PartitionMoveResult.Outcome.MOVED, ""),
                            new PartitionMoveResult(new PartitionMove("nope", 0, other),
                                    PartitionMoveResult.Outcome.UNKNOWN_PARTITION, "topic 'nope' has no partition 0")),
                    client.movePartitions(List.of(new PartitionMove("orders", 0, other), new PartitionMove("nope", 0, other)))
                            .join());
            assertEquals(other, client.topic("orders").join().orElseThrow().partitions().get(0).ownerBrokerId());
            client.movePartitions(List.of(new PartitionMove("orders", 0, owner0))).join();

            long streamId = created.partitions().get(0).streamId();
            StreamInfo opened = client.openStreamForWrite(streamId).join();
            assertEquals(3, opened.epoch()); // two moves, then this open
            RangeInfo range = client.createRange(streamId, 3, 0, 0).join();
            assertEquals(List.of(rs), range.replicas());
            assertEquals(RangeInfo.OPEN, range.endOffset());
            RangeInfo sealed = client.sealRange(streamId, 3, 0, 42).join();
            assertEquals(42, sealed.endOffset());
            assertEquals(10, client.trimStream(streamId, 3, 10).join());
            StreamInfo described = client.describeStream(streamId).join();
            assertEquals(List.of(sealed), described.ranges());
            assertEquals(10, described.startOffset());
            assertEquals(leaderDriver().describeStream(streamId).join(), described);
            assertEquals(Optional.empty(), client.producerSnapshot(streamId).join());
            ProducerSnapshot snapshot = new ProducerSnapshot(42, 10, 4096, List.of(new ProducerSnapshot.Producer(7,
                    (short) 2, 1234, List.of(new ProducerSnapshot.Batch(0, 4, 30), new ProducerSnapshot.Batch(5, 9, 35)))));
            client.putProducerSnapshot(streamId, 3, snapshot).join();
            assertEquals(Optional.of(snapshot), client.producerSnapshot(streamId).join());

            assertEquals(Map.of(), client.groupConfigs("g").join());
            assertEquals(Map.of("share.auto.offset.reset", "earliest"),
                    client.alterGroupConfigs("g", Map.of("share.auto.offset.reset", "earliest")).join());
            assertEquals(Map.of("share.auto.offset.reset", "earliest"), client.groupConfigs("g").join());
            assertEquals(Map.of(), client.alterGroupConfigs("g", Map.of()).join());
            assertEquals(Map.of(), client.groupConfigs("g").join());

            long first = client.allocateProducerIds(10).join();
            assertEquals(first + 10, client.allocateProducerIds(5).join());

            client.deleteTopic("orders").join();
            assertEquals(List.of(), client.topics().join());
            List<String> deleted = new ArrayList<>();
            while (deleted.size() < 3) {
                String d = deletions.poll(10, TimeUnit.SECONDS);
                assertTrue(d != null, "all partitions reported deleted, got " + deleted);
                deleted.add(d);
            }
            assertEquals(List.of("orders-0", "orders-1", "orders-2"), deleted.stream().sorted().toList());

            client.unregisterBroker(2).join();
            assertEquals(List.of(new BrokerInfo(1, "b1", 9092)), client.brokers().join());
        } finally {
            watch.close();
        }
    }

    @Test
    void errorsArriveAsTheSamePlacementExceptionSubtypes() throws Exception {
        assertInstanceOf(PlacementException.NoLiveBroker.class, failure(client.createTopic(new NewTopic("t", 1, Map.of()))));
        client.registerBroker(new BrokerInfo(1, "b1", 9092)).join();
        TopicInfo t = client.createTopic(new NewTopic("t", 1, Map.of())).join();
        long streamId = t.partitions().get(0).streamId();

        var exists = assertInstanceOf(PlacementException.TopicExists.class, failure(client.createTopic(new NewTopic("t", 1, Map.of()))));
        assertEquals("t", exists.topic());
        assertEquals("topic 't' already exists", exists.getMessage());
        assertInstanceOf(PlacementException.UnknownTopic.class, failure(client.deleteTopic("nope")));
        var count = assertInstanceOf(PlacementException.InvalidPartitionCount.class, failure(client.createPartitions("t", 1)));
        assertEquals(1, count.current());
        assertEquals(1, count.requested());
        assertInstanceOf(PlacementException.UnknownStream.class, failure(client.describeStream(999_999)));
        client.openStreamForWrite(streamId).join();
        client.openStreamForWrite(streamId).join();
        var fenced = assertInstanceOf(PlacementException.FencedEpoch.class, failure(client.createRange(streamId, 1, 0, 0)));
        assertEquals(1, fenced.callerEpoch());
        assertEquals(2, fenced.currentEpoch());
        var servers = assertInstanceOf(PlacementException.NotEnoughRangeServers.class,
                failure(client.createRange(streamId, 2, 0, 0)));
        assertEquals(1, servers.needed());
        assertEquals(0, servers.live());
        assertInstanceOf(PlacementException.InvalidRangeState.class, failure(client.sealRange(streamId, 2, 0, 5)));
        var expired = assertInstanceOf(PlacementException.SessionExpired.class,
                failure(client.heartbeatBroker(99, BrokerLoad.UNKNOWN)));
        var direct = assertInstanceOf(PlacementException.SessionExpired.class,
                failure(leaderDriver().heartbeatBroker(99, BrokerLoad.UNKNOWN)));
        assertEquals(direct.member(), expired.member());
        assertEquals(direct.getMessage(), expired.getMessage());
    }

    @Test
    void followerRedirectsToTheLeader() throws Exception {
        awaitLeader();
        PlacementNode follower = nodes.stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
        PlacementNode leader = nodes.stream().filter(PlacementNode::isLeader).findFirst().orElseThrow();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://" + follower.address() + PdRpc.RPC_PATH + PdRpc.BROKERS))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(PdRpc.REDIRECT, response.statusCode());
            assertEquals(Optional.of(leader.address()), response.headers().firstValue(PdRpc.LEADER_HEADER));
        }
        // A client that only knows the follower still reaches the leader.
        try (RemotePlacementService viaFollower = new RemotePlacementService(
                RemotePlacementConfig.of(List.of(follower.address())), null, Clock.SYSTEM)) {
            viaFollower.registerBroker(new BrokerInfo(3, "b3", 1)).join();
            assertEquals(List.of(new BrokerInfo(3, "b3", 1)), viaFollower.brokers().join());
        }
    }

    @Test
    void clientKeepsWorkingAcrossALeaderChange() throws Exception {
        client.registerBroker(new BrokerInfo(1, "b1", 9092)).join();
        client.createTopic(new NewTopic("before", 1, Map.of())).join();
        PlacementNode leader = awaitLeader();
        long term = leader.leadership().orElseThrow().term();
        leader.close();
        nodes.remove(leader);
        TopicInfo after = client.createTopic(new NewTopic("after", 1, Map.of())).join();
        assertEquals("after", after.name());
        assertEquals(List.of("after", "before"), client.topics().join().stream().map(TopicInfo::name).toList());
        assertTrue(nodes.get(0).leadership().orElseThrow().term() > term);
    }

    @Test
    void callFailsAtItsDeadlineWhenNoPlacementDriverAnswers() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (RemotePlacementService nowhere = new RemotePlacementService(
                RemotePlacementConfig.of(List.of("127.0.0.1:" + port)).withCallTimeoutMs(500), null, Clock.SYSTEM)) {
            PlacementException error = assertInstanceOf(PlacementException.class, failure(nowhere.brokers()));
            assertTrue(error.getMessage().contains("within 500 ms"), error.getMessage());
        }
    }

    @Test
    void clusterViewListsLeaderMembersTopicsAndStreams() throws Exception {
        client.registerBroker(new BrokerInfo(41, "b41", 9092)).join();
        client.registerRangeServer(new RangeServerInfo(51, "rs51", 7001)).join();
        TopicInfo t = client.createTopic(new NewTopic("viewed-topic", 1, Map.of())).join();
        long streamId = t.partitions().get(0).streamId();
        client.openStreamForWrite(streamId).join();
        client.createRange(streamId, 1, 0, 0).join();
        PlacementNode leader = awaitLeader();
        for (PlacementNode node : nodes) {
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://" + node.address() + PdRpc.CLUSTER_PATH)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode());
                String json = response.body();
                assertTrue(json.startsWith("{") && json.endsWith("}"), json);
                assertTrue(json.contains("\"leader\":{\"id\":\"" + leader.id() + "\""), json);
                assertTrue(json.contains("\"id\":41,\"host\":\"b41\",\"port\":9092,\"live\":true,"
                        + "\"load\":{\"partitionsOwned\":0,"), json);
                assertTrue(json.contains("\"id\":51,\"host\":\"rs51\",\"port\":7001,\"live\":true,"
                        + "\"load\":{\"rangesHeld\":0,"), json);
                assertTrue(json.contains("\"name\":\"viewed-topic\""), json);
                assertTrue(json.contains("{\"partition\":0,\"streamId\":" + streamId + ",\"owner\":41,\"epoch\":1}"), json);
                assertTrue(json.contains("\"ranges\":[{\"index\":0,\"start\":0,\"end\":null,\"epoch\":1,\"replicas\":[51],"
                        + "\"verified\":false}]"),
                        json);
            }
        }
    }

    private PlacementNode awaitLeader() throws InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + 10_000;
        while (true) {
            for (PlacementNode node : nodes) {
                if (node.isLeader()) {
                    return node;
                }
            }
            assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "no leader elected");
            Thread.sleep(5);
        }
    }

    private PlacementService leaderDriver() throws InterruptedException {
        return awaitLeader().leaderService().orElseThrow();
    }

    private static Throwable failure(CompletableFuture<?> future) {
        return assertThrows(CompletionException.class, future::join).getCause();
    }
}
