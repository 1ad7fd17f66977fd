/**
 * The placement driver's HTTP endpoint (JDK {@code com.sun.net.httpserver}): the PD RPC of
 * {@link io.elasticstream.placement.rpc.PdRpc}, answered by the leader's driver and redirected by
 * followers, plus {@code GET /v1/cluster} (the cluster view as JSON) and {@code GET /v1/leader}.
 *
 * <p>Adding an RPC method: one {@code register} line in
 * {@link io.elasticstream.placement.server.rpc.PlacementRpcHandlers}.
 *
 * <p>Threading: requests are read on virtual threads; answers are written from whichever thread
 * completes the driver's future. Depends on {@code io.elasticstream.placement.rpc},
 * {@code io.elasticstream.placement.api}, the election and metadata packages, and the JDK.
 */
package io.elasticstream.placement.server.rpc;
