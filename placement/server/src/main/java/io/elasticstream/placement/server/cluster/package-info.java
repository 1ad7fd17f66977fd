/**
 * A placement driver process in cluster mode: {@link io.elasticstream.placement.server.cluster.PlacementNode}
 * joins the election, runs a {@code PlacementDriver} guarded by its leadership while it leads, and
 * serves the PD HTTP endpoint; {@link io.elasticstream.placement.server.cluster.PlacementMain} is the
 * process entry point ({@code bin/pd}).
 *
 * <p>Threading: the driver is created and closed on the election thread; the RPC server reads it
 * through a volatile field. Depends on the rest of {@code io.elasticstream.placement.server}, the
 * metadata store, {@code io.elasticstream.observe} (process metrics, {@code /metrics}) and the JDK.
 */
package io.elasticstream.placement.server.cluster;
