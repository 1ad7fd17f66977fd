package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.CopyRangeRequest;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.rpc.StreamRpcClient;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** {@link RangeCopier} over the stream RPC: one COPY_RANGE request to the target range server. */
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
        return rpc.call(new InetSocketAddress(target.host(), target.port()), Opcode.COPY_RANGE,
                request.encode(rpc.alloc()), OffsetResponse::decode).thenApply(OffsetResponse::endOffset);
    }

    @Override
    public void close() {
        rpc.close();
    }
}
