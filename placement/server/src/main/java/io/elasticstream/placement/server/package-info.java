/**
 * The placement driver (PD): {@link io.elasticstream.placement.server.PlacementDriver} implements
 * {@link io.elasticstream.placement.api.PlacementService} on top of a
 * {@link io.elasticstream.placement.metadata.MetadataStore}, the only writer of placement metadata.
 * {@link io.elasticstream.placement.server.MetadataKeys} is the key layout, the {@code codec}
 * subpackage the value format.
 *
 * <p>Threading: requests run one at a time on the driver's owner thread; each partition subscription
 * delivers on a thread of its own. Store callbacks only hand work over, they never block.
 *
 * <p>Membership today is registration only: a registered broker or range server stays until it
 * registers again. In cluster mode registrations will be attached to store leases kept alive by
 * heartbeats, so a dead member's key disappears and PD stops placing work on it; every write here
 * goes through one guarded transaction so that the cluster's "this PD still holds the leader key"
 * compare has a single place to go.
 *
 * <p>Depends on {@code io.elasticstream.placement.api}, {@code io.elasticstream.placement.metadata},
 * {@code io.elasticstream.common} and slf4j; never on broker or range-server code.
 */
package io.elasticstream.placement.server;
