package io.elasticstream.placement.server;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.metadata.EmbeddedMetadataStore;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class EmbeddedBrokerFailoverTest extends BrokerFailoverContract {
    @TempDir
    Path dir;

    @Override
    MetadataStore openStore() {
        return EmbeddedMetadataStore.open(dir, Clock.SYSTEM);
    }
}
