/**
 * The placement driver RPC: {@link io.elasticstream.placement.rpc.PdRpc} (HTTP/1.1, one
 * {@code POST /v1/rpc/<method>} per {@link io.elasticstream.placement.api.PlacementService} method,
 * binary bodies written with {@link io.elasticstream.placement.rpc.PdWire}, errors with
 * {@link io.elasticstream.placement.rpc.PdErrors}) and its client
 * {@link io.elasticstream.placement.rpc.RemotePlacementService}, built on the JDK's
 * {@code java.net.http.HttpClient} (no Netty in placement).
 *
 * <p>Adding a method: a name constant in {@code PdRpc}, one method in {@code RemotePlacementService}
 * ({@code call(NAME, out -> write args, PdWire::readResult)}), and one {@code register} line in the
 * server's {@code PlacementRpcHandlers}.
 *
 * <p>Threading: thread-safe; futures complete on HTTP client threads. Depends on
 * {@code io.elasticstream.placement.api}, {@code io.elasticstream.common}, slf4j and the JDK only.
 */
package io.elasticstream.placement.rpc;
