package io.elasticstream.streamclient.internal;

import io.elasticstream.common.Scheduler;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.TrimRequest;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClient;
import io.elasticstream.streamclient.api.StreamClientConfig;
import io.elasticstream.streamclient.metrics.ReplicationMetrics;
import io.elasticstream.streamclient.rpc.RangeClient;
import io.elasticstream.streamclient.rpc.RangeRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens streams for writing. The open protocol (ARCHITECTURE.md §3, writer failover):
 * <ol>
 *   <li>PD raises the stream epoch: every older writer is fenced from now on.</li>
 *   <li>If the last range is still open (its writer died or closed), seal it on its replicas at the end
 *       they hold, then record that end at PD.</li>
 *   <li>PD places the next range starting at that end; create it on each of its replicas.</li>
 * </ol>
 * The orphan's end is the highest end among the replicas that answered, and at least
 * {@code replicaCount - ackCount + 1} must answer: any {@code ackCount} replicas that confirmed a record
 * overlap them, so every confirmed record lies below that end. Repairing replicas that hold less is
 * PD's job (re-replication).
 */
public final class DefaultStreamClient implements StreamClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultStreamClient.class);

    private final PlacementService placement;
    private final RangeClient client;
    private final Scheduler scheduler;
    private final StreamClientConfig config;
    private final AutoCloseable resources;
    private final ReplicationMetrics metrics;

    /**
     * @param resources closed with this client (e.g. the RPC client's event loops); may be null
     */
    public DefaultStreamClient(PlacementService placement, RangeClient client, Scheduler scheduler,
                               StreamClientConfig config, AutoCloseable resources) {
        this(placement, client, scheduler, config, resources, ReplicationMetrics.unregistered());
    }

    /** As above, reporting replication to {@code metrics}. */
    public DefaultStreamClient(PlacementService placement, RangeClient client, Scheduler scheduler,
                               StreamClientConfig config, AutoCloseable resources, ReplicationMetrics metrics) {
        this.metrics = metrics;
        this.placement = placement;
        this.client = client;
        this.scheduler = scheduler;
        this.config = config;
        this.resources = resources;
    }

    /**
     * A client on the real network: a {@link RangeRpcClient} with {@code ioThreads} event loop threads
     * and a timer thread, both closed with the client.
     */
    public static DefaultStreamClient create(PlacementService placement, int ioThreads, long requestTimeoutMs,
                                             StreamClientConfig config) {
        return create(placement, ioThreads, requestTimeoutMs, config, ReplicationMetrics.unregistered());
    }

    /** As above, reporting replication to {@code metrics}. */
    public static DefaultStreamClient create(PlacementService placement, int ioThreads, long requestTimeoutMs,
                                             StreamClientConfig config, ReplicationMetrics metrics) {
        RangeRpcClient rpc = new RangeRpcClient(ioThreads, requestTimeoutMs);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("stream-client-timer").daemon(true).factory());
        return new DefaultStreamClient(placement, rpc, Scheduler.of(timer), config, () -> {
            timer.shutdownNow();
            rpc.close();
        }, metrics);
    }

    @Override
    public CompletableFuture<Stream> openForWrite(long streamId) {
        return placement.openStreamForWrite(streamId).thenCompose(info -> sealOrphan(info).thenCompose(sealed -> {
            RangeInfo last = sealed.lastRange();
            int index = last == null ? 0 : last.index() + 1;
            long start = last == null ? info.startOffset() : last.endOffset();
            return placement.createRange(streamId, info.epoch(), index, start)
                    .thenCompose(range -> createOnReplicas(range, info.epoch()).thenApply(v -> {
                        List<RangeInfo> ranges = new ArrayList<>(sealed.ranges());
                        ranges.add(range);
                        LOG.info("Opened stream {} for write: epoch {}, range {} at offset {} on {}", streamId,
                                info.epoch(), index, start, range.replicas());
                        return (Stream) new ReplicatedStream(client, placement, scheduler, config, streamId,
                                info.epoch(), info.startOffset(), info.ackCount(), ranges, metrics);
                    }));
        })).exceptionallyCompose(err -> CompletableFuture.failedFuture(ReplicatedStream.translate(err)));
    }

    /** Seals the last range if it is open; completes with the stream info as of after the seal. */
    private CompletableFuture<StreamInfo> sealOrphan(StreamInfo info) {
        RangeInfo last = info.lastRange();
        if (last == null || last.isSealed()) {
            return CompletableFuture.completedFuture(info);
        }
        // Any ackCount of the range's replicas overlap every (size - ackCount + 1) of them; the range may
        // have fewer replicas than the stream's replica count (placed while servers were down).
        int needed = Math.max(1, last.replicas().size() - info.ackCount() + 1);
        List<CompletableFuture<Long>> ends = new ArrayList<>();
        for (RangeServerInfo replica : last.replicas()) {
            ends.add(client.seal(replica, new SealRequest(info.streamId(), last.index(), info.epoch(), SealRequest.AT_END))
                    .exceptionallyCompose(err -> holdsNothing(err)
                            ? CompletableFuture.completedFuture(last.startOffset()) // never created there: holds nothing
                            : CompletableFuture.failedFuture(err)));
        }
        return CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).handle((v, err) -> {
            long end = -1;
            int answered = 0;
            for (CompletableFuture<Long> f : ends) {
                if (!f.isCompletedExceptionally()) {
                    end = Math.max(end, f.join());
                    answered++;
                }
            }
            if (answered < needed) {
                throw ReplicatedStream.translate(err);
            }
            return end;
        }).thenCompose(end -> placement.sealRange(info.streamId(), info.epoch(), last.index(), end)).thenApply(sealedRange -> {
            metrics.onSeal();
            List<RangeInfo> ranges = new ArrayList<>(info.ranges());
            ranges.set(ranges.size() - 1, sealedRange);
            return new StreamInfo(info.streamId(), info.epoch(), info.startOffset(), info.replicaCount(),
                    info.ackCount(), ranges);
        });
    }

    /**
     * A replica that does not hold the range acknowledged nothing in it: its creation was lost, or is still
     * on its way from the old writer, which the replica then refuses (the seal that found the range missing
     * fenced the stream there at the new epoch).
     */
    private static boolean holdsNothing(Throwable err) {
        Throwable c = err instanceof java.util.concurrent.CompletionException && err.getCause() != null ? err.getCause() : err;
        return c instanceof RpcException rpc && rpc.status() == Status.RANGE_NOT_FOUND;
    }

    private CompletableFuture<Void> createOnReplicas(RangeInfo range, long epoch) {
        List<CompletableFuture<Long>> all = new ArrayList<>();
        for (RangeServerInfo replica : range.replicas()) {
            all.add(client.createRange(replica, new CreateRangeRequest(range.streamId(), range.index(),
                    range.startOffset(), epoch)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<Void> dropRanges(long streamId) {
        return placement.describeStream(streamId).thenCompose(this::dropRanges);
    }

    @Override
    public CompletableFuture<Void> dropRanges(StreamInfo stream) {
        return ReplicatedStream.trimReplicas(client, stream.streamId(), stream.ranges(), TrimRequest.DROP_RANGE);
    }

    @Override
    public void close() {
        if (resources != null) {
            try {
                resources.close();
            } catch (Exception e) {
                LOG.warn("Error closing stream client resources", e);
            }
        }
    }
}
