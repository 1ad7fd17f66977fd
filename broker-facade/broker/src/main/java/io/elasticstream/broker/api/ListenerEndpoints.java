package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.security.Listener;
import io.elasticstream.placement.api.BrokerInfo;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.network.ListenerName;

/**
 * The brokers as a client on one listener must reach them, as Kafka answers Metadata, DescribeCluster and
 * FindCoordinator: each at its endpoint for the listener the request came in on (this broker's from its own
 * config, the others' as they registered with PD); a broker that registered no such listener keeps its first
 * listener's address.
 */
final class ListenerEndpoints {
    private ListenerEndpoints() {
    }

    static List<BrokerInfo> as(BrokerConfig config, List<BrokerInfo> brokers, ListenerName listenerName) {
        String name = listenerName == null ? null : listenerName.value();
        List<BrokerInfo> out = new ArrayList<>(brokers.size());
        for (BrokerInfo b : brokers) {
            if (b.id() == config.nodeId()) {
                Listener own = config.listener(name);
                out.add(new BrokerInfo(b.id(), own.advertisedHost(), own.advertisedPort(), b.endpoints()));
                continue;
            }
            String endpoint = name == null ? null : b.endpoint(name).orElse(null);
            int colon = endpoint == null ? -1 : endpoint.lastIndexOf(':');
            out.add(colon < 0 ? b : new BrokerInfo(b.id(), endpoint.substring(0, colon),
                    Integer.parseInt(endpoint.substring(colon + 1)), b.endpoints()));
        }
        return out;
    }
}
