/**
 * Measurements of PD at scale, run by hand (mains, not tests; CI never runs them). See
 * {@link io.elasticstream.placement.server.bench.PlacementScaleBench}.
 */
package io.elasticstream.placement.server.bench;
