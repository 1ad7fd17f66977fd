package io.elasticstream.streamclient.internal;

import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.streamclient.api.Stream;
import io.elasticstream.streamclient.api.StreamClient;
import io.elasticstream.streamclient.rpc.RangeRpcClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
 * With replica count 1 the orphan's end is the one replica's durable end. With more replicas the end is
 * the highest end among at least {@code replicaCount - ackCount + 1} replicas, which covers every
 * confirmed record; repairing shorter replicas is PD's job (range-store issue).
 */
public final class DefaultStreamClient implements StreamClient {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultStreamClient.class);

    private final PlacementService placement;
    private final RangeRpcClient rpc;

    public DefaultStreamClient(PlacementService placement, RangeRpcClient rpc) {
        this.placement = placement;
        this.rpc = rpc;
    }

    @Override
    public CompletableFuture<Stream> openForWrite(long streamId) {
        return placement.openStreamForWrite(streamId).thenCompose(info -> sealOrphan(info).thenCompose(sealed -> {
            RangeInfo last = sealed.lastRange();
            int index = last == null ? 0 : last.index() + 1;
            long start = last == null ? info.startOffset() : last.endOffset();
            return placement.createRange(streamId, info.epoch(), index, start)
                    .thenCompose(range -> createOnReplicas(range).thenApply(v -> {
                        List<RangeInfo> ranges = new ArrayList<>(sealed.ranges());
                        ranges.add(range);
                        LOG.info("Opened stream {} for write: epoch {}, range {} at offset {} on {}", streamId,
                                info.epoch(), index, start, range.replicas());
                        return (Stream) new ReplicatedStream(rpc, streamId, info.epoch(), info.startOffset(),
                                info.ackCount(), ranges);
                    }));
        }));
    }

    /** Seals the last range if it is open; completes with the stream info as of after the seal. */
    private CompletableFuture<StreamInfo> sealOrphan(StreamInfo info) {
        RangeInfo last = info.lastRange();
        if (last == null || last.isSealed()) {
            return CompletableFuture.completedFuture(info);
        }
        int needed = Math.max(1, info.replicaCount() - info.ackCount() + 1);
        List<CompletableFuture<Long>> ends = new ArrayList<>();
        for (RangeServerInfo replica : last.replicas()) {
            SealRequest seal = new SealRequest(info.streamId(), last.index(), info.epoch(), SealRequest.AT_END);
            ends.add(rpc.call(ReplicatedStream.address(replica), Opcode.SEAL, seal.encode(rpc.alloc()),
                    OffsetResponse::decode).thenApply(OffsetResponse::endOffset));
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
            List<RangeInfo> ranges = new ArrayList<>(info.ranges());
            ranges.set(ranges.size() - 1, sealedRange);
            return new StreamInfo(info.streamId(), info.epoch(), info.startOffset(), info.replicaCount(),
                    info.ackCount(), ranges);
        });
    }

    private CompletableFuture<Void> createOnReplicas(RangeInfo range) {
        List<CompletableFuture<OffsetResponse>> all = new ArrayList<>();
        for (RangeServerInfo replica : range.replicas()) {
            CreateRangeRequest create = new CreateRangeRequest(range.streamId(), range.index(), range.startOffset(),
                    range.epoch());
            all.add(rpc.call(ReplicatedStream.address(replica), Opcode.CREATE_RANGE, create.encode(rpc.alloc()),
                    OffsetResponse::decode));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(err -> {
                    throw ReplicatedStream.translate(err);
                });
    }

    @Override
    public void close() {
        rpc.close();
    }
}
