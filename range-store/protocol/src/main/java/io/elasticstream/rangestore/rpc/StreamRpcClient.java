package io.elasticstream.rangestore.rpc;

import io.elasticstream.common.Checks;
import io.elasticstream.net.Transport;
import io.elasticstream.rangestore.protocol.Frame;
import io.elasticstream.rangestore.protocol.FrameDecoder;
import io.elasticstream.rangestore.protocol.FrameEncoder;
import io.elasticstream.rangestore.protocol.Opcode;
import io.elasticstream.rangestore.protocol.RpcException;
import io.elasticstream.rangestore.protocol.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends stream RPC requests to range servers: one TCP connection per server address, opened on first
 * use and reopened after a failure; frames leave a connection in call order.
 */
public final class StreamRpcClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamRpcClient.class);
    static final int CONNECT_TIMEOUT_MS = 5_000;

    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final long requestTimeoutMs;
    private final Map<InetSocketAddress, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextRequestId = new AtomicLong(1);
    private volatile boolean closed;

    /**
     * @param threadName       prefix of the event loop threads' names
     * @param requestTimeoutMs a request not answered within this long fails with STORAGE_ERROR
     */
    public StreamRpcClient(String threadName, int ioThreads, long requestTimeoutMs) {
        Checks.argument(requestTimeoutMs > 0, "request timeout %d ms must be positive", requestTimeoutMs);
        Transport transport = Transport.best();
        this.group = transport.newGroup(ioThreads, threadName);
        this.requestTimeoutMs = requestTimeoutMs;
        this.bootstrap = new Bootstrap().group(group).channel(transport.channelClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
    }

    public ByteBufAllocator alloc() {
        return ByteBufAllocator.DEFAULT;
    }

    /**
     * Sends a request (consuming {@code payload}) and decodes the response payload with
     * {@code decoder}, which must not retain the buffer beyond what it slices and retains itself.
     * Transport failures and timeouts complete exceptionally with {@link RpcException}
     * ({@link Status#STORAGE_ERROR}); a non-OK response with whatever the decoder throws.
     */
    public <T> CompletableFuture<T> call(InetSocketAddress server, Opcode opcode, ByteBuf payload,
                                         Function<ByteBuf, T> decoder) {
        if (closed) {
            payload.release();
            return CompletableFuture.failedFuture(new RpcException(Status.STORAGE_ERROR, "stream RPC client closed"));
        }
        Connection connection = connections.computeIfAbsent(server, Connection::new);
        return connection.send(opcode, payload).thenApply(buf -> {
            try {
                return decoder.apply(buf);
            } finally {
                buf.release();
            }
        });
    }

    /** {@code host:port} as an address. */
    public static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        Checks.argument(colon > 0 && colon < hostPort.length() - 1, "'%s' is not host:port", hostPort);
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    @Override
    public void close() {
        closed = true;
        connections.values().forEach(Connection::close);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One TCP connection to one range server; reconnects lazily after a failure. */
    private final class Connection {
        private final InetSocketAddress address;
        private final Map<Long, CompletableFuture<ByteBuf>> pending = new ConcurrentHashMap<>();
        private ChannelFuture channelFuture;

        Connection(InetSocketAddress address) {
            this.address = address;
        }

        private synchronized ChannelFuture channel() {
            if (channelFuture == null || (channelFuture.isDone() && !channelFuture.channel().isActive())) {
                channelFuture = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, new ResponseHandler(Connection.this));
                    }
                }).connect(address);
            }
            return channelFuture;
        }

        CompletableFuture<ByteBuf> send(Opcode opcode, ByteBuf payload) {
            long requestId = nextRequestId.getAndIncrement();
            CompletableFuture<ByteBuf> result = new CompletableFuture<>();
            pending.put(requestId, result);
            Frame frame = Frame.request(opcode, requestId, payload);
            ChannelFuture cf;
            synchronized (this) {
                cf = channel();
                if (cf.isDone()) {
                    // Written under the lock so that frames leave in call order (appends must be contiguous).
                    write(cf, frame, requestId);
                } else {
                    cf.addListener(f -> write(cf, frame, requestId));
                }
            }
            cf.channel().eventLoop().schedule(() -> fail(requestId, new RpcException(Status.STORAGE_ERROR,
                    opcode + " to " + address + " timed out after " + requestTimeoutMs + " ms")),
                    requestTimeoutMs, TimeUnit.MILLISECONDS);
            return result;
        }

        private void write(ChannelFuture cf, Frame frame, long requestId) {
            if (!cf.isSuccess()) {
                frame.release();
                fail(requestId, new RpcException(Status.STORAGE_ERROR, "cannot connect to range server " + address,
                        cf.cause()));
                return;
            }
            cf.channel().writeAndFlush(frame).addListener(w -> {
                if (!w.isSuccess()) {
                    fail(requestId, new RpcException(Status.STORAGE_ERROR, "write to " + address + " failed", w.cause()));
                }
            });
        }

        void complete(Frame frame) {
            CompletableFuture<ByteBuf> f = pending.remove(frame.requestId());
            if (f == null || !f.complete(frame.payload())) {
                frame.release(); // timed out already
            }
        }

        void fail(long requestId, Throwable error) {
            CompletableFuture<ByteBuf> f = pending.remove(requestId);
            if (f != null) {
                f.completeExceptionally(error);
            }
        }

        void failAll(Throwable error) {
            for (Long id : pending.keySet()) {
                fail(id, error);
            }
        }

        synchronized void close() {
            if (channelFuture != null) {
                channelFuture.channel().close();
            }
            failAll(new RpcException(Status.STORAGE_ERROR, "stream RPC client closed"));
        }
    }

    private static final class ResponseHandler extends SimpleChannelInboundHandler<Frame> {
        private final Connection connection;

        ResponseHandler(Connection connection) {
            super(Frame.class, false);
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
            connection.complete(frame);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.failAll(new RpcException(Status.STORAGE_ERROR, "connection to " + connection.address + " closed"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("Closing connection to range server {}: {}", connection.address, cause.toString());
            ctx.close();
        }
    }
}
