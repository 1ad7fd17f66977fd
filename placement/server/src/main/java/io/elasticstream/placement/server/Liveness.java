package io.elasticstream.placement.server;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.TxnResult;
import io.elasticstream.placement.metadata.MetadataStoreException;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.PlacementDriver.TxnConflict;
import io.elasticstream.placement.server.codec.Codecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import static io.elasticstream.placement.server.PlacementDriver.await;

/**
 * Member sessions at PD: who is registered, who is live, and the latest load of each live member.
 *
 * <p>A member is <em>registered</em> while its static key ({@code brokers/<id>}, {@code range-servers/<id>})
 * exists, and <em>live</em> while, in addition, its liveness key ({@code alive/brokers/<id>},
 * {@code alive/range-servers/<id>}) exists. Registration grants a store lease with the session TTL and
 * writes the liveness key attached to it; each heartbeat refreshes that lease and, when the load changed,
 * rewrites the key's value. When heartbeats stop, the store expires the lease and deletes the liveness
 * key, which is all it takes to declare the member dead: nothing here measures time.
 *
 * <p>Threading: PD's owner thread only. Writes go through PD's guarded transaction ({@link Writer}).
 */
final class Liveness {
    private static final Logger LOG = LoggerFactory.getLogger(Liveness.class);

    /** PD's guarded transaction: applies ops if the compares hold, else throws {@link TxnConflict}. */
    @FunctionalInterface
    interface Writer {
        TxnResult write(String what, List<Compare> compares, List<Op> ops);
    }

    /** A live broker, its latest load, and its liveness key (for "still live" compares). */
    record LiveBroker(BrokerInfo info, BrokerLoad load, String aliveKey) {
    }

    /** A live range server, its latest load, its liveness key and its registration record. */
    record LiveRangeServer(RangeServerInfo info, RangeServerLoad load, String aliveKey, KeyValue registration) {
    }

    private final MetadataStore store;
    private final MetadataKeys keys;
    private final long sessionTtlMs;
    private final Writer writer;

    Liveness(MetadataStore store, MetadataKeys keys, long sessionTtlMs, Writer writer) {
        this.store = store;
        this.keys = keys;
        this.sessionTtlMs = sessionTtlMs;
        this.writer = writer;
    }

    /** A compare that holds while the member owning {@code aliveKey} is live. */
    static Compare stillLive(String aliveKey) {
        return Compare.present(aliveKey);
    }

    // ---- sessions ------------------------------------------------------------------------------

    void registerBroker(BrokerInfo broker) {
        register("broker " + broker.id(), keys.broker(broker.id()), Codecs.BROKER.encode(broker),
                keys.aliveBroker(broker.id()), Codecs.BROKER_LOAD.encode(BrokerLoad.UNKNOWN));
    }

    void registerRangeServer(RangeServerInfo server) {
        register("range server " + server.id(), keys.rangeServer(server.id()), Codecs.RANGE_SERVER.encode(server),
                keys.aliveRangeServer(server.id()), Codecs.RANGE_SERVER_LOAD.encode(RangeServerLoad.UNKNOWN));
    }

    void heartbeatBroker(int brokerId, BrokerLoad load) {
        heartbeat("broker " + brokerId, keys.aliveBroker(brokerId), Codecs.BROKER_LOAD.encode(load));
    }

    void heartbeatRangeServer(int serverId, RangeServerLoad load) {
        heartbeat("range server " + serverId, keys.aliveRangeServer(serverId), Codecs.RANGE_SERVER_LOAD.encode(load));
    }

    /**
     * Writes the registration and a liveness key on a new lease. A previous session's lease is revoked
     * afterwards: it no longer holds the liveness key, so revoking it deletes nothing.
     */
    private void register(String member, String registrationKey, byte[] registration, String aliveKey,
                          byte[] initialLoad) {
        long previousLease = await(store.get(aliveKey)).map(KeyValue::leaseId).orElse(0L);
        long lease = await(store.grantLease(sessionTtlMs));
        try {
            writer.write("register " + member, List.of(),
                    List.of(Op.put(registrationKey, registration), Op.put(aliveKey, initialLoad, lease)));
        } catch (RuntimeException e) {
            store.revokeLease(lease); // best effort: it would expire anyway
            throw e;
        }
        if (previousLease != 0 && previousLease != lease) {
            try {
                await(store.revokeLease(previousLease));
            } catch (PlacementException e) {
                LOG.warn("{}: cannot revoke the previous session's lease {} (it expires anyway): {}", member,
                        previousLease, e.getMessage());
            }
        }
        LOG.info("{} registered with a session of {} ms (lease {})", member, sessionTtlMs, lease);
    }

