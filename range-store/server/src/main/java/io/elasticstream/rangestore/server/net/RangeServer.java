package io.elasticstream.rangestore.server.net;

import io.elasticstream.net.TcpServer;
import io.elasticstream.rangestore.protocol.FrameDecoder;
import io.elasticstream.rangestore.protocol.FrameEncoder;
import io.elasticstream.rangestore.rpc.StreamRpcClient;
import io.elasticstream.rangestore.server.store.RangeStore;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The range server's TCP endpoint for the stream RPC. */
public final class RangeServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServer.class);

    /** How long a range copy waits for one fetch from a source before trying the next one. */
    static final long COPY_FETCH_TIMEOUT_MS = 15_000;

    private final TcpServer server;
    private final ExecutorService readExecutor;
    private final StreamRpcClient copyClient;

    private RangeServer(TcpServer server, ExecutorService readExecutor, StreamRpcClient copyClient) {
        this.server = server;
        this.readExecutor = readExecutor;
        this.copyClient = copyClient;
    }

    /** Binds {@code host:port} (port 0 = any free port) and serves {@code store}. */
    public static RangeServer start(RangeStore store, String host, int port, int ioThreads, int readThreads)
            throws InterruptedException {
        ExecutorService readExecutor = Executors.newFixedThreadPool(readThreads,
                Thread.ofPlatform().name("range-server-read-", 0).daemon(true).factory());
        StreamRpcClient copyClient = new StreamRpcClient("range-copy-io", 1, COPY_FETCH_TIMEOUT_MS);
        RangeRequestHandler handler = new RangeRequestHandler(store, readExecutor, new RangeCopy(store, copyClient));
        try {
            TcpServer server = TcpServer.start("range-server-io", host, port, ioThreads,
                    pipeline -> pipeline.addLast(new FrameDecoder(), FrameEncoder.INSTANCE, handler));
            LOG.info("Range server listening on {}", server.localAddress());
            return new RangeServer(server, readExecutor, copyClient);
        } catch (InterruptedException | RuntimeException e) {
            readExecutor.shutdownNow();
            copyClient.close();
            throw e;
        }
    }

    public InetSocketAddress localAddress() {
        return server.localAddress();
    }

    @Override
    public void close() {
        server.close();
        copyClient.close();
        readExecutor.shutdown();
    }
}
