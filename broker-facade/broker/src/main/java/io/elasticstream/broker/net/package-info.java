/**
 * Kafka connections: length-prefixed framing, header parsing with kafka-clients' {@code RequestHeader}
 * and {@code RequestContext}, and strictly in-order responses per connection (clients match responses
 * by order as well as correlation id).
 *
 * <p>Threading: each connection's state lives on its Netty event loop; request handling is handed to the
 * API layer, whose futures complete on any thread and hop back to the event loop to write. A malformed
 * frame, an unknown API or an unsupported version (other than ApiVersions) closes only that connection.
 */
package io.elasticstream.broker.net;
