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
 * <p>Control loops, each in a focused class that PD's owner thread drives:
 * <ul>
 *   <li>{@link io.elasticstream.placement.server.Liveness}: member sessions. Registration grants a store
 *       lease with {@code PlacementConfig.memberSessionTtlMs} and writes {@code alive/brokers/<id>} or
 *       {@code alive/range-servers/<id>} (the latest load) attached to it; heartbeats keep the lease alive.
 *       A member is live while its liveness key exists; expiry is the store's job.</li>
 *   <li>{@link io.elasticstream.placement.server.PartitionAssigner} and
 *       {@link io.elasticstream.placement.server.RangePlacer}: pure choices of partition owners (balanced
 *       by partition count) and range replicas (fewest ranges, then most free disk, distinct servers),
 *       among live members only.</li>
 *   <li>{@link io.elasticstream.placement.server.BrokerLivenessWatch} and
 *       {@link io.elasticstream.placement.server.BrokerFailover}: when a broker's liveness key disappears
 *       (or a broker's session starts) the partitions of dead brokers move to live ones, epoch + 1.</li>
 *   <li>{@link io.elasticstream.placement.server.PlannedMoves}: partition moves an operator asks for
 *       ({@code movePartitions}, Kafka's AlterPartitionReassignments), validated per move and applied in
 *       guarded batches. Both kinds of move write through {@link io.elasticstream.placement.server.OwnerChange}
 *       (new owner, stream and leader epoch + 1). {@code unregisterBroker} ends a session at once, so a
 *       broker shutting down hands its partitions over without waiting for the TTL.</li>
 *   <li>{@link io.elasticstream.placement.server.ReplicationAudit}: finds sealed ranges with replicas on
 *       dead range servers, or fewer than the replica count ({@code PlacementDriver.underReplicatedRanges},
 *       and the cluster view).</li>
 *   <li>{@link io.elasticstream.placement.server.RangeRepairer}: re-replication, on a scheduler thread of
 *       its own every {@code PlacementConfig.rangeRepairIntervalMs}: for each such range a live server not
 *       holding it ({@code RangePlacer}) copies it from a live replica
 *       ({@link io.elasticstream.placement.server.RangeCopier}; the stream RPC's COPY_RANGE, so data never
 *       passes through PD), then the target takes the dead replica's place (or is added) in the range
 *       record. Sealed ranges not yet verified are checked replica by replica; short replicas are completed
 *       in place, and a range all of whose replicas hold it whole is marked verified. Record changes
 *       ({@link io.elasticstream.placement.server.RangeMaintenance}) are short tasks on the owner thread;
 *       planning (a read of every record), copies and checks run on the repair thread.</li>
 *   <li>{@link io.elasticstream.placement.server.RangeCompactor}: runs of settled (verified, empty or
 *       trimmed) range records merge into one record holding them all, so old range history stays a few
 *       keys; {@link io.elasticstream.placement.server.StoredRanges} is how every reader and writer sees
 *       such runs range by range.</li>
 * </ul>
 * Every write goes through PD's one guarded transaction, so that the cluster's "this PD still holds the
 * leader key" compare has a single place to go.
 *
 * <p>Who seals what when members die: PD never seals ranges itself (it only has sealed ones copied). A dead range server's
 * open ranges are sealed by their writer (the stream client seals on replica timeout and rolls to a new
 * range, which PD places on live servers only). If the writer broker died too, the partition's new owner
 * (chosen by {@code BrokerFailover}) opens the stream for write, which fences the old writer, and seals
 * the orphaned range at the end that enough replicas confirmed.
 *
 * <p>Depends on {@code io.elasticstream.placement.api}, {@code io.elasticstream.placement.metadata},
 * {@code io.elasticstream.common}, the stream RPC protocol and client ({@code range-protocol}, for
 * COPY_RANGE) and slf4j; never on broker, range-server or stream-client code.
 */
package io.elasticstream.placement.server;
