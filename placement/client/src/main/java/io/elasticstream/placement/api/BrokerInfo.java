package io.elasticstream.placement.api;

import java.util.Map;
import java.util.Optional;

/**
 * A broker and the addresses Kafka clients reach it at: {@code host}:{@code port} is its first listener, the one
 * other brokers use; {@code endpoints} maps each of its listeners' names to the advertised {@code host:port}
 * (empty for a broker that registered only the first).
 */
public record BrokerInfo(int id, String host, int port, Map<String, String> endpoints) {
    public BrokerInfo {
        endpoints = Map.copyOf(endpoints);
    }

    public BrokerInfo(int id, String host, int port) {
        this(id, host, port, Map.of());
    }

    /** The advertised {@code host:port} of listener {@code name}, if the broker has it. */
    public Optional<String> endpoint(String name) {
        return Optional.ofNullable(endpoints.get(name));
    }
}
