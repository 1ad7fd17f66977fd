package io.elasticstream.placement.server.election;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Candidates in one JVM sharing one embedded store (it has no separate clients). */
class EmbeddedLeaderElectionTest extends LeaderElectionContractTest {
    @TempDir
    Path dir;
    private MetadataStore shared;

    @Override
    MetadataStore newClient() {
        if (shared == null) {
            shared = EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
        }
        return shared;
    }
}
