package io.elasticstream.placement.server.election;

import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.EtcdProcess;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** Candidates with one etcd client each, against a real etcd. */
class EtcdLeaderElectionTest extends LeaderElectionContractTest {
    @TempDir
    Path dir;
    private EtcdProcess etcd;

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = EtcdProcess.start(dir);
    }

    @AfterEach
    void stopEtcd() {
        etcd.close();
    }

    @Override
    MetadataStore newClient() {
        return EtcdMetadataStore.connect(List.of(etcd.clientUri()), EtcdMetadataStore.Config.DEFAULT);
    }
}
