package io.elasticstream.streamclient.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.internal.DefaultStreamClient;
import io.elasticstream.streamclient.metrics.ReplicationMetrics;
import io.netty.buffer.Unpooled;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplicationMetricsTest {
    private static final long STREAM = 1;

    @Test
    void registersEveryReplicationMetricUnderRangestoreReplication() {
        MetricRegistry registry = new MetricRegistry();
        new ReplicationMetrics(registry, Clock.SYSTEM);
        assertEquals(Set.of("rangestore.replication.appends.inflight", "rangestore.replication.confirm.latency",
                "rangestore.replication.appends.failed", "rangestore.replication.seals", "rangestore.replication.rolls",
                "rangestore.replication.replica.timeouts", "rangestore.replication.replica.errors"),
                registry.getNames());
    }

    @Test
    void confirmationsCountAndACrashedReplicaShowsAsTimeoutOrErrorThenRollAndSeal() {
        SimWorld world = new SimWorld(7);
        Map<Integer, SimRangeServer> servers = new LinkedHashMap<>();
        for (int id = 1; id <= 4; id++) {
            servers.put(id, new SimRangeServer(world, id));
        }
        SimNetwork network = new SimNetwork(world, servers);
        SimPlacement placement = new SimPlacement(world, servers, 3, 3);
        placement.createStream(STREAM);
        MetricRegistry registry = new MetricRegistry();
        Clock virtual = new Clock() {
            @Override
            public long nanoTime() {
                return TimeUnit.MILLISECONDS.toNanos(world.nowMs());
            }

            @Override
            public long epochMillis() {
                return world.nowMs();
            }
        };
        DefaultStreamClient client = new DefaultStreamClient(placement, network, world,
                new StreamClientConfig(100, 1 << 20, 20, 1_000), null, new ReplicationMetrics(registry, virtual));
        CompletableFuture<Stream> opened = client.openForWrite(STREAM);
        world.runUntil(1_000, () -> { });
        assertTrue(opened.isDone(), "stream opened within 1 s of virtual time");
        Stream stream = opened.join();
        assertNotNull(stream);

        for (int i = 0; i < 4; i++) {
            stream.append(1, world.nowMs(), Unpooled.copiedBuffer(new byte[] {(byte) i}), (d, b) -> { });
        }
        assertEquals(4, inflight(registry));
        world.runUntil(2_000, () -> { });
        assertEquals(0, inflight(registry));
        assertEquals(4, registry.timer(ReplicationMetrics.CONFIRM_LATENCY).getCount());
        assertEquals(0, registry.meter(ReplicationMetrics.ROLLS).getCount());

        CompletableFuture<StreamInfo> described = placement.describeStream(STREAM);
        world.runUntil(2_100, () -> { });
        assertTrue(described.isDone());
        int replica = described.join().lastRange().replicas().getFirst().id();
        servers.get(replica).crash();
        CompletableFuture<?> afterCrash = stream.append(1, world.nowMs(), Unpooled.copiedBuffer(new byte[] {9}),
                (d, b) -> { });
        world.runUntil(10_000, () -> { });
        assertTrue(afterCrash.isDone() && !afterCrash.isCompletedExceptionally(), "append confirmed after the roll");
        long causes = registry.meter(ReplicationMetrics.REPLICA_TIMEOUTS).getCount()
                + registry.meter(ReplicationMetrics.REPLICA_ERRORS).getCount();
        assertTrue(causes >= 1, "timeouts + errors: " + causes);
        assertTrue(registry.meter(ReplicationMetrics.ROLLS).getCount() >= 1);
        assertTrue(registry.meter(ReplicationMetrics.SEALS).getCount() >= 1);
        assertEquals(5, registry.timer(ReplicationMetrics.CONFIRM_LATENCY).getCount());
        assertEquals(0, inflight(registry));
    }

    private static long inflight(MetricRegistry registry) {
        return ((Number) registry.getGauges().get(ReplicationMetrics.INFLIGHT).getValue()).longValue();
    }
}
