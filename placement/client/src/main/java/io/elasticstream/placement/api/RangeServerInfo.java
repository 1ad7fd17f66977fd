package io.elasticstream.placement.api;

/** A range server and the address its stream RPC listens on. */
public record RangeServerInfo(int id, String host, int port) {
}
