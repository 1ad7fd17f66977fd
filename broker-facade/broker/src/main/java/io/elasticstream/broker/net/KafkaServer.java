package io.elasticstream.broker.net;

import io.elasticstream.net.TcpServer;
import io.elasticstream.broker.security.Listener;
import io.elasticstream.broker.security.ListenerSecurity;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.Locale;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One Kafka listener: accepts connections, adds TLS where the listener has it, and frames requests (int32 size + body). */
public final class KafkaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);

    private final TcpServer server;

    private KafkaServer(TcpServer server) {
        this.server = server;
    }

    public static KafkaServer start(String host, int port, int threads, int maxRequestBytes, RequestHandler handler)
            throws InterruptedException {
        return start(host, port, threads, maxRequestBytes, handler, ConnectionObserver.NONE);
    }

    /** As above, telling {@code connections} about every connection opened and closed. */
    public static KafkaServer start(String host, int port, int threads, int maxRequestBytes, RequestHandler handler,
                                    ConnectionObserver connections) throws InterruptedException {
        Listener plaintext = new Listener("PLAINTEXT", SecurityProtocol.PLAINTEXT, host, port, host, port);
        return start(ListenerSecurity.plaintext(plaintext), threads, maxRequestBytes, handler, connections);
    }

    /**
     * Starts {@code security}'s listener: TLS first on an SSL or SASL_SSL listener (the JDK's SSLEngine, on the
     * same io_uring/epoll transport), then the frame decoder and the connection, which runs the SASL exchange on a
     * SASL listener.
     */
    public static KafkaServer start(ListenerSecurity security, int threads, int maxRequestBytes, RequestHandler handler,
                                    ConnectionObserver connections) throws InterruptedException {
        AtomicLong connectionIds = new AtomicLong();
        Listener listener = security.listener();
        TcpServer server = TcpServer.start("kafka-" + listener.name().toLowerCase(Locale.ROOT), listener.host(),
                listener.port(), threads, pipeline -> {
                    String id = listener.name() + "-c" + connectionIds.incrementAndGet();
                    if (security.tls() != null) {
                        InetSocketAddress peer = (InetSocketAddress) pipeline.channel().remoteAddress();
                        pipeline.addLast(new SslHandler(security.tls().newEngine(peer.getHostString(), peer.getPort())));
                    }
                    pipeline.addLast(new LengthFieldBasedFrameDecoder(maxRequestBytes, 0, 4, 0, 4),
                            new KafkaConnection(handler, id, connections, security));
                });
        LOG.info("Kafka listener {} ({}) on {}", listener.name(), listener.protocol(), server.localAddress());
        return new KafkaServer(server);
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close();
    }
}
