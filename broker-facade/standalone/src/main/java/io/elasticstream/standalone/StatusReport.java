package io.elasticstream.standalone;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.elasticstream.broker.metrics.BrokerMetrics;
import io.elasticstream.common.Clock;
import io.elasticstream.common.JsonWriter;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.server.rpc.ClusterMembers;
import io.elasticstream.rangestore.server.metrics.WalMetrics;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The document behind {@code /status.json}: the cluster as PD sees it (brokers, range servers, topics and
 * their partitions with owners) and a snapshot of the process's metrics that the status page charts.
 * Counters are cumulative: the page derives rates from the difference of two snapshots.
 *
 * <p>Called on the HTTP server's threads; waits at most {@value #PD_TIMEOUT_MS} ms for PD and then reports
 * what it could not read as an error string rather than failing the page.
 */
final class StatusReport implements Supplier<String> {
    static final long PD_TIMEOUT_MS = 2_000;

    private final String clusterId;
    private final PlacementService placement;
    private final List<RangeServerInfo> rangeServers;
    private final MetricRegistry registry;
    private final Clock clock;
    /** Cluster mode: reads the registered members and their loads; null in standalone mode. */
    private final Supplier<CompletableFuture<ClusterMembers>> members;

    /** Standalone mode: {@code rangeServers} are this process's own. */
    StatusReport(String clusterId, PlacementService placement, List<RangeServerInfo> rangeServers,
                 MetricRegistry registry, Clock clock) {
        this(clusterId, placement, rangeServers, registry, clock, null);
    }

    private StatusReport(String clusterId, PlacementService placement, List<RangeServerInfo> rangeServers,
                         MetricRegistry registry, Clock clock, Supplier<CompletableFuture<ClusterMembers>> members) {
        this.clusterId = clusterId;
        this.placement = placement;
        this.rangeServers = List.copyOf(rangeServers);
        this.registry = registry;
        this.clock = clock;
        this.members = members;
    }

    /** Cluster mode: brokers and range servers from {@code members} (e.g. {@link ClusterMembers#read}). */
    static StatusReport cluster(String clusterId, PlacementService placement,
                                Supplier<CompletableFuture<ClusterMembers>> members, MetricRegistry registry,
                                Clock clock) {
        return new StatusReport(clusterId, placement, List.of(), registry, clock, members);
    }

