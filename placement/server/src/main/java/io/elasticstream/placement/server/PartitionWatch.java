package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import io.elasticstream.placement.server.codec.Codecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One {@link PlacementService#watchPartitions} subscription: reads every partition under
 * {@code partitions/}, hands each to the listener, then follows a store watch from the revision after
 * that read, so no change is missed or seen twice.
 *
 * <p>Threading: the listener runs only on this subscription's delivery thread, which also owns
 * {@link #known}. Store callbacks only enqueue onto it and never block. If the store watch fails (for
 * instance its start revision was compacted), the subscription re-reads the prefix, reports the
 * difference to what the listener last saw, and watches again.
 */
final class PartitionWatch implements PlacementService.Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionWatch.class);
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();
    /** Store watch failures in a row (without an event in between) before the subscription gives up. */
    static final int MAX_CONSECUTIVE_WATCH_FAILURES = 10;

    private final MetadataStore store;
    private final MetadataKeys keys;
    private final PlacementService.PartitionListener listener;
    private final Consumer<PartitionWatch> onClose;
    private final ExecutorService deliveryThread;
    private final Executor delivery;
    private final AtomicReference<MetadataStore.Watch> storeWatch = new AtomicReference<>();
    /** The partitions the listener was last told about, by key. Delivery thread only. */
    private Map<String, PartitionInfo> known = new HashMap<>();
    /** Which store watch is current; events of an older one are dropped. Delivery thread only. */
    private int generation;
    /** Delivery thread only. */
    private int consecutiveWatchFailures;
    private volatile boolean closed;

    PartitionWatch(MetadataStore store, MetadataKeys keys, PlacementService.PartitionListener listener,
                   Consumer<PartitionWatch> onClose) {
        this.store = store;
        this.keys = keys;
        this.listener = listener;
        this.onClose = onClose;
        this.deliveryThread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("pd-partition-watch-" + THREAD_IDS.incrementAndGet()).daemon().factory());
        // A closed subscription drops work instead of throwing into the store thread that completes it.
        this.delivery = task -> {
            try {
                deliveryThread.execute(task);
            } catch (RejectedExecutionException e) {
                LOG.debug("partition watch closed; dropping a delivery");
            }
        };
    }

    void start() {
        delivery.execute(this::resync);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeStoreWatch(storeWatch.getAndSet(null));
        deliveryThread.shutdown();
        onClose.accept(this);
    }

    /** On the delivery thread: read the current state, report it, then watch from just after it. */
    private void resync() {
        if (closed) {
            return;
        }
        int watchGeneration = ++generation;
        store.getPrefix(keys.partitionsPrefix()).whenCompleteAsync((snapshot, error) -> {
            if (closed || watchGeneration != generation) {
                return;
            }
            if (error != null) {
                LOG.error("partition watch stopped: cannot read {}", keys.partitionsPrefix(), error);
                return;
            }
            applySnapshot(snapshot.kvs());
            MetadataStore.Watch watch = store.watchPrefix(keys.partitionsPrefix(), snapshot.revision() + 1,
                    new StoreListener(watchGeneration));
            closeStoreWatch(storeWatch.getAndSet(watch));
            if (closed) { // close() ran while the watch was being opened
                closeStoreWatch(storeWatch.getAndSet(null));
            }
        }, delivery);
    }

    private void applySnapshot(List<KeyValue> kvs) {
        Map<String, PartitionInfo> current = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            PartitionInfo partition = decode(kv);
            if (partition != null) {
                current.put(kv.key(), partition);
            }
        }
        for (Map.Entry<String, PartitionInfo> gone : known.entrySet()) {
            if (!current.containsKey(gone.getKey())) {
                deliverDeleted(gone.getValue());
            }
        }
        for (Map.Entry<String, PartitionInfo> entry : current.entrySet()) {
            if (!entry.getValue().equals(known.get(entry.getKey()))) {
                deliverChanged(entry.getValue());
            }
        }
        known = current;
    }

    private void applyEvents(int watchGeneration, List<WatchEvent> events) {
        if (closed || watchGeneration != generation) {
            return;
        }
        consecutiveWatchFailures = 0;
        for (WatchEvent event : events) {
            String key = event.kv().key();
            if (event.type() == WatchEvent.Type.PUT) {
                PartitionInfo partition = decode(event.kv());
                if (partition != null) {
                    known.put(key, partition);
                    deliverChanged(partition);
                }
            } else {
                PartitionInfo previous = known.remove(key);
                if (previous == null && event.prevKv() != null) {
                    previous = decode(event.prevKv());
                }
                if (previous != null) {
                    deliverDeleted(previous);
                } else {
                    LOG.warn("partition {} deleted before its creation was seen; not reported",
                            keys.parsePartition(key));
                }
            }
        }
    }

    private void onStoreWatchFailed(int watchGeneration, Throwable error) {
        if (closed || watchGeneration != generation) {
            return;
        }
        closeStoreWatch(storeWatch.getAndSet(null));
        if (++consecutiveWatchFailures > MAX_CONSECUTIVE_WATCH_FAILURES) {
            LOG.error("partition watch stopped after {} failures in a row", consecutiveWatchFailures - 1, error);
            return;
        }
        LOG.warn("partition watch interrupted ({}); re-reading partitions", error.toString());
        resync();
    }

    private void deliverChanged(PartitionInfo partition) {
        if (closed) {
            return;
        }
        try {
            listener.onPartitionChanged(partition);
        } catch (RuntimeException e) {
            LOG.error("partition listener failed on change of {}", partition, e);
        }
    }

    private void deliverDeleted(PartitionInfo partition) {
        if (closed) {
            return;
        }
        try {
            listener.onPartitionDeleted(partition.topic(), partition.topicId(), partition.partition());
        } catch (RuntimeException e) {
            LOG.error("partition listener failed on deletion of {}", partition, e);
        }
    }

    private static PartitionInfo decode(KeyValue kv) {
        try {
            return Codecs.PARTITION.decode(kv.value());
        } catch (RuntimeException e) {
            LOG.error("skipping undecodable partition record at {}", kv.key(), e);
            return null;
        }
    }

    private static void closeStoreWatch(MetadataStore.Watch watch) {
        if (watch != null) {
            watch.close();
        }
    }

    /** Runs on the store's watch thread: only hands over to the delivery thread. */
    private final class StoreListener implements MetadataStore.WatchListener {
        private final int watchGeneration;

        StoreListener(int watchGeneration) {
            this.watchGeneration = watchGeneration;
        }

        @Override
        public void onEvents(List<WatchEvent> events) {
            List<WatchEvent> copy = List.copyOf(events);
            delivery.execute(() -> applyEvents(watchGeneration, copy));
        }

        @Override
        public void onError(Throwable error) {
            delivery.execute(() -> onStoreWatchFailed(watchGeneration, error));
        }
    }
}
