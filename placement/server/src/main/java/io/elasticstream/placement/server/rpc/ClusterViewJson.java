package io.elasticstream.placement.server.rpc;

import io.elasticstream.common.JsonWriter;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.MetadataKeys;
import io.elasticstream.placement.server.ReplicationAudit;
import io.elasticstream.placement.server.UnderReplicatedRange;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import io.elasticstream.placement.server.codec.TopicRecord;
import io.elasticstream.placement.server.election.PdLeader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * The cluster view served at {@code GET /v1/cluster}, hand-encoded as JSON from one prefix read of the
 * metadata store (so it is one consistent revision): PD leader and term, brokers and range servers
 * (with {@code live} and, while live, their latest load report),
 * topics with their partitions (owner, epoch, stream), streams with their ranges (compacted runs
 * expanded) and replicas, and the sealed ranges with a replica on a dead range server or fewer replicas
 * than their stream's replica count ({@code underReplicatedRanges}, see {@link ReplicationAudit}; PD's
 * re-replication empties that list).
 * Records it cannot decode are skipped (e.g. keys a newer PD added).
 */
public final class ClusterViewJson {
    private ClusterViewJson() {
    }

    public static CompletableFuture<String> read(MetadataStore store, String clusterPrefix) {
        return store.getPrefix(clusterPrefix).thenApply(r -> encode(r.kvs(), r.revision(), clusterPrefix));
    }

    static String encode(List<KeyValue> kvs, long revision, String prefix) {
        MetadataKeys keys = new MetadataKeys(prefix);
        String leaderKey = prefix + "pd/leader";
        String termKey = prefix + "pd/term";
        PdLeader leader = null;
        long term = 0;
        List<TopicRecord> topics = new ArrayList<>();
        Map<TopicId, List<PartitionInfo>> partitions = new HashMap<>();
        Map<Long, StreamRecord> streams = new TreeMap<>();
        Map<Long, List<RangeRecord>> ranges = new HashMap<>();
        for (KeyValue kv : kvs) {
            String key = kv.key();
            try {
                if (key.equals(leaderKey)) {
                    leader = PdLeader.CODEC.decode(kv.value());
                } else if (key.equals(termKey)) {
                    term = Codecs.COUNTER.decode(kv.value());
                } else if (key.startsWith(keys.topicsPrefix())) {
                    topics.add(Codecs.TOPIC.decode(kv.value()));
                } else if (key.startsWith(keys.partitionsPrefix())) {
                    PartitionInfo p = Codecs.PARTITION.decode(kv.value());
                    partitions.computeIfAbsent(p.topicId(), id -> new ArrayList<>()).add(p);
                } else if (key.startsWith(keys.rangesPrefix())) {
                    List<RangeRecord> run = Codecs.RANGES.decode(kv.value());
                    ranges.computeIfAbsent(run.getFirst().streamId(), id -> new ArrayList<>()).addAll(run);
                } else if (key.startsWith(keys.streamsPrefix())) {
                    StreamRecord s = Codecs.STREAM.decode(kv.value());
                    streams.put(s.streamId(), s);
                }
            } catch (RuntimeException e) {
                // not a record this version knows: leave it out of the view
            }
        }
        ClusterMembers members = ClusterMembers.of(kvs, prefix);
        JsonWriter json = new JsonWriter().beginObject().name("revision").value(revision);
        json.name("pd").beginObject().name("term").value(term).name("leader");
        if (leader == null) {
            json.value((String) null);
        } else {
            leaderObject(json, leader);
        }
        json.endObject();
        json.name("brokers").beginArray();
        for (ClusterMembers.Broker broker : members.brokers()) {
            BrokerInfo b = broker.info();
            member(json, b.id(), b.host(), b.port(), broker.live());
            if (broker.load().isPresent()) {
                BrokerLoad load = broker.load().get();
                json.name("load").beginObject().name("partitionsOwned").value(load.partitionsOwned())
                        .name("bytesInPerSecond").value(load.bytesInPerSecond())
                        .name("bytesOutPerSecond").value(load.bytesOutPerSecond())
                        .name("produceP99Ms").value(load.produceP99Ms())
                        .name("fetchP99Ms").value(load.fetchP99Ms()).endObject();
            }
            json.endObject();
        }
        json.endArray().name("rangeServers").beginArray();
        for (ClusterMembers.RangeServer server : members.rangeServers()) {
            RangeServerInfo s = server.info();
            member(json, s.id(), s.host(), s.port(), server.live());
            if (server.load().isPresent()) {
                RangeServerLoad load = server.load().get();
                json.name("load").beginObject().name("rangesHeld").value(load.rangesHeld())
                        .name("diskFreeBytes").value(load.diskFreeBytes())
                        .name("bytesInPerSecond").value(load.bytesInPerSecond())
                        .name("walFsyncP99Ms").value(load.walFsyncP99Ms())
                        .name("diskUsedBytes").value(load.diskUsedBytes())
                        .name("diskTotalBytes").value(load.diskTotalBytes()).endObject();
            }
            json.endObject();
        }
        json.endArray().name("topics").beginArray();
        for (TopicRecord t : topics) {
            topicObject(json, t, partitions.getOrDefault(t.topicId(), List.of()));
        }
        json.endArray().name("streams").beginArray();
        for (StreamRecord s : streams.values()) {
            streamObject(json, s, ranges.getOrDefault(s.streamId(), List.of()));
        }
        json.endArray().name("underReplicatedRanges").beginArray();
        List<RangeRecord> allRanges = ranges.values().stream().flatMap(List::stream).toList();
        Set<Integer> liveServers = members.rangeServers().stream().filter(ClusterMembers.RangeServer::live)
                .map(server -> server.info().id()).collect(Collectors.toSet());
        for (UnderReplicatedRange u : ReplicationAudit.underReplicated(allRanges, streams, liveServers)) {
            json.beginObject().name("streamId").value(u.streamId()).name("index").value(u.index())
                    .name("start").value(u.startOffset()).name("end").value(u.endOffset())
                    .name("liveReplicas").beginArray();
            u.liveReplicaIds().forEach(id -> json.value(id));
            json.endArray().name("deadReplicas").beginArray();
            u.deadReplicaIds().forEach(id -> json.value(id));
            json.endArray().name("missingReplicas").value(u.missingReplicas()).endObject();
        }
        return json.endArray().endObject().toString();
    }

