package io.elasticstream.placement.server.rpc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.rpc.PdErrors;
import io.elasticstream.placement.rpc.PdRpc;
import io.elasticstream.placement.rpc.PdWire;
import io.elasticstream.placement.server.election.PdLeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The PD's HTTP listener: {@code POST /v1/rpc/<method>} answered by the leader's driver (a follower
 * redirects, see {@link PdRpc}), {@code GET /v1/cluster} the cluster view as JSON, {@code GET /v1/leader}
 * the known leader as JSON.
 */
public final class PlacementRpcServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementRpcServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final LeaderSource leader;
    private final PlacementRpcHandlers handlers;
    private final Supplier<CompletableFuture<String>> clusterJson;

    private PlacementRpcServer(HttpServer server, ExecutorService executor, LeaderSource leader,
                               PlacementRpcHandlers handlers, Supplier<CompletableFuture<String>> clusterJson) {
        this.server = server;
        this.executor = executor;
        this.leader = leader;
        this.handlers = handlers;
        this.clusterJson = clusterJson;
    }

    /**
     * Listens on {@code bind} (port 0 picks a free one). {@code clusterJson} produces the body of
     * {@code GET /v1/cluster}.
     */
    public static PlacementRpcServer start(InetSocketAddress bind, LeaderSource leader, PlacementRpcHandlers handlers,
                                           Supplier<CompletableFuture<String>> clusterJson) throws IOException {
        Checks.notNull(leader, "leader");
        HttpServer http = HttpServer.create(bind, 128);
        ExecutorService executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pd-http-", 0).factory());
        http.setExecutor(executor);
        PlacementRpcServer server = new PlacementRpcServer(http, executor, leader, handlers, clusterJson);
        http.createContext(PdRpc.RPC_PATH, server::handleRpc);
        http.createContext(PdRpc.CLUSTER_PATH, server::handleCluster);
        http.createContext(PdRpc.LEADER_PATH, server::handleLeader);
        http.start();
        LOG.info("placement driver RPC listening on {}", http.getAddress());
        return server;
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handleRpc(HttpExchange exchange) {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("POST")) {
                send(exchange, 405, text("POST only"));
                return;
            }
            String method = exchange.getRequestURI().getPath().substring(PdRpc.RPC_PATH.length());
            Optional<PlacementRpcHandlers.Handler> handler = handlers.handler(method);
            if (handler.isEmpty()) {
                send(exchange, PdRpc.BAD_REQUEST, text("unknown PD method '" + method + "'"));
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<PlacementService> pd = leader.leaderService();
            if (pd.isEmpty()) {
                notLeader(exchange);
                return;
            }
            CompletableFuture<byte[]> result;
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            try {
                result = handler.get().handle(pd.get(), new DataInputStream(bytes));
                if (bytes.available() != 0) {
                    throw new IOException(bytes.available() + " trailing bytes");
                }
            } catch (IOException | RuntimeException e) {
                send(exchange, PdRpc.BAD_REQUEST, text("bad arguments to " + method + ": " + e));
                return;
            }
            answer(exchange, pd.get(), result);
        } catch (IOException e) {
            LOG.debug("PD RPC exchange failed: {}", e.toString());
        }
    }

    /** Waits for the call (on this virtual thread) and writes its outcome. */
    private void answer(HttpExchange exchange, PlacementService pd, CompletableFuture<byte[]> result)
            throws IOException {
        try {
            result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, PdRpc.UNAVAILABLE, text("shutting down"));
            return;
        } catch (ExecutionException e) {
            Throwable cause = unwrap(e);
            boolean deposed = cause instanceof PlacementException.NotLeader
                    || leader.leaderService().map(current -> current != pd).orElse(true);
            if (deposed) {
                notLeader(exchange);
            } else if (cause instanceof PlacementException placement) {
                send(exchange, PdRpc.FAILED, PdWire.bytes((out, ignored) -> PdErrors.write(out, placement)));
            } else {
                LOG.error("PD RPC failed unexpectedly", cause);
                send(exchange, 500, text(String.valueOf(cause)));
            }
            return;
        }
        send(exchange, PdRpc.OK, result.join());
    }

    private void notLeader(HttpExchange exchange) throws IOException {
        Optional<PdLeader> known = leader.knownLeader();
        boolean other = known.isPresent() && leader.leaderService().isEmpty();
        if (known.isPresent()) {
            exchange.getResponseHeaders().set(PdRpc.LEADER_HEADER, known.get().address());
        }
        send(exchange, other ? PdRpc.REDIRECT : PdRpc.UNAVAILABLE, text(other ? "leader is " + known.get() : "no leader"));
    }

    private void handleCluster(HttpExchange exchange) {
        try (exchange) {
            if (clusterJson == null) {
                send(exchange, 404, text("no cluster view"));
                return;
            }
            String json;
            try {
                json = clusterJson.get().get();
            } catch (ExecutionException e) {
                send(exchange, 500, text("cluster view failed: " + unwrap(e)));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            send(exchange, 200, json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("cluster view exchange failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handleLeader(HttpExchange exchange) {
        try (exchange) {
            Optional<PdLeader> known = leader.knownLeader();
            if (known.isEmpty()) {
                send(exchange, PdRpc.UNAVAILABLE, text("no leader"));
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            send(exchange, 200, ClusterViewJson.leader(known.get(), leader.leaderService().isPresent()).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("leader exchange failed: {}", e.toString());
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static byte[] text(String message) {
        return message.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
