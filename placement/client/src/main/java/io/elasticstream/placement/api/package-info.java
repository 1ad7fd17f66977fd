/**
 * The public face of the placement driver (PD): the {@link io.elasticstream.placement.api.PlacementService}
 * interface and the immutable records it exchanges. Brokers and the stream client depend on this package
 * only, never on the PD implementation; standalone mode wires the in-process PD behind it, cluster mode
 * will put an RPC client behind the same interface.
 *
 * <p>All records are immutable values, safe to share across threads. Depends on nothing but the JDK.
 */
package io.elasticstream.placement.api;
