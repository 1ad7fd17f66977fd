package io.elasticstream.rangestore.server.net;

import io.elasticstream.rangestore.protocol.AppendRequest;
import io.elasticstream.rangestore.protocol.CopyRangeRequest;
import io.elasticstream.rangestore.protocol.CreateRangeRequest;
import io.elasticstream.rangestore.protocol.FetchRequest;
import io.elasticstream.rangestore.protocol.FetchResponse;
import io.elasticstream.rangestore.protocol.Frame;
import io.elasticstream.rangestore.protocol.OffsetResponse;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.Responses;
import io.elasticstream.rangestore.protocol.SealRequest;
import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.protocol.StoredBatch;
import io.elasticstream.rangestore.protocol.TrimRequest;
import io.elasticstream.rangestore.server.store.FetchResult;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.elasticstream.rangestore.server.store.RangeStoreException;
import io.elasticstream.rangestore.server.store.ReadBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dispatches decoded request frames to the range store and writes one response frame per request. */
@ChannelHandler.Sharable
final class RangeRequestHandler extends SimpleChannelInboundHandler<Frame> {
    private static final Logger LOG = LoggerFactory.getLogger(RangeRequestHandler.class);

    private final RangeStore store;
    private final Executor readExecutor;
    private final RangeCopy rangeCopy;

    RangeRequestHandler(RangeStore store, Executor readExecutor, RangeCopy rangeCopy) {
        this.store = store;
        this.readExecutor = readExecutor;
        this.rangeCopy = rangeCopy;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
        Opcode opcode = Opcode.of(frame.opcode());
        if (opcode == null || frame.isResponse()) {
            LOG.warn("Closing stream RPC connection from {}: unexpected opcode {} (flags {})", ctx.channel().remoteAddress(),
                    frame.opcode(), frame.flags());
            ctx.close();
            return;
        }
        ByteBuf in = frame.payload();
        ByteBufAllocator alloc = ctx.alloc();
        CompletableFuture<ByteBuf> response;
        try {
            response = switch (opcode) {
                case CREATE_RANGE -> {
                    CreateRangeRequest r = CreateRangeRequest.decode(in);
                    yield encodeOffset(alloc, store.createRange(r.streamId(), r.index(), r.startOffset(), r.epoch()));
                }
                case APPEND -> {
                    AppendRequest r = AppendRequest.decode(in);
                    try {
                        yield encodeOffset(alloc, store.append(r.streamId(), r.index(), r.epoch(), r.baseOffset(),
                                r.recordCount(), r.maxTimestamp(), r.data().nioBuffer()));
                    } finally {
                        r.data().release();
                    }
                }
                case SEAL -> {
                    SealRequest r = SealRequest.decode(in);
                    yield encodeOffset(alloc, store.seal(r.streamId(), r.index(), r.epoch(), r.endOffset()));
                }
                case TRIM -> {
                    TrimRequest r = TrimRequest.decode(in);
                    yield encodeOffset(alloc, store.trim(r.streamId(), r.index(), r.newStartOffset()));
                }
                case FETCH -> {
                    FetchRequest r = FetchRequest.decode(in);
                    yield CompletableFuture.supplyAsync(() -> encodeFetch(alloc, store.fetch(r.streamId(), r.index(),
                            r.startOffset(), r.endOffset(), r.maxBytes())), readExecutor);
                }
                case COPY_RANGE -> {
                    CopyRangeRequest r;
                    try {
                        r = CopyRangeRequest.decode(in);
                    } catch (IllegalArgumentException e) {
                        throw new RangeStoreException(Status.INVALID_REQUEST, e.getMessage());
                    }
                    yield encodeOffset(alloc, rangeCopy.copy(r));
                }
            };
        } catch (IndexOutOfBoundsException e) {
            LOG.warn("Closing stream RPC connection from {}: truncated {} request", ctx.channel().remoteAddress(), opcode);
            ctx.close();
            return;
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        short code = frame.opcode();
        long requestId = frame.requestId();
        response.handle(errorsToPayload(alloc)).thenAccept(payload ->
                ctx.writeAndFlush(Frame.response(code, requestId, payload)));
    }

    private static CompletableFuture<ByteBuf> encodeOffset(ByteBufAllocator alloc, CompletableFuture<Long> end) {
        return end.thenApply(e -> new OffsetResponse(e).encode(alloc));
    }

    private static ByteBuf encodeFetch(ByteBufAllocator alloc, FetchResult result) {
        List<StoredBatch> batches = new ArrayList<>(result.batches().size());
        for (ReadBatch b : result.batches()) {
            batches.add(new StoredBatch(b.baseOffset(), b.recordCount(), b.maxTimestamp(),
                    Unpooled.wrappedBuffer(b.data())));
        }
        return new FetchResponse(result.rangeEndOffset(), batches).encode(alloc);
    }

    private static java.util.function.BiFunction<ByteBuf, Throwable, ByteBuf> errorsToPayload(ByteBufAllocator alloc) {
        Function<Throwable, ByteBuf> toError = err -> {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            if (cause instanceof RangeStoreException rse) {
                return Responses.error(alloc, rse.status(), rse.getMessage());
            }
            LOG.error("Unexpected error serving a stream RPC request", cause);
            return Responses.error(alloc, Status.STORAGE_ERROR, String.valueOf(cause.getMessage()));
        };
        return (ok, err) -> err == null ? ok : toError.apply(err);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("Closing stream RPC connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
