package io.elasticstream.rangestore.server.net;

import io.elasticstream.net.TcpServer;
import io.elasticstream.rangestore.protocol.FrameDecoder;
import io.elasticstream.rangestore.protocol.FrameEncoder;
import io.elasticstream.rangestore.server.store.RangeStore;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The range server's TCP endpoint for the stream RPC. */
public final class RangeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServer.class);

    private final TcpServer server;
    private final ExecutorService readExecutor;

    private RangeServer(TcpServer server, ExecutorService readExecutor) {
        this.server = server;
        this.readExecutor = readExecutor;
    }

    /** Binds {@code host:port} (port 0 = any free port) and serves {@code store}. */
    public static RangeServer start(RangeStore store, String host, int port, int ioThreads, int readThreads)
            throws InterruptedException {
        ExecutorService readExecutor = Executors.newFixedThreadPool(readThreads,
                Thread.ofPlatform().name("range-server-read-", 0).daemon(true).factory());
        RangeRequestHandler handler = new RangeRequestHandler(store, readExecutor);
        try {
            TcpServer server = TcpServer.start("range-server-io", host, port, ioThreads,
                    pipeline -> pipeline.addLast(new FrameDecoder(), FrameEncoder.INSTANCE, handler));
            LOG.info("Range server listening on {}", server.localAddress());
            return new RangeServer(server, readExecutor);
        } catch (InterruptedException | RuntimeException e) {
            readExecutor.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        readExecutor.shutdown();
    }
}
