package io.elasticstream.placement.server.rpc;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.MetadataKeys;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import io.elasticstream.placement.server.codec.TopicRecord;
import io.elasticstream.placement.server.election.PdLeader;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The cluster view served at {@code GET /v1/cluster}, hand-encoded as JSON from one prefix read of the
 * metadata store (so it is one consistent revision): PD leader and term, brokers, range servers,
 * topics with their partitions (owner, epoch, stream), streams with their ranges and replicas.
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
        List<BrokerInfo> brokers = new ArrayList<>();
        List<RangeServerInfo> servers = new ArrayList<>();
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
                } else if (key.startsWith(keys.brokersPrefix())) {
                    brokers.add(Codecs.BROKER.decode(kv.value()));
                } else if (key.startsWith(keys.rangeServersPrefix())) {
                    servers.add(Codecs.RANGE_SERVER.decode(kv.value()));
                } else if (key.startsWith(keys.topicsPrefix())) {
                    topics.add(Codecs.TOPIC.decode(kv.value()));
                } else if (key.startsWith(keys.partitionsPrefix())) {
                    PartitionInfo p = Codecs.PARTITION.decode(kv.value());
                    partitions.computeIfAbsent(p.topicId(), id -> new ArrayList<>()).add(p);
                } else if (key.startsWith(keys.rangesPrefix())) {
                    RangeRecord r = Codecs.RANGE.decode(kv.value());
                    ranges.computeIfAbsent(r.streamId(), id -> new ArrayList<>()).add(r);
                } else if (key.startsWith(prefix + "streams/")) {
                    StreamRecord s = Codecs.STREAM.decode(kv.value());
                    streams.put(s.streamId(), s);
                }
            } catch (RuntimeException e) {
                // not a record this version knows: leave it out of the view
            }
        }
        StringBuilder json = new StringBuilder(256 + 128 * kvs.size());
        json.append("{\"revision\":").append(revision);
        json.append(",\"pd\":{\"term\":").append(term).append(",\"leader\":")
                .append(leader == null ? "null" : leaderObject(leader)).append('}');
        json.append(",\"brokers\":[");
        join(json, brokers, b -> "{\"id\":" + b.id() + ",\"host\":" + quote(b.host()) + ",\"port\":" + b.port() + "}");
        json.append("],\"rangeServers\":[");
        join(json, servers, s -> "{\"id\":" + s.id() + ",\"host\":" + quote(s.host()) + ",\"port\":" + s.port() + "}");
        json.append("],\"topics\":[");
        join(json, topics, t -> topicObject(t, partitions.getOrDefault(t.topicId(), List.of())));
        json.append("],\"streams\":[");
        join(json, List.copyOf(streams.values()), s -> streamObject(s, ranges.getOrDefault(s.streamId(), List.of())));
        json.append("]}");
        return json.toString();
    }

    /** The body of {@code GET /v1/leader}. */
    static String leader(PdLeader leader, boolean self) {
        return leaderObject(leader).replaceFirst("}$", ",\"self\":" + self + "}");
    }

    private static String leaderObject(PdLeader leader) {
        return "{\"id\":" + quote(leader.id()) + ",\"address\":" + quote(leader.address()) + ",\"term\":"
                + leader.term() + "}";
    }

    private static String topicObject(TopicRecord topic, List<PartitionInfo> partitions) {
        StringBuilder json = new StringBuilder();
        json.append("{\"name\":").append(quote(topic.name()))
                .append(",\"topicId\":").append(quote(topicIdHex(topic.topicId())))
                .append(",\"partitionCount\":").append(topic.partitionCount())
                .append(",\"configs\":{");
        join(json, List.copyOf(new TreeMap<>(topic.configs()).entrySet()), e -> quote(e.getKey()) + ":" + quote(e.getValue()));
        json.append("},\"partitions\":[");
        List<PartitionInfo> sorted = partitions.stream().sorted((a, b) -> Integer.compare(a.partition(), b.partition())).toList();
        join(json, sorted, p -> "{\"partition\":" + p.partition() + ",\"streamId\":" + p.streamId() + ",\"owner\":"
                + p.ownerBrokerId() + ",\"epoch\":" + p.leaderEpoch() + "}");
        return json.append("]}").toString();
    }

    private static String streamObject(StreamRecord stream, List<RangeRecord> ranges) {
        StringBuilder json = new StringBuilder();
        json.append("{\"streamId\":").append(stream.streamId())
                .append(",\"epoch\":").append(stream.epoch())
                .append(",\"startOffset\":").append(stream.startOffset())
                .append(",\"replicaCount\":").append(stream.replicaCount())
                .append(",\"ackCount\":").append(stream.ackCount())
                .append(",\"topicId\":").append(quote(topicIdHex(stream.topicId())))
                .append(",\"partition\":").append(stream.partition())
                .append(",\"ranges\":[");
        List<RangeRecord> sorted = ranges.stream().sorted((a, b) -> Integer.compare(a.index(), b.index())).toList();
        join(json, sorted, r -> "{\"index\":" + r.index() + ",\"start\":" + r.startOffset() + ",\"end\":"
                + (r.endOffset() == RangeInfo.OPEN ? "null" : Long.toString(r.endOffset())) + ",\"epoch\":" + r.epoch()
                + ",\"replicas\":" + r.replicaIds() .toString().replace(" ", "") + "}");
        return json.append("]}").toString();
    }

    private static <T> void join(StringBuilder json, List<T> values, java.util.function.Function<T, String> element) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(element.apply(values.get(i)));
        }
    }

    private static String topicIdHex(TopicId id) {
        return String.format("%016x%016x", id.mostSignificantBits(), id.leastSignificantBits());
    }

    /** A JSON string literal. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
