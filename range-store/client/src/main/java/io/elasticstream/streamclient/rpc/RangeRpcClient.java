package io.elasticstream.streamclient.rpc;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.TrimRequest;
import io.elasticstream.rangestore.rpc.StreamRpcClient;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Sends stream RPC requests to range servers, over one {@link StreamRpcClient}. */
public final class RangeRpcClient implements RangeClient, AutoCloseable {
    private final StreamRpcClient rpc;

    public RangeRpcClient(int ioThreads, long requestTimeoutMs) {
        this.rpc = new StreamRpcClient("stream-client-io", ioThreads, requestTimeoutMs);
    }

    public ByteBufAllocator alloc() {
        return rpc.alloc();
    }

    @Override
    public CompletableFuture<Long> createRange(RangeServerInfo server, CreateRangeRequest request) {
        return rpc.call(address(server), Opcode.CREATE_RANGE, request.encode(alloc()), OffsetResponse::decode)
                .thenApply(OffsetResponse::endOffset);
    }

    @Override
    public CompletableFuture<Long> append(RangeServerInfo server, AppendRequest request) {
        return rpc.call(address(server), Opcode.APPEND, request.encode(alloc()), OffsetResponse::decode)
                .thenApply(OffsetResponse::endOffset);
    }

    @Override
    public CompletableFuture<Long> seal(RangeServerInfo server, SealRequest request) {
        return rpc.call(address(server), Opcode.SEAL, request.encode(alloc()), OffsetResponse::decode)
                .thenApply(OffsetResponse::endOffset);
    }

    @Override
    public CompletableFuture<Long> trim(RangeServerInfo server, TrimRequest request) {
        return rpc.call(address(server), Opcode.TRIM, request.encode(alloc()), OffsetResponse::decode)
                .thenApply(OffsetResponse::endOffset);
    }

    @Override
    public CompletableFuture<FetchResponse> fetch(RangeServerInfo server, FetchRequest request) {
        return rpc.call(address(server), Opcode.FETCH, request.encode(alloc()), FetchResponse::decode);
    }

    private static InetSocketAddress address(RangeServerInfo server) {
        return new InetSocketAddress(server.host(), server.port());
    }

    @Override
    public void close() {
        rpc.close();
    }
}
