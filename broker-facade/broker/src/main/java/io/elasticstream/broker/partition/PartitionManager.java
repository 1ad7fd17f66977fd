package io.elasticstream.broker.partition;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.streamclient.api.StreamClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the partitions PD assigns to this broker and closes those it takes away. Follows PD through
 * {@link PlacementService#watchPartitions}. A partition whose stream failed (storage error, fenced) is
 * reopened on the next {@link #reopenIfFailed} while this broker still owns it.
 *
 * <p>Threading: open/close decisions run on one owner thread; lookups are lock-free.
 */
public final class PartitionManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionManager.class);

    private final int brokerId;
    private final PlacementService placement;
    private final StreamClient streams;
    private final ExecutorService owner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("partition-manager").daemon(true).factory());
    /** Owned partitions: opened, or being opened (future not done). */
    private final Map<TopicPartition, CompletableFuture<PartitionLog>> partitions = new ConcurrentHashMap<>();
    /** Latest assignment seen from PD, for every partition of every topic. */
    private final Map<TopicPartition, PartitionInfo> assignments = new ConcurrentHashMap<>();
    /** Callers waiting for a partition to be opened here; owner thread only. */
    private final Map<TopicPartition, List<CompletableFuture<Void>>> openWaiters = new HashMap<>();
    private PlacementService.Subscription subscription;

    private final Clock clock;
    public static final int DEFAULT_SNAPSHOT_INTERVAL_BATCHES = 1000;

    /** Producer snapshots every this many confirmed batches of a partition (and at trims and close). */
    private final int snapshotIntervalBatches;

    public PartitionManager(int brokerId, PlacementService placement, StreamClient streams, Clock clock) {
        this(brokerId, placement, streams, clock, DEFAULT_SNAPSHOT_INTERVAL_BATCHES);
    }

    public PartitionManager(int brokerId, PlacementService placement, StreamClient streams, Clock clock,
                            int snapshotIntervalBatches) {
        Checks.argument(snapshotIntervalBatches > 0, "snapshot interval %d must be positive", snapshotIntervalBatches);
        this.snapshotIntervalBatches = snapshotIntervalBatches;
        this.clock = clock;
        this.brokerId = brokerId;
        this.placement = placement;
        this.streams = streams;
    }

    public void start() {
        subscription = placement.watchPartitions(new PlacementService.PartitionListener() {
            @Override
            public void onPartitionChanged(PartitionInfo partition) {
                owner.execute(() -> onAssignment(partition));
            }

            @Override
            public void onPartitionDeleted(String topic, TopicId topicId, int partition) {
                owner.execute(() -> onDeleted(new TopicPartition(topic, partition)));
            }
        });
    }

    /** The open partition, or null if this broker does not own it or is still opening it. */
    public PartitionLog get(TopicPartition tp) {
        CompletableFuture<PartitionLog> f = partitions.get(tp);
        if (f == null || !f.isDone() || f.isCompletedExceptionally()) {
            return null;
        }
        return f.join();
    }

    /**
     * Frees the range servers' space held by a deleted partition's stream ({@code stream} as described before
     * the deletion); best effort, like Kafka's asynchronous log deletion.
     */
    public CompletableFuture<Void> releaseStorage(StreamInfo stream) {
        return streams.dropRanges(stream);
    }

    /** The broker PD last assigned {@code tp} to, as seen here; -1 if no assignment of it is known. */
    public int ownerOf(TopicPartition tp) {
        PartitionInfo info = assignments.get(tp);
        return info == null ? -1 : info.ownerBrokerId();
    }

    /** Partitions this broker owns (open or being opened), for the load it reports to PD. */
    public int ownedCount() {
        return partitions.size();
    }

    /** The partitions open here now. */
    public List<PartitionLog> openLogs() {
        List<PartitionLog> open = new ArrayList<>();
        for (CompletableFuture<PartitionLog> f : partitions.values()) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                open.add(f.join());
            }
        }
        return open;
    }

    /**
     * Completes when this broker has opened {@code tp} (at once if it already has); never fails. Callers bound
     * the wait themselves (a partition owned elsewhere never completes it) by completing the future, which
     * also forgets the waiter.
     */
    public CompletableFuture<Void> whenOpened(TopicPartition tp) {
        CompletableFuture<Void> opened = new CompletableFuture<>();
        owner.execute(() -> {
            if (get(tp) != null) {
                opened.complete(null);
            } else {
                openWaiters.computeIfAbsent(tp, k -> new ArrayList<>()).add(opened);
                opened.whenComplete((v, e) -> owner.execute(() -> forgetWaiter(tp, opened)));
            }
        });
        return opened;
    }

    /**
     * Completes when {@code tp} is open here if PD assigned it to this broker, and at once when it is open
     * already or PD puts it elsewhere; never later than {@code maxWaitMs} from now, never fails. PD's
     * assignment is the latest one seen here, or asked of PD when that one puts the partition elsewhere
     * (this broker's watch may not have seen a move a client already learned of). For requests that reach
     * the new owner of a partition while it is still opening it, which should wait rather than fail.
     */
    public CompletableFuture<Void> whenOpenedIfAssignedHere(TopicPartition tp, long maxWaitMs) {
        if (get(tp) != null || maxWaitMs <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> bounded = new CompletableFuture<Void>()
                .completeOnTimeout(null, maxWaitMs, TimeUnit.MILLISECONDS);
        CompletableFuture<Boolean> assignedHere = ownedHere(assignments.get(tp))
                ? CompletableFuture.completedFuture(true)
                : placement.topic(tp.topic()).thenApply(t -> t.flatMap(info -> info.partitions().stream()
                        .filter(p -> p.partition() == tp.partition()).findFirst()).map(this::ownedHere).orElse(false));
        assignedHere.whenComplete((here, err) -> {
            if (err != null || !here) {
                bounded.complete(null);
                return;
            }
            CompletableFuture<Void> opened = whenOpened(tp);
            opened.thenRun(() -> bounded.complete(null));
            bounded.thenRun(() -> opened.complete(null)); // on timeout: forget the waiter
        });
        return bounded;
    }

    private boolean ownedHere(PartitionInfo info) {
        return info != null && info.ownerBrokerId() == brokerId;
    }

    private void forgetWaiter(TopicPartition tp, CompletableFuture<Void> waiter) {
        List<CompletableFuture<Void>> waiters = openWaiters.get(tp);
        if (waiters != null && waiters.remove(waiter) && waiters.isEmpty()) {
            openWaiters.remove(tp);
        }
    }

    /** Wakes the callers waiting for {@code tp}: it is open, or will not be opened here after all. */
    private void releaseWaiters(TopicPartition tp) {
        List<CompletableFuture<Void>> waiters = openWaiters.remove(tp);
        if (waiters != null) {
            List.copyOf(waiters).forEach(w -> w.complete(null));
        }
    }

    /** Reopens the partition if its stream failed and this broker still owns it. */
    public void reopenIfFailed(TopicPartition tp) {
        owner.execute(() -> {
            CompletableFuture<PartitionLog> f = partitions.get(tp);
            PartitionInfo info = assignments.get(tp);
            if (f != null && f.isDone() && info != null && info.ownerBrokerId() == brokerId
                    && (f.isCompletedExceptionally() || f.join().isFailed())) {
                LOG.info("Reopening partition {} after a stream failure", tp);
                if (!f.isCompletedExceptionally()) {
                    f.join().close();
                }
                open(info);
            }
        });
    }

    private void onAssignment(PartitionInfo info) {
        TopicPartition tp = new TopicPartition(info.topic(), info.partition());
        assignments.put(tp, info);
        boolean mine = info.ownerBrokerId() == brokerId;
        CompletableFuture<PartitionLog> current = partitions.get(tp);
        if (mine && current == null) {
            open(info);
        } else if (mine && current.isDone() && !current.isCompletedExceptionally()
                && current.join().leaderEpoch() < info.leaderEpoch()) {
            // Moved away and back while this broker missed the move (e.g. a watch that resynced): the
            // log open here is fenced, so open the partition afresh rather than wait for an append to fail.
            LOG.info("Partition {} was reassigned here at epoch {} above the open log's {}; reopening it", tp,
                    info.leaderEpoch(), current.join().leaderEpoch());
            close(tp);
            open(info);
        } else if (!mine && current != null) {
            LOG.info("Partition {} moved to broker {}; closing it here", tp, info.ownerBrokerId());
            close(tp);
        }
        if (!mine) {
            releaseWaiters(tp); // moved on before it was opened here: waiting longer would not help
        }
    }

    private void onDeleted(TopicPartition tp) {
        assignments.remove(tp);
        releaseWaiters(tp);
        if (partitions.containsKey(tp)) {
            LOG.info("Partition {} deleted; closing it", tp);
            close(tp);
        }
    }

    private void open(PartitionInfo info) {
        TopicPartition tp = new TopicPartition(info.topic(), info.partition());
        Uuid topicId = new Uuid(info.topicId().mostSignificantBits(), info.topicId().leastSignificantBits());
        long startNs = clock.nanoTime();
        // The producer snapshot is read from PD while the stream opens (one round trip less on a failover).
        var snapshot = PartitionLog.readSnapshot(tp, placement, info.streamId());
        CompletableFuture<PartitionLog> opening = streams.openForWrite(info.streamId())
                .thenCompose(stream -> PartitionLog.open(tp, topicId, stream, placement, snapshotIntervalBatches,
                        snapshot));
        partitions.put(tp, opening);
        opening.whenComplete((log, err) -> {
            if (err != null) {
                LOG.warn("Opening partition {} failed; will retry: {}", tp, err.toString());
                owner.execute(() -> retryOpen(tp, opening));
            } else {
                LOG.info("Opened partition {} (epoch {}, offsets [{}, {}), producer snapshot at {}, {} bytes read) in {} ms",
                        tp, log.leaderEpoch(), log.logStartOffset(), log.highWatermark(), log.snapshotOffset(),
                        log.openReadBytes(), (clock.nanoTime() - startNs) / 1_000_000);
                owner.execute(() -> releaseWaiters(tp));
            }
        });
    }

    private void retryOpen(TopicPartition tp, CompletableFuture<PartitionLog> failed) {
        PartitionInfo info = assignments.get(tp);
        if (partitions.get(tp) == failed && info != null && info.ownerBrokerId() == brokerId) {
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS, owner).execute(() -> {
                if (partitions.get(tp) == failed) {
                    open(assignments.getOrDefault(tp, info));
                }
            });
        }
    }

    private CompletableFuture<Void> close(TopicPartition tp) {
        CompletableFuture<PartitionLog> f = partitions.remove(tp);
        return f == null ? CompletableFuture.completedFuture(null)
                : f.thenCompose(PartitionLog::close).exceptionally(err -> null);
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
        owner.shutdown();
        try {
            owner.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        List.copyOf(partitions.keySet()).forEach(tp -> closing.add(close(tp)));
        // Give the last producer snapshots a moment, so the next open reads little of each stream.
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Some producer snapshots were not stored at close: {}", e.toString());
        }
    }
}
