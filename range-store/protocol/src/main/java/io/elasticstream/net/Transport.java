package io.elasticstream.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Locale;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket transport: io_uring when the kernel allows it, else epoll, else NIO. Chosen once per
 * process (overridable with the system property {@code es.transport=io_uring|epoll|nio}) and logged.
 */
public enum Transport {
    IO_URING(IoUringIoHandler::newFactory, IoUringServerSocketChannel.class, IoUringSocketChannel.class),
    EPOLL(EpollIoHandler::newFactory, EpollServerSocketChannel.class, EpollSocketChannel.class),
    NIO(NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static volatile Transport selected;

    private final Supplier<IoHandlerFactory> handlerFactory;
    private final Class<? extends ServerChannel> serverChannelClass;
    private final Class<? extends Channel> channelClass;

    Transport(Supplier<IoHandlerFactory> handlerFactory, Class<? extends ServerChannel> serverChannelClass,
              Class<? extends Channel> channelClass) {
        this.handlerFactory = handlerFactory;
        this.serverChannelClass = serverChannelClass;
        this.channelClass = channelClass;
    }

    /** The best transport available here, decided once. */
    public static Transport best() {
        Transport t = selected;
        if (t == null) {
            synchronized (Transport.class) {
                t = selected;
                if (t == null) {
                    t = choose();
                    selected = t;
                }
            }
        }
        return t;
    }

    private static Transport choose() {
        String forced = System.getProperty("es.transport");
        if (forced != null && !forced.isBlank()) {
            Transport t = valueOf(forced.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            LOG.info("Network transport: {} (forced by es.transport)", t);
            return t;
        }
        if (IoUring.isAvailable()) {
            LOG.info("Network transport: io_uring");
            return IO_URING;
        }
        if (Epoll.isAvailable()) {
            LOG.info("Network transport: epoll (io_uring unavailable: {})", IoUring.unavailabilityCause().toString());
            return EPOLL;
        }
        LOG.info("Network transport: NIO (io_uring and epoll unavailable)");
        return NIO;
    }

    /** A new event loop group of {@code threads} threads named {@code name-N}. */
    public EventLoopGroup newGroup(int threads, String name) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), handlerFactory.get());
    }

    public Class<? extends ServerChannel> serverChannelClass() {
        return serverChannelClass;
    }

    public Class<? extends Channel> channelClass() {
        return channelClass;
    }
}
