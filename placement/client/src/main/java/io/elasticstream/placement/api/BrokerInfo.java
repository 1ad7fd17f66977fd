package io.elasticstream.placement.api;

/** A broker and the address Kafka clients reach it at. */
public record BrokerInfo(int id, String host, int port) {
}
