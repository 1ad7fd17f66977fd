package io.elasticstream.broker.net;

import io.elasticstream.broker.security.Listener;
import io.elasticstream.broker.security.ListenerSecurity;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Every Kafka listener of a broker, each its own {@link KafkaServer} on the same request handler. A listener
 * given port 0 is bound to a free port, which it then advertises (when it advertises port 0 too).
 */
public final class KafkaListeners implements AutoCloseable {
    private final List<KafkaServer> servers;
    private final List<ListenerSecurity> securities;
    private final List<Listener> bound;

    private KafkaListeners(List<KafkaServer> servers, List<ListenerSecurity> securities, List<Listener> bound) {
        this.servers = servers;
        this.securities = securities;
        this.bound = bound;
    }

    public static KafkaListeners start(List<ListenerSecurity> listeners, int threads, int maxRequestBytes,
                                       RequestHandler handler, ConnectionObserver connections)
            throws InterruptedException {
        List<KafkaServer> servers = new ArrayList<>();
        List<Listener> bound = new ArrayList<>();
        try {
            for (ListenerSecurity security : listeners) {
                KafkaServer server = KafkaServer.start(security, threads, maxRequestBytes, handler, connections);
                servers.add(server);
                Listener l = security.listener();
                bound.add(l.advertisedPort() == 0 ? l.withAdvertisedPort(server.localAddress().getPort()) : l);
            }
        } catch (InterruptedException | RuntimeException e) {
            servers.forEach(KafkaServer::close);
            listeners.forEach(ListenerSecurity::close);
            throw e;
        }
        return new KafkaListeners(List.copyOf(servers), List.copyOf(listeners), List.copyOf(bound));
    }

    /** The listeners with the ports they advertise, in the order given. */
    public List<Listener> bound() {
        return bound;
    }

    /** Where the first listener (the one other brokers use) accepts connections. */
    public InetSocketAddress firstAddress() {
        return servers.getFirst().localAddress();
    }

    @Override
    public void close() {
        servers.forEach(KafkaServer::close);
        securities.forEach(ListenerSecurity::close);
    }
}
