package io.elasticstream.placement.rpc;

import io.elasticstream.placement.api.PlacementService;

/**
 * Where {@link RemotePlacementService#watchPartitions} gets partition changes from. In a cluster the
 * broker reads them straight from the metadata store (etcd) through a watch, as the architecture has
 * it (brokers read through watches, write through PD), so this needs no PD round trip: see
 * {@code io.elasticstream.placement.server.StorePartitionWatcher}.
 */
@FunctionalInterface
public interface PartitionWatcher {
    PlacementService.Subscription watch(PlacementService.PartitionListener listener);
}
