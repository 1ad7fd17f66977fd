/**
 * The Kafka broker facade: a Kafka wire-protocol server whose partitions are streams.
 * {@link io.elasticstream.broker.Broker} wires the pieces: {@code net} (connections, framing, response
 * order), {@code api} (one handler per Kafka API), {@code partition} (partitions this broker owns, each
 * on one stream), {@code topic} (topic metadata and validation through PD) and {@code records} (the only
 * package touching Kafka's internal record classes).
 *
 * <p>Depends on the placement API, the stream client API and kafka-clients (protocol classes). Never on
 * range server or PD internals.
 */
package io.elasticstream.broker;