    /**
     * Ends broker {@code brokerId}'s session now: revokes its lease, which deletes its liveness key just
     * as an expiry would. Nothing to do if it has no session.
     */
    void unregisterBroker(int brokerId) {
        String aliveKey = keys.aliveBroker(brokerId);
        Optional<KeyValue> alive = await(store.get(aliveKey));
        if (alive.isEmpty()) {
            return;
        }
        if (alive.get().leaseId() == 0) { // not written by register; remove it all the same
            writer.write("unregister broker " + brokerId, List.of(Compare.modRevision(aliveKey,
                    alive.get().modRevision())), List.of(Op.delete(aliveKey)));
        } else {
            try {
                await(store.revokeLease(alive.get().leaseId()));
            } catch (PlacementException e) {
                if (!causedByLeaseNotFound(e)) {
                    throw e;
                }
            }
        }
        LOG.info("broker {} unregistered: its session ended", brokerId);
    }

    private void heartbeat(String member, String aliveKey, byte[] load) {
        KeyValue alive = await(store.get(aliveKey)).orElseThrow(() -> new PlacementException.SessionExpired(member));
        if (alive.leaseId() == 0) {
            throw new PlacementException.SessionExpired(member);
        }
        try {
            await(store.keepAlive(alive.leaseId()));
            if (!Arrays.equals(alive.value(), load)) {
                writer.write(member + " heartbeat", List.of(Compare.modRevision(aliveKey, alive.modRevision())),
                        List.of(Op.put(aliveKey, load, alive.leaseId())));
            }
        } catch (TxnConflict conflict) {
            // The key changed since it was read (a concurrent registration or expiry): the next beat tells.
        } catch (PlacementException e) {
            if (causedByLeaseNotFound(e)) {
                throw new PlacementException.SessionExpired(member);
            }
            throw e;
        }
    }

    private static boolean causedByLeaseNotFound(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof MetadataStoreException.LeaseNotFound) {
                return true;
            }
        }
        return false;
    }

    // ---- who is live -----------------------------------------------------------------------------

    /** Live brokers by id, read at one revision. */
    SortedMap<Integer, LiveBroker> liveBrokers() {
        List<List<KeyValue>> read = read(Op.getPrefix(keys.brokersPrefix()), Op.getPrefix(keys.aliveBrokersPrefix()));
        Map<Integer, KeyValue> alive = byMemberId(read.get(1));
        SortedMap<Integer, LiveBroker> live = new TreeMap<>();
        for (KeyValue kv : read.get(0)) {
            BrokerInfo info = Codecs.BROKER.decode(kv.value());
            KeyValue aliveKv = alive.get(info.id());
            if (aliveKv != null) {
                live.put(info.id(), new LiveBroker(info, Codecs.BROKER_LOAD.decode(aliveKv.value()), aliveKv.key()));
            }
        }
        return live;
    }

    /** Live range servers by id, read at one revision. */
    SortedMap<Integer, LiveRangeServer> liveRangeServers() {
        List<List<KeyValue>> read = read(Op.getPrefix(keys.rangeServersPrefix()),
                Op.getPrefix(keys.aliveRangeServersPrefix()));
        Map<Integer, KeyValue> alive = byMemberId(read.get(1));
        SortedMap<Integer, LiveRangeServer> live = new TreeMap<>();
        for (KeyValue kv : read.get(0)) {
            RangeServerInfo info = Codecs.RANGE_SERVER.decode(kv.value());
            KeyValue aliveKv = alive.get(info.id());
            if (aliveKv != null) {
                live.put(info.id(), new LiveRangeServer(info, Codecs.RANGE_SERVER_LOAD.decode(aliveKv.value()),
                        aliveKv.key(), kv));
            }
        }
        return live;
    }

    private static Map<Integer, KeyValue> byMemberId(List<KeyValue> kvs) {
        Map<Integer, KeyValue> byId = HashMap.newHashMap(kvs.size());
        for (KeyValue kv : kvs) {
            byId.put(MetadataKeys.parseMemberId(kv.key()), kv);
        }
        return byId;
    }

    private List<List<KeyValue>> read(Op... gets) {
        TxnResult result = await(store.txn(Txn.builder().success(gets).build()));
        return result.results();
    }
}
