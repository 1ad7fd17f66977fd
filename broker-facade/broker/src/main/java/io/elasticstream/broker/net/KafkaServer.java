package io.elasticstream.broker.net;

import io.elasticstream.net.TcpServer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Kafka listener: accepts connections and frames requests (int32 size + body). */
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
        AtomicLong connectionIds = new AtomicLong();
        TcpServer server = TcpServer.start("kafka-network", host, port, threads, pipeline -> pipeline.addLast(
                new LengthFieldBasedFrameDecoder(maxRequestBytes, 0, 4, 0, 4),
                new KafkaConnection(handler, "c" + connectionIds.incrementAndGet(), connections)));
        LOG.info("Kafka listener on {}", server.localAddress());
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