    /** The body of {@code GET /v1/leader}. */
    static String leader(PdLeader leader, boolean self) {
        JsonWriter json = new JsonWriter();
        leaderFields(json.beginObject(), leader);
        return json.name("self").value(self).endObject().toString();
    }

    private static void leaderObject(JsonWriter json, PdLeader leader) {
        leaderFields(json.beginObject(), leader).endObject();
    }

    private static JsonWriter leaderFields(JsonWriter json, PdLeader leader) {
        return json.name("id").value(leader.id()).name("address").value(leader.address()).name("term").value(leader.term());
    }

    /** Opens a broker's or range server's object; the caller may add members, then closes it. */
    private static void member(JsonWriter json, int id, String host, int port, boolean live) {
        json.beginObject().name("id").value(id).name("host").value(host).name("port").value(port).name("live").value(live);
    }

    private static void topicObject(JsonWriter json, TopicRecord topic, List<PartitionInfo> partitions) {
        json.beginObject().name("name").value(topic.name())
                .name("topicId").value(topicIdHex(topic.topicId()))
                .name("partitionCount").value(topic.partitionCount())
                .name("configs").beginObject();
        new TreeMap<>(topic.configs()).forEach((k, v) -> json.name(k).value(v));
        json.endObject().name("partitions").beginArray();
        partitions.stream().sorted(Comparator.comparingInt(PartitionInfo::partition)).forEach(p -> json.beginObject()
                .name("partition").value(p.partition()).name("streamId").value(p.streamId())
                .name("owner").value(p.ownerBrokerId()).name("epoch").value(p.leaderEpoch()).endObject());
        json.endArray().endObject();
    }

    private static void streamObject(JsonWriter json, StreamRecord stream, List<RangeRecord> ranges) {
        json.beginObject().name("streamId").value(stream.streamId())
                .name("epoch").value(stream.epoch())
                .name("startOffset").value(stream.startOffset())
                .name("replicaCount").value(stream.replicaCount())
                .name("ackCount").value(stream.ackCount())
                .name("topicId").value(topicIdHex(stream.topicId()))
                .name("partition").value(stream.partition())
                .name("ranges").beginArray();
        ranges.stream().sorted(Comparator.comparingInt(RangeRecord::index)).forEach(r -> {
            json.beginObject().name("index").value(r.index()).name("start").value(r.startOffset()).name("end");
            if (r.endOffset() == RangeInfo.OPEN) {
                json.value((String) null);
            } else {
                json.value(r.endOffset());
            }
            json.name("epoch").value(r.epoch()).name("replicas").beginArray();
            r.replicaIds().forEach(id -> json.value(id));
            json.endArray().name("verified").value(r.verified()).endObject();
        });
        json.endArray().endObject();
    }

    private static String topicIdHex(TopicId id) {
        return String.format("%016x%016x", id.mostSignificantBits(), id.leastSignificantBits());
    }
}
