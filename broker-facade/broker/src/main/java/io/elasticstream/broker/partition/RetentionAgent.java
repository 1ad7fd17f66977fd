package io.elasticstream.broker.partition;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces {@code retention.ms} and {@code retention.bytes} on the partitions this broker owns, every
 * {@code log.retention.check.interval.ms}, as Kafka's log manager does — by whole batches instead of
 * whole segments:
 * <ul>
 *   <li>time: the oldest batches whose max timestamp is more than {@code retention.ms} before now (the
 *       injected clock's wall time) go, up to the first batch that is not that old;</li>
 *   <li>size: the oldest batches go while the partition stays at or above {@code retention.bytes}
 *       without them.</li>
 * </ul>
 * The log start offset moves to the end of the last batch to go (the larger of the two). Range servers
 * do not reclaim the space yet (the stream's start moves; see {@code Stream.trim}).
 *
 * <p>Threading: one check runs at a time; the next is scheduled on {@code timer} when it has finished.
 */
public final class RetentionAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionAgent.class);

    /** A topic's retention limits; negative means unlimited. */
    public record Limits(long retentionMs, long retentionBytes) {
        public static final Limits NONE = new Limits(-1, -1);

        boolean isUnlimited() {
            return retentionMs < 0 && retentionBytes < 0;
        }
    }

    private final PartitionManager partitions;
    private final Supplier<CompletableFuture<Map<String, Limits>>> limitsByTopic;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final long checkIntervalMs;
    /** The first batch of each open partition as the last check saw it. */
    private final Map<PartitionLog, FirstBatch> firstBatches = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** The first batch of a partition: where the log started, its max timestamp and size. */
    private record FirstBatch(long startOffset, long maxTimestamp, int sizeBytes) {
        /** Whether retention would remove it (the same rule as {@link RetentionScan} on a first batch). */
        boolean goes(Limits limits, long nowMs, long partitionBytes) {
            return (limits.retentionMs() >= 0 && nowMs - maxTimestamp > limits.retentionMs())
                    || (limits.retentionBytes() >= 0 && partitionBytes - sizeBytes >= limits.retentionBytes());
        }
    }

    /**
     * @param limitsByTopic the current limits of every topic by name (topics missing from the map are
     *                      left alone)
     */
    public RetentionAgent(PartitionManager partitions, Supplier<CompletableFuture<Map<String, Limits>>> limitsByTopic,
                          Clock clock, ScheduledExecutorService timer, long checkIntervalMs) {
        Checks.argument(checkIntervalMs > 0, "retention check interval %d ms must be positive", checkIntervalMs);
        this.partitions = partitions;
        this.limitsByTopic = limitsByTopic;
        this.clock = clock;
        this.timer = timer;
        this.checkIntervalMs = checkIntervalMs;
    }

    public void start() {
        scheduleNext();
    }

    private void scheduleNext() {
        if (closed) {
            return;
        }
        try {
            timer.schedule(() -> checkAll().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.warn("Retention check failed: {}", e.toString());
                }
                scheduleNext();
            }), checkIntervalMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            closed = true; // the broker is stopping
        }
    }

    /** One check of every owned partition; completes when every trim it started has completed. */
    public CompletableFuture<Void> checkAll() {
        return limitsByTopic.get().thenCompose(limits -> {
            long nowMs = clock.epochMillis();
            List<CompletableFuture<Long>> trims = new ArrayList<>();
            List<PartitionLog> open = partitions.openLogs();
            firstBatches.keySet().retainAll(open);
            for (PartitionLog log : open) {
                Limits l = limits.getOrDefault(log.topicPartition().topic(), Limits.NONE);
                if (!l.isUnlimited() && !log.isFailed()) {
                    trims.add(enforce(log, l, nowMs).exceptionally(e -> {
                        LOG.warn("Retention on {} failed: {}", log.topicPartition(), e.toString());
                        return -1L;
                    }));
                }
            }
            return CompletableFuture.allOf(trims.toArray(CompletableFuture[]::new));
        });
    }

    /**
     * Trims {@code log} to what {@code limits} keep at {@code nowMs}; completes with the log start offset.
     * Reads nothing when the first batch, as seen by the last check, stays.
     */
    private CompletableFuture<Long> enforce(PartitionLog log, Limits limits, long nowMs) {
        FirstBatch first = firstBatches.get(log);
        long start = log.logStartOffset();
        if (first != null && first.startOffset == start && !first.goes(limits, nowMs, log.sizeBytes())) {
            return CompletableFuture.completedFuture(start);
        }
        RetentionScan scan = new RetentionScan(limits, nowMs, log.sizeBytes(), start);
        return log.scanFromStart(scan).thenCompose(v -> {
            if (scan.first != null) {
                firstBatches.put(log, new FirstBatch(start, scan.first.maxTimestamp, scan.first.sizeBytes));
            }
            long trimTo = scan.trimTo();
            if (trimTo <= log.logStartOffset()) {
                return CompletableFuture.completedFuture(log.logStartOffset());
            }
            LOG.info("Retention on {}: log start offset {} -> {} (retention.ms {}, retention.bytes {})",
                    log.topicPartition(), log.logStartOffset(), trimTo, limits.retentionMs(), limits.retentionBytes());
            return log.trimTo(trimTo);
        });
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Finds the end of the time-expired prefix and of the over-size prefix, batch by batch. */
    static final class RetentionScan implements PartitionLog.BatchVisitor {
        private final Limits limits;
        private final long nowMs;
        private long remainingBytes;
        private boolean timeDone;
        private boolean sizeDone;
        private long timeEnd;
        private long sizeEnd;
        /** The first batch seen, or null. */
        FirstBatch first;

        RetentionScan(Limits limits, long nowMs, long sizeBytes, long startOffset) {
            this.limits = limits;
            this.nowMs = nowMs;
            this.remainingBytes = sizeBytes;
            this.timeDone = limits.retentionMs() < 0;
            this.sizeDone = limits.retentionBytes() < 0;
            this.timeEnd = startOffset;
            this.sizeEnd = startOffset;
        }

        @Override
        public boolean visit(long baseOffset, long endOffset, long maxTimestamp, int sizeBytes) {
            if (first == null) {
                first = new FirstBatch(-1, maxTimestamp, sizeBytes);
            }
            if (!timeDone) {
                if (nowMs - maxTimestamp > limits.retentionMs()) {
                    timeEnd = endOffset;
                } else {
                    timeDone = true;
                }
            }
            if (!sizeDone) {
                if (remainingBytes - sizeBytes >= limits.retentionBytes()) {
                    remainingBytes -= sizeBytes;
                    sizeEnd = endOffset;
                } else {
                    sizeDone = true;
                }
            }
            return !(timeDone && sizeDone);
        }

        long trimTo() {
            return Math.max(timeEnd, sizeEnd);
        }
    }
}
