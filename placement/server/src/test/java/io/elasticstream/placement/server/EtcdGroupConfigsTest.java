package io.elasticstream.placement.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.metadata.EtcdExtension;
import io.elasticstream.placement.metadata.MetadataStore;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dynamic configs of groups (Kafka's GROUP config resource) as PD keeps them in a real etcd: replaced
 * whole, removed by an empty map, per group, kept across a new driver, and for groups that need not exist.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdGroupConfigsTest {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    private final PlacementConfig config = PlacementConfig.standalone();
    private final MetadataKeys keys = new MetadataKeys(config.clusterPrefix());
    private MetadataStore store;
    private PlacementDriver pd;

    @BeforeEach
    void open() {
        store = ETCD.connect("group-configs-test");
        pd = new PlacementDriver(store, config);
    }

    @AfterEach
    void close() {
        pd.close();
        store.close();
    }

    @Test
    void aGroupWithoutOverridesHasNoneAndNeedNotExist() {
        assertEquals(Map.of(), pd.groupConfigs("never-seen").join());
    }

    @Test
    void alteredOverridesReplaceTheOldOnesAndSurviveANewDriver() {
        pd.alterGroupConfigs("orders", Map.of("share.auto.offset.reset", "earliest",
                "consumer.session.timeout.ms", "50000")).join();

        Map<String, String> replaced = pd.alterGroupConfigs("orders",
                Map.of("share.record.lock.duration.ms", "20000")).join();

        assertEquals(Map.of("share.record.lock.duration.ms", "20000"), replaced);
        pd.close();
        pd = new PlacementDriver(store, config);
        assertEquals(Map.of("share.record.lock.duration.ms", "20000"), pd.groupConfigs("orders").join());
    }

    @Test
    void eachGroupHasItsOwnOverridesWhateverItsIdHoldsAndAnEmptySetRemovesTheKey() {
        pd.alterGroupConfigs("a/b", Map.of("share.isolation.level", "read_committed")).join();
        pd.alterGroupConfigs("a", Map.of("share.auto.offset.reset", "latest")).join();
        pd.alterGroupConfigs("é 日本", Map.of("share.auto.offset.reset", "earliest")).join();

        assertEquals(Map.of("share.isolation.level", "read_committed"), pd.groupConfigs("a/b").join());
        assertEquals(Map.of("share.auto.offset.reset", "latest"), pd.groupConfigs("a").join());
        assertEquals(Map.of("share.auto.offset.reset", "earliest"), pd.groupConfigs("é 日本").join());
        assertEquals(3, store.getPrefix(keys.groupConfigsPrefix()).join().kvs().size());

        assertEquals(Map.of(), pd.alterGroupConfigs("a", Map.of()).join());
        assertEquals(Map.of(), pd.groupConfigs("a").join());
        assertEquals(2, store.getPrefix(keys.groupConfigsPrefix()).join().kvs().size(), "no empty record is left");
        assertEquals(Map.of(), pd.alterGroupConfigs("a", Map.of()).join(), "removing what is not there is fine");
    }

    @Test
    void theEmptyGroupIdIsRefused() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> pd.alterGroupConfigs("", Map.of("share.auto.offset.reset", "latest")).join());
        assertInstanceOf(PlacementException.class, e.getCause());
    }
}
