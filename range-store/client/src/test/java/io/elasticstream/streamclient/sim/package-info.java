/**
 * Deterministic simulation of writer-driven replication: N range servers (the real range store on a
 * simulated disk that loses unsynced writes), a simulated network (delays, drops, dead peers), PD's range
 * rules in memory, and the real stream client — all on one thread in virtual time, driven by a seed.
 * {@link io.elasticstream.streamclient.sim.ReplicationSimulationTest} checks the replication invariants
 * as events happen and the whole stream at the end; a failure prints the seed to replay it.
 */
package io.elasticstream.streamclient.sim;
