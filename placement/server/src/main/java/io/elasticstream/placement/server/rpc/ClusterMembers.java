package io.elasticstream.placement.server.rpc;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.MetadataKeys;
import io.elasticstream.placement.server.codec.Codecs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The brokers and range servers registered in the metadata store, each with its latest load report while
 * its session lives (the members part of {@link ClusterViewJson}'s view, as values): what a cluster
 * broker's status page lists. Records it cannot decode are left out.
 *
 * @param brokers       registered brokers, by id
 * @param rangeServers  registered range servers, by id
 */
public record ClusterMembers(List<Broker> brokers, List<RangeServer> rangeServers) {
    public ClusterMembers {
        brokers = List.copyOf(brokers);
        rangeServers = List.copyOf(rangeServers);
    }

    /** A registered broker and its latest load, empty while it has no live session. */
    public record Broker(BrokerInfo info, Optional<BrokerLoad> load) {
        public boolean live() {
            return load.isPresent();
        }
    }

    /** A registered range server and its latest load, empty while it has no live session. */
    public record RangeServer(RangeServerInfo info, Optional<RangeServerLoad> load) {
        public boolean live() {
            return load.isPresent();
        }
    }

    /** Reads the members of the cluster under {@code clusterPrefix} (four prefix reads). */
    public static CompletableFuture<ClusterMembers> read(MetadataStore store, String clusterPrefix) {
        MetadataKeys keys = new MetadataKeys(clusterPrefix);
        var brokers = store.getPrefix(keys.brokersPrefix());
        var servers = store.getPrefix(keys.rangeServersPrefix());
        var aliveBrokers = store.getPrefix(keys.aliveBrokersPrefix());
        var aliveServers = store.getPrefix(keys.aliveRangeServersPrefix());
        return CompletableFuture.allOf(brokers, servers, aliveBrokers, aliveServers).thenApply(ignored -> {
            List<KeyValue> kvs = new ArrayList<>();
            kvs.addAll(brokers.join().kvs());
            kvs.addAll(servers.join().kvs());
            kvs.addAll(aliveBrokers.join().kvs());
            kvs.addAll(aliveServers.join().kvs());
            return of(kvs, clusterPrefix);
        });
    }

    /** The members among {@code kvs} (keys of any kind under {@code clusterPrefix}; others are ignored). */
    static ClusterMembers of(List<KeyValue> kvs, String clusterPrefix) {
        MetadataKeys keys = new MetadataKeys(clusterPrefix);
        List<BrokerInfo> brokerInfos = new ArrayList<>();
        List<RangeServerInfo> serverInfos = new ArrayList<>();
        Map<Integer, BrokerLoad> brokerLoads = new HashMap<>();
        Map<Integer, RangeServerLoad> serverLoads = new HashMap<>();
        for (KeyValue kv : kvs) {
            String key = kv.key();
            try {
                if (key.startsWith(keys.aliveBrokersPrefix())) {
                    brokerLoads.put(MetadataKeys.parseMemberId(key), Codecs.BROKER_LOAD.decode(kv.value()));
                } else if (key.startsWith(keys.aliveRangeServersPrefix())) {
                    serverLoads.put(MetadataKeys.parseMemberId(key), Codecs.RANGE_SERVER_LOAD.decode(kv.value()));
                } else if (key.startsWith(keys.brokersPrefix())) {
                    brokerInfos.add(Codecs.BROKER.decode(kv.value()));
                } else if (key.startsWith(keys.rangeServersPrefix())) {
                    serverInfos.add(Codecs.RANGE_SERVER.decode(kv.value()));
                }
            } catch (RuntimeException e) {
                // not a record this version knows: leave it out
            }
        }
        return new ClusterMembers(
                brokerInfos.stream().sorted(Comparator.comparingInt(BrokerInfo::id))
                        .map(b -> new Broker(b, Optional.ofNullable(brokerLoads.get(b.id())))).toList(),
                serverInfos.stream().sorted(Comparator.comparingInt(RangeServerInfo::id))
                        .map(s -> new RangeServer(s, Optional.ofNullable(serverLoads.get(s.id())))).toList());
    }
}
