package io.elasticstream.broker.security;

import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * One Kafka listener: its name, its security protocol (from {@code listener.security.protocol.map}), where it
 * binds and what it advertises.
 */
public record Listener(String name, SecurityProtocol protocol, String host, int port, String advertisedHost,
                       int advertisedPort) {

    public ListenerName listenerName() {
        return new ListenerName(name);
    }

    /** The same listener advertising {@code port} (when it was bound to port 0). */
    public Listener withAdvertisedPort(int port) {
        return new Listener(name, protocol, host, this.port, advertisedHost, port);
    }

    /** {@code NAME://host:port} as in {@code listeners}. */
    public String uri() {
        return name + "://" + host + ":" + port;
    }

    /** {@code NAME://host:port} as in {@code advertised.listeners}. */
    public String advertisedUri() {
        return name + "://" + advertisedHost + ":" + advertisedPort;
    }
}
