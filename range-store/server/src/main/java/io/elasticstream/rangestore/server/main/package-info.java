/**
 * The range server process of cluster mode ({@code bin/range-server}):
 * {@link io.elasticstream.rangestore.server.main.RangeServerMain} opens the WAL, serves the stream RPC
 * and registers with the placement driver through
 * {@link io.elasticstream.placement.rpc.RemotePlacementService}.
 *
 * <p>Depends on the rest of the range server, {@code io.elasticstream.placement.rpc} and
 * {@code io.elasticstream.common} and {@code io.elasticstream.observe} (process metrics, {@code /metrics}).
 */
package io.elasticstream.rangestore.server.main;
