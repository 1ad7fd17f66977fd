package io.elasticstream.placement.server;

import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.EtcdProcess;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The failover scenario against a real etcd (the binary must be on PATH, as for the store's own tests). */
class EtcdBrokerFailoverTest extends BrokerFailoverContract {
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

    @TempDir
    static Path etcdDirectory;

    private static EtcdProcess etcd;

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start(etcdDirectory);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    MetadataStore openStore() {
        return EtcdMetadataStore.connect(List.of(etcd.clientUri()),
                EtcdMetadataStore.Config.DEFAULT.withKeyPrefix("/failover-test-" + TEST_NUMBER.incrementAndGet()));
    }
}
