package io.elasticstream.observe;

import com.codahale.metrics.MetricRegistry;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.elasticstream.common.Checks;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process HTTP server: Prometheus text format at {@code /metrics} (from the process registry, names
 * as {@link PrometheusNames} maps them), and the status page: {@code /} and {@code /status} serve the
 * {@link StatusPage}'s HTML from this package's classpath resources ({@code status/}), {@code /status/NAME}
 * the pages' other files (shared chart code in {@code charts.js}), {@code /status.json} the document
 * {@code statusJson} returns. Binds at construction; {@link #close} stops it.
 *
 * <p>Threading: requests are answered on two daemon threads; {@code statusJson} is called on them.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
    private static final String RESOURCES = "/io/elasticstream/observe/status/";
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json; charset=utf-8");

    /** Which page {@code /status} shows, and so which document {@code statusJson} must return. */
    public enum StatusPage {
        /** One process's metrics and its view of the cluster ({@code index.html} + {@code status.js}). */
        PROCESS("index.html"),
        /** PD's cluster view ({@code ClusterViewJson}) with charts of the members' loads ({@code cluster.html}). */
        CLUSTER("cluster.html");

        private final String resource;

        StatusPage(String resource) {
            this.resource = resource;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the server a process's {@code metrics.port} setting asks for: none when {@code port} is negative
     * (turned off); when the port is taken, logs a warning and serves none, so the process's real work goes on.
     */
    public static Optional<MetricsHttpServer> startIfEnabled(String host, int port, MetricRegistry registry,
                                                             Supplier<String> statusJson) {
        return startIfEnabled(host, port, registry, statusJson, StatusPage.PROCESS);
    }

    /** As {@link #startIfEnabled(String, int, MetricRegistry, Supplier)}, with {@code page} at {@code /status}. */
    public static Optional<MetricsHttpServer> startIfEnabled(String host, int port, MetricRegistry registry,
                                                             Supplier<String> statusJson, StatusPage page) {
        if (port < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(start(host, port, registry, statusJson, page));
        } catch (IOException e) {
            LOG.warn("Metrics and status page not served: cannot listen on {}:{}: {}", host, port, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Starts serving on {@code host:port} ({@code port} 0 picks a free port; see {@link #port()}).
     *
     * @throws IOException if the address cannot be bound
     */
    public static MetricsHttpServer start(String host, int port, MetricRegistry registry, Supplier<String> statusJson)
            throws IOException {
        return start(host, port, registry, statusJson, StatusPage.PROCESS);
    }

    /** As {@link #start(String, int, MetricRegistry, Supplier)}, with {@code page} at {@code /} and {@code /status}. */
    public static MetricsHttpServer start(String host, int port, MetricRegistry registry, Supplier<String> statusJson,
                                          StatusPage page) throws IOException {
        Checks.argument(port >= 0 && port <= 65_535, "metrics port %d out of range", port);
        PrometheusRegistry prometheus = new PrometheusRegistry();
        DropwizardExports.builder().dropwizardRegistry(registry).metricFilter(PrometheusNames.unlabeled())
                .register(prometheus);
        prometheus.register(PrometheusNames.labeledFamilies(registry));
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2,
                Thread.ofPlatform().name("metrics-http-", 0).daemon(true).factory());
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(prometheus));
        server.createContext("/status.json", exchange -> send(exchange, 200, "application/json; charset=utf-8",
                statusJson.get().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/", exchange -> staticFile(exchange, page));
        server.start();
        LOG.info("Metrics and status page on http://{}:{}/", host, server.getAddress().getPort());
        return new MetricsHttpServer(server, executor);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void staticFile(HttpExchange exchange, StatusPage page) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name;
        if (path.equals("/") || path.equals("/status") || path.equals("/status/")) {
            name = page.resource;
        } else if (path.startsWith("/status/") && path.substring(8).matches("[a-z0-9-]+\\.(html|js|css)")) {
            name = path.substring(8);
        } else {
            send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = MetricsHttpServer.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String type = CONTENT_TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            send(exchange, 200, type, in.readAllBytes());
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Serves {@code handler} at {@code path} too (e.g. a role-specific endpoint). */
    public void addContext(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }
}
