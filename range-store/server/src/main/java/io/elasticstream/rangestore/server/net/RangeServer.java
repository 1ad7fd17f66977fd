package io.elasticstream.rangestore.server.net;

import io.elasticstream.net.Transport;
import io.elasticstream.rangestore.protocol.FrameDecoder;
import io.elasticstream.rangestore.protocol.FrameEncoder;
import io.elasticstream.rangestore.server.store.RangeStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The range server's TCP endpoint for the stream RPC. */
public final class RangeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServer.class);

    private final EventLoopGroup group;
    private final ExecutorService readExecutor;
    private final Channel channel;

    private RangeServer(EventLoopGroup group, ExecutorService readExecutor, Channel channel) {
        this.group = group;
        this.readExecutor = readExecutor;
        this.channel = channel;
    }

    /** Binds {@code host:port} (port 0 = any free port) and serves {@code store}. */
    public static RangeServer start(RangeStore store, String host, int port, int ioThreads, int readThreads)
            throws InterruptedException {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(ioThreads, "range-server-io");
        ExecutorService readExecutor = Executors.newFixedThreadPool(readThreads,
                Thread.ofPlatform().name("range-server-read-", 0).daemon(true).factory());
        RangeRequestHandler handler = new RangeRequestHandler(store, readExecutor);
        try {
            Channel channel = new ServerBootstrap()
                    .group(group)
                    .channel(transport.serverChannelClass())
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new FrameDecoder(), FrameEncoder.INSTANCE, handler);
                        }
                    })
                    .bind(host, port).sync().channel();
            LOG.info("Range server listening on {}", channel.localAddress());
            return new RangeServer(group, readExecutor, channel);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            readExecutor.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        readExecutor.shutdown();
    }
}
