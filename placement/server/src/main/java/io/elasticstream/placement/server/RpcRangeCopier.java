package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.CopyRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.rpc.StreamRpcClient;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link RangeCopier} over the stream RPC: a copy is one COPY_RANGE request to the target range server;
 * a check is an empty FETCH at the range's end, which a replica holding less than that refuses with
 * OFFSET_OUT_OF_RANGE (or RANGE_NOT_FOUND if it holds none of it).
 */
public final class RpcRangeCopier implements RangeCopier, AutoCloseable {
    /** Longest PD waits for one copy by default: the target copies the whole range before it answers. */
    public static final long DEFAULT_COPY_TIMEOUT_MS = 120_000;

    private final StreamRpcClient rpc;

    public RpcRangeCopier(long copyTimeoutMs) {
        this.rpc = new StreamRpcClient("pd-range-copy", 1, copyTimeoutMs);
    }

    @Override
    public CompletableFuture<Long> copy(RangeServerInfo target, RangeInfo range, List<RangeServerInfo> sources) {
        CopyRangeRequest request = new CopyRangeRequest(range.streamId(), range.index(), range.startOffset(),
                range.endOffset(), range.epoch(), sources.stream().map(s -> s.host() + ":" + s.port()).toList());
        return rpc.call(address(target), Opcode.COPY_RANGE, request.encode(rpc.alloc()), OffsetResponse::decode)
                .thenApply(OffsetResponse::endOffset);
    }

    @Override
    public CompletableFuture<Boolean> holdsWhole(RangeServerInfo server, RangeInfo range) {
        FetchRequest probe = new FetchRequest(range.streamId(), range.index(), range.endOffset(), range.endOffset(), 0);
        return rpc.call(address(server), Opcode.FETCH, probe.encode(rpc.alloc()), FetchResponse::decode)
                .handle((response, error) -> {
                    if (error == null) {
                        response.batches().forEach(batch -> batch.data().release());
                        return response.rangeEndOffset() >= range.endOffset();
                    }
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof RpcException e
                            && (e.status() == Status.OFFSET_OUT_OF_RANGE || e.status() == Status.RANGE_NOT_FOUND)) {
                        return false;
                    }
                    throw new CompletionException(cause);
                });
    }

    private static InetSocketAddress address(RangeServerInfo server) {
        return new InetSocketAddress(server.host(), server.port());
    }

    @Override
    public void close() {
        rpc.close();
    }
}
