package io.elasticstream.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.codahale.metrics.MetricRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsHttpServerTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(MetricsHttpServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsEndpointExportsDottedNamesWithVariablePartsAsLabels() throws Exception {
        MetricRegistry registry = new MetricRegistry();
        registry.timer("broker.requests.Produce").update(3, TimeUnit.MILLISECONDS);
        registry.timer("broker.requests.Fetch").update(1, TimeUnit.MILLISECONDS);
        registry.counter("broker.request.errors.Produce.NOT_LEADER_OR_FOLLOWER").inc(2);
        registry.counter("broker.request.errors.Fetch.UNKNOWN_TOPIC_ID").inc();
        registry.meter("broker.topic.bytes.in.orders").mark(100);
        registry.meter("broker.topic.bytes.in.payments").mark(7);
        registry.counter("rangestore.wal.appends").inc(5);
        ProcessMetrics.registerJvm(registry);
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, registry, () -> "{}")) {
            HttpResponse<String> response = get(server, "/metrics");
            assertEquals(200, response.statusCode(), response.body());
            String body = response.body();
            assertTrue(body.contains("broker_requests_count{api=\"Produce\"} 1"), body);
            assertTrue(body.contains("broker_requests_count{api=\"Fetch\"} 1"), body);
            assertTrue(body.contains("broker_request_errors_total{api=\"Produce\",error=\"NOT_LEADER_OR_FOLLOWER\"} 2"),
                    body);
            assertTrue(body.contains("broker_topic_bytes_in_total{topic=\"orders\"} 100"), body);
            assertTrue(body.contains("broker_topic_bytes_in_total{topic=\"payments\"} 7"), body);
            assertTrue(body.contains("rangestore_wal_appends_total 5"), body);
            assertTrue(body.contains("jvm_memory_heap_used "), body);
            assertTrue(body.contains("jvm_threads_count "), body);
        }
    }

    @Test
    void statusPageAndItsJsonAreServedFromTheSameServer() throws Exception {
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, new MetricRegistry(),
                () -> "{\"ok\":true}")) {
            HttpResponse<String> page = get(server, "/status");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<canvas"), page.body());
            assertEquals(page.body(), get(server, "/").body());
            assertTrue(page.body().contains("/status/charts.js") && page.body().contains("/status/status.js"),
                    page.body());
            assertEquals(200, get(server, "/status/status.js").statusCode());
            assertTrue(get(server, "/status/charts.js").body().contains("window.esStatusPage"));
            assertEquals(200, get(server, "/status/status.css").statusCode());
            HttpResponse<String> json = get(server, "/status.json");
            assertEquals("{\"ok\":true}", json.body());
            assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals(404, get(server, "/status/../secret.txt").statusCode());
            assertEquals(404, get(server, "/nothing-here").statusCode());
        }
    }

    @Test
    void clusterStatusPageSharesTheChartCodeAndServesTheClusterDocument() throws Exception {
        try (MetricsHttpServer server = MetricsHttpServer.start("127.0.0.1", 0, new MetricRegistry(),
                () -> "{\"brokers\":[]}", MetricsHttpServer.StatusPage.CLUSTER)) {
            HttpResponse<String> page = get(server, "/status");
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("cluster.js") && page.body().contains("/status/charts.js"), page.body());
            assertFalse(page.body().contains("/status/status.js"), page.body());
            assertEquals(page.body(), get(server, "/").body());
            HttpResponse<String> script = get(server, "/status/cluster.js");
            assertEquals(200, script.statusCode());
            assertTrue(script.body().contains("window.esStatusPage") && !script.body().contains("getContext"),
                    "the cluster page draws with the shared chart code");
            assertEquals("{\"brokers\":[]}", get(server, "/status.json").body());
        }
    }
}
