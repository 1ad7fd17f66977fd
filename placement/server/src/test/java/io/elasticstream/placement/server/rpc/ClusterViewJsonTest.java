package io.elasticstream.placement.server.rpc;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.MetadataKeys;
import io.elasticstream.placement.server.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterViewJsonTest {
    private static final String PREFIX = "/es/";
    private static final MetadataKeys KEYS = new MetadataKeys(PREFIX);

    /** Two brokers and two range servers registered; broker 1 and range server 2 live with full load reports. */
    private static List<KeyValue> members() {
        return List.of(
                kv(KEYS.broker(1), Codecs.BROKER.encode(new BrokerInfo(1, "b1", 9092))),
                kv(KEYS.broker(2), Codecs.BROKER.encode(new BrokerInfo(2, "b2", 9093))),
                kv(KEYS.aliveBroker(1), Codecs.BROKER_LOAD.encode(new BrokerLoad(4, 1000, 2000, 3.5, 250.25))),
                kv(KEYS.rangeServer(1), Codecs.RANGE_SERVER.encode(new RangeServerInfo(1, "rs1", 10911))),
                kv(KEYS.rangeServer(2), Codecs.RANGE_SERVER.encode(new RangeServerInfo(2, "rs2", 10912))),
                kv(KEYS.aliveRangeServer(2),
                        Codecs.RANGE_SERVER_LOAD.encode(new RangeServerLoad(6, 5000, 700, 0.5, 4096, 10000))),
                kv(PREFIX + "alive/brokers/garbage", new byte[] {9, 9}));
    }

    private static KeyValue kv(String key, byte[] value) {
        return new KeyValue(key, value, 1, 1, 1, 0);
    }

    @Test
    void viewCarriesEveryLoadFieldOfLiveMembersAndNoLoadForDeadOnes() {
        String json = ClusterViewJson.encode(members(), 42, PREFIX);
        assertTrue(json.contains("\"id\":1,\"host\":\"b1\",\"port\":9092,\"live\":true,\"load\":{\"partitionsOwned\":4,"
                + "\"bytesInPerSecond\":1000,\"bytesOutPerSecond\":2000,\"produceP99Ms\":3.5,\"fetchP99Ms\":250.25}"), json);
        assertTrue(json.contains("\"id\":2,\"host\":\"b2\",\"port\":9093,\"live\":false}"), json);
        assertTrue(json.contains("\"id\":2,\"host\":\"rs2\",\"port\":10912,\"live\":true,\"load\":{\"rangesHeld\":6,"
                + "\"diskFreeBytes\":5000,\"bytesInPerSecond\":700,\"walFsyncP99Ms\":0.5,\"diskUsedBytes\":4096,"
                + "\"diskTotalBytes\":10000}"), json);
        assertTrue(json.contains("\"id\":1,\"host\":\"rs1\",\"port\":10911,\"live\":false}"), json);
    }

    @Test
    void membersPairEachRegistrationWithItsLoadWhileLive() {
        ClusterMembers members = ClusterMembers.of(members(), PREFIX);
        assertEquals(List.of(new ClusterMembers.Broker(new BrokerInfo(1, "b1", 9092),
                        Optional.of(new BrokerLoad(4, 1000, 2000, 3.5, 250.25))),
                new ClusterMembers.Broker(new BrokerInfo(2, "b2", 9093), Optional.empty())), members.brokers());
        assertFalse(members.rangeServers().get(0).live());
        assertEquals(Optional.of(new RangeServerLoad(6, 5000, 700, 0.5, 4096, 10000)),
                members.rangeServers().get(1).load());
        assertEquals(2, members.rangeServers().get(1).info().id());
    }
}