    @Override
    public String get() {
        JsonWriter json = new JsonWriter().beginObject();
        json.name("timeMs").value(clock.epochMillis());
        json.name("clusterId").value(clusterId);
        String error = null;
        List<BrokerInfo> brokers = List.of();
        List<TopicInfo> topics = List.of();
        Optional<ClusterMembers> cluster = Optional.empty();
        try {
            if (members != null) {
                cluster = Optional.of(members.get().get(PD_TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } else {
                brokers = placement.brokers().get(PD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            topics = placement.topics().get(PD_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = "placement driver: " + e;
        }
        json.name("error").value(error);
        json.name("brokers").beginArray();
        if (cluster.isPresent()) {
            for (ClusterMembers.Broker b : cluster.get().brokers()) {
                memberFields(json, b.info().id(), b.info().host(), b.info().port()).name("live").value(b.live())
                        .endObject();
            }
        } else {
            for (BrokerInfo b : brokers.stream().sorted(Comparator.comparingInt(BrokerInfo::id)).toList()) {
                memberFields(json, b.id(), b.host(), b.port()).endObject();
            }
        }
        json.endArray();
        json.name("rangeServers").beginArray();
        if (cluster.isPresent()) {
            for (ClusterMembers.RangeServer r : cluster.get().rangeServers()) {
                Optional<RangeServerLoad> load = r.load();
                memberFields(json, r.info().id(), r.info().host(), r.info().port()).name("live").value(r.live())
                        .name("diskUsedBytes").value(load.map(RangeServerLoad::diskUsedBytes).orElse(-1L))
                        .name("diskFreeBytes").value(load.map(RangeServerLoad::diskFreeBytes).orElse(-1L))
                        .name("walSegments").value(-1)
                        .endObject();
            }
        } else {
            for (RangeServerInfo r : rangeServers) {
                memberFields(json, r.id(), r.host(), r.port())
                        .name("diskUsedBytes").value(gauge(WalMetrics.DISK_USED))
                        .name("diskFreeBytes").value(gauge(WalMetrics.DISK_FREE))
                        .name("walSegments").value(gauge(WalMetrics.SEGMENTS))
                        .endObject();
            }
        }
        json.endArray();
        json.name("topics").beginArray();
        for (TopicInfo t : topics.stream().sorted(Comparator.comparing(TopicInfo::name)).toList()) {
            json.beginObject().name("name").value(t.name()).name("partitions").beginArray();
            for (PartitionInfo p : t.partitions()) {
                json.beginObject().name("partition").value(p.partition()).name("owner").value(p.ownerBrokerId())
                        .name("leaderEpoch").value(p.leaderEpoch()).name("streamId").value(p.streamId()).endObject();
            }
            json.endArray().endObject();
        }
        json.endArray();
        json.name("metrics").beginObject()
                .name("produceBytes").value(meter(BrokerMetrics.BYTES_IN))
                .name("fetchBytes").value(meter(BrokerMetrics.BYTES_OUT))
                .name("produceRequests").value(timerCount(BrokerMetrics.REQUESTS + "Produce"))
                .name("fetchRequests").value(timerCount(BrokerMetrics.REQUESTS + "Fetch"))
                .name("produceP99Ms").value(p99Ms(BrokerMetrics.PRODUCE_CONFIRM))
                .name("walAppends").value(meter(WalMetrics.APPENDS));
        if (members == null) {
            json.name("fsyncP99Ms").value(p99Ms(WalMetrics.FSYNC))
                    .name("diskUsedBytes").value(gauge(WalMetrics.DISK_USED))
                    .name("diskFreeBytes").value(gauge(WalMetrics.DISK_FREE))
                    .name("diskTotalBytes").value(gauge(WalMetrics.DISK_TOTAL));
        } else {
            List<RangeServerLoad> live = cluster.map(c -> c.rangeServers().stream()
                    .flatMap(r -> r.load().stream()).toList()).orElse(List.of());
            json.name("fsyncP99Ms").value(live.stream().mapToDouble(RangeServerLoad::walFsyncP99Ms).max().orElse(0))
                    .name("diskUsedBytes").value(live.stream().mapToLong(RangeServerLoad::diskUsedBytes).sum())
                    .name("diskFreeBytes").value(live.isEmpty() ? -1
                            : live.stream().mapToLong(RangeServerLoad::diskFreeBytes).sum())
                    .name("diskTotalBytes").value(live.stream().mapToLong(RangeServerLoad::diskTotalBytes).sum());
        }
        json.name("connections").value(gauge(BrokerMetrics.CONNECTIONS_OPEN))
                .name("heapUsedBytes").value(gauge("jvm.memory.heap.used"))
                .name("heapMaxBytes").value(gauge("jvm.memory.heap.max"))
                .endObject();
        return json.endObject().toString();
    }

    /** Opens a member's object with its id and address; the caller adds fields and closes it. */
    private static JsonWriter memberFields(JsonWriter json, int id, String host, int port) {
        return json.beginObject().name("id").value(id).name("host").value(host).name("port").value(port);
    }

    private long meter(String name) {
        Meter m = registry.getMeters().get(name);
        return m == null ? 0 : m.getCount();
    }

    private long timerCount(String name) {
        Timer t = registry.getTimers().get(name);
        return t == null ? 0 : t.getCount();
    }

    private double p99Ms(String name) {
        Timer t = registry.getTimers().get(name);
        return t == null ? 0 : t.getSnapshot().get99thPercentile() / 1e6;
    }

    private long gauge(String name) {
        Gauge<?> g = registry.getGauges().get(name);
        return g != null && g.getValue() instanceof Number n ? n.longValue() : -1;
    }
}
