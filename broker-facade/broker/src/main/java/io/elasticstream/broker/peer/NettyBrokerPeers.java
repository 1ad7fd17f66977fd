package io.elasticstream.broker.peer;

import io.elasticstream.net.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link BrokerPeers} over Netty: one connection per broker, opened on first use and reused, with requests
 * pipelined and matched to responses by correlation id. A connection that drops fails its requests in flight
 * and is opened again by the next request; so is one to a broker whose address changed.
 */
public final class NettyBrokerPeers implements BrokerPeers {
    private static final Logger LOG = LoggerFactory.getLogger(NettyBrokerPeers.class);
    private static final int MAX_RESPONSE_BYTES = 100 * 1024 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final String clientId;
    private final long timeoutMs;
    private final EventLoopGroup group;
    private final Transport transport = Transport.best();
    private final Map<Integer, Connection> connections = new ConcurrentHashMap<>();
    private final AtomicInteger correlationIds = new AtomicInteger();
    private volatile boolean closed;

    public NettyBrokerPeers(int localBrokerId, Duration requestTimeout) {
        this.clientId = "es-broker-" + localBrokerId;
        this.timeoutMs = requestTimeout.toMillis();
        this.group = transport.newGroup(1, "broker-peers");
    }

    /** One request waiting for its response. */
    private record Pending(RequestHeader header, CompletableFuture<AbstractResponse> response) {
    }

    /** A connection to one broker address and its requests in flight. */
    private final class Connection {
        final String host;
        final int port;
        final CompletableFuture<Channel> channel = new CompletableFuture<>();
        final Map<Integer, Pending> inFlight = new ConcurrentHashMap<>();

        Connection(String host, int port) {
            this.host = host;
            this.port = port;
        }

        void failAll(Throwable cause) {
            inFlight.values().forEach(p -> p.response().completeExceptionally(cause));
            inFlight.clear();
        }
    }

    @Override
    public CompletableFuture<AbstractResponse> send(int brokerId, String host, int port,
                                                    AbstractRequest.Builder<?> request) {
        if (closed) {
            return CompletableFuture.failedFuture(new IOException("broker peers closed"));
        }
        short version = request.latestAllowedVersion();
        RequestHeader header = new RequestHeader(request.apiKey(), version, clientId, correlationIds.incrementAndGet());
        ByteBuffer bytes;
        try {
            bytes = request.build(version).serializeWithHeader(header);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<AbstractResponse> response = new CompletableFuture<AbstractResponse>()
                .orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
        Connection c = connection(brokerId, host, port);
        c.channel.whenComplete((ch, err) -> {
            if (err != null) {
                response.completeExceptionally(err);
                return;
            }
            c.inFlight.put(header.correlationId(), new Pending(header, response));
            response.whenComplete((r, e) -> c.inFlight.remove(header.correlationId()));
            ch.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener(f -> {
                if (!f.isSuccess()) {
                    response.completeExceptionally(f.cause());
                }
            });
        });
        response.whenComplete((r, e) -> {
            if (e instanceof TimeoutException) {
                LOG.debug("{} to broker {} timed out after {} ms", header.apiKey(), brokerId, timeoutMs);
            }
        });
        return response;
    }

    private Connection connection(int brokerId, String host, int port) {
        while (true) {
            Connection current = connections.get(brokerId);
            if (current != null && current.host.equals(host) && current.port == port
                    && !current.channel.isCompletedExceptionally()
                    && (!current.channel.isDone() || current.channel.join().isActive())) {
                return current;
            }
            Connection fresh = new Connection(host, port);
            boolean installed = current == null ? connections.putIfAbsent(brokerId, fresh) == null
                    : connections.replace(brokerId, current, fresh);
            if (installed) {
                if (current != null && current.channel.isDone() && !current.channel.isCompletedExceptionally()) {
                    current.channel.join().close();
                }
                open(brokerId, fresh);
                return fresh;
            }
        }
    }

    private void open(int brokerId, Connection c) {
        new Bootstrap().group(group).channel(transport.channelClass())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_RESPONSE_BYTES, 0, 4, 0, 4),
                                new LengthFieldPrepender(4), new Responses(c));
                    }
                })
                .connect(c.host, c.port).addListener(f -> {
                    if (f.isSuccess()) {
                        Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                        ch.closeFuture().addListener(x -> {
                            connections.remove(brokerId, c);
                            c.failAll(new IOException("connection to broker " + brokerId + " at " + c.host + ":"
                                    + c.port + " closed"));
                        });
                        c.channel.complete(ch);
                    } else {
                        connections.remove(brokerId, c);
                        c.channel.completeExceptionally(f.cause());
                    }
                });
    }

    /** Matches each response frame to its request. */
    private static final class Responses extends SimpleChannelInboundHandler<ByteBuf> {
        private final Connection connection;

        Responses(Connection connection) {
            this.connection = connection;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            int correlationId = frame.getInt(frame.readerIndex());
            Pending p = connection.inFlight.remove(correlationId);
            if (p == null) {
                return; // timed out already
            }
            ByteBuffer body = ByteBuffer.allocate(frame.readableBytes());
            frame.readBytes(body);
            body.flip();
            try {
                p.response().complete(AbstractResponse.parseResponse(body, p.header()));
            } catch (RuntimeException e) {
                p.response().completeExceptionally(e);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("Broker peer connection to {}:{} failed: {}", connection.host, connection.port, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        connections.values().forEach(c -> {
            c.failAll(new IOException("broker peers closed"));
            c.channel.thenAccept(Channel::close);
        });
        connections.clear();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
