package io.elasticstream.compat;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A TCP proxy in front of a Kafka broker that can lose Produce responses: it forwards every request and
 * response frame unchanged, except that while {@link #cutProduceResponses} has cuts left, the response
 * to a forwarded Produce request is dropped and the client's connection closed instead — so the broker
 * has written the batch, but the producer never learns it and must retry. Responses come back in request
 * order on a connection (Kafka's rule), which is how a response is matched to its request's API key.
 *
 * <p>Two threads per connection (one per direction). Test code: not meant to be fast.
 */
final class CuttingProxy implements AutoCloseable {
    private static final short PRODUCE = 0;

    private final ServerSocket listener;
    private final Supplier<InetSocketAddress> upstream;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private final AtomicInteger cutsDone = new AtomicInteger();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Listens on a free port of 127.0.0.1 at once; connects each client to {@code upstream}, asked at
     * each connection (so the broker may start after the proxy, advertising the proxy's port).
     */
    CuttingProxy(Supplier<InetSocketAddress> upstream) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = upstream;
        Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Drops the responses to the next {@code count} Produce requests, closing their connections. */
    void cutProduceResponses(int count) {
        cutsLeft.set(count);
    }

    int cutsDone() {
        return cutsDone.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                InetSocketAddress target = upstream.get();
                Socket server;
                try {
                    server = new Socket(target.getAddress(), target.getPort());
                } catch (IOException e) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(server);
                Queue<Short> pendingApiKeys = new ConcurrentLinkedQueue<>();
                Thread.ofPlatform().daemon().name("proxy-requests").start(() -> pump(client, server, pendingApiKeys, true));
                Thread.ofPlatform().daemon().name("proxy-responses").start(() -> pump(server, client, pendingApiKeys, false));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: accept failed: " + e);
                }
            }
        }
    }

    /** Copies size-prefixed frames from {@code from} to {@code to}; cuts both on a dropped Produce response. */
    private void pump(Socket from, Socket to, Queue<Short> pendingApiKeys, boolean requests) {
        try (from; to) {
            DataInputStream in = new DataInputStream(from.getInputStream());
            OutputStream out = to.getOutputStream();
            while (true) {
                int size;
                try {
                    size = in.readInt();
                } catch (EOFException e) {
                    return;
                }
                byte[] frame = new byte[size];
                in.readFully(frame);
                if (requests) {
                    // Every request is answered (the producers behind this proxy use acks=all).
                    pendingApiKeys.add((short) (((frame[0] & 0xff) << 8) | (frame[1] & 0xff)));
                } else {
                    Short apiKey = pendingApiKeys.poll();
                    if (apiKey != null && apiKey == PRODUCE && cutsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        cutsDone.incrementAndGet();
                        return; // closes both sockets: the broker wrote the batch, the producer never hears of it
                    }
                }
                out.write(new byte[] {(byte) (size >>> 24), (byte) (size >>> 16), (byte) (size >>> 8), (byte) size});
                out.write(frame);
                out.flush();
            }
        } catch (IOException e) {
            // the other direction closed the connection
        } finally {
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
