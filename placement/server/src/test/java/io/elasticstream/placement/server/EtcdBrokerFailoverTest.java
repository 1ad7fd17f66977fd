package io.elasticstream.placement.server;

import io.elasticstream.placement.metadata.EtcdExtension;
import io.elasticstream.placement.metadata.MetadataStore;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The failover scenario against a real etcd (the binary must be on PATH, as for the store's own tests). */
class EtcdBrokerFailoverTest extends BrokerFailoverContract {
    @RegisterExtension
    static final EtcdExtension ETCD = new EtcdExtension();

    @Override
    MetadataStore openStore() {
        return ETCD.connect("failover-test");
    }
}
