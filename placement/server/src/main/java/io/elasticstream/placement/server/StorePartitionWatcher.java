package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.rpc.PartitionWatcher;

/**
 * Partition assignment changes read straight from the metadata store, for processes that reach PD
 * remotely (brokers): the same {@link PartitionWatch} the in-process driver uses, over the caller's
 * own store client. Read-only; the caller keeps ownership of the store.
 */
public final class StorePartitionWatcher implements PartitionWatcher {
    private final MetadataStore store;
    private final MetadataKeys keys;

    public StorePartitionWatcher(MetadataStore store, String clusterPrefix) {
        this.store = Checks.notNull(store, "store");
        this.keys = new MetadataKeys(clusterPrefix);
    }

    @Override
    public PlacementService.Subscription watch(PlacementService.PartitionListener listener) {
        Checks.notNull(listener, "listener");
        PartitionWatch watch = new PartitionWatch(store, keys, listener, closed -> { });
        watch.start();
        return watch;
    }
}
