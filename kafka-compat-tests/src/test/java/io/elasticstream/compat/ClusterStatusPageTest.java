package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The status pages of a real cluster ({@link ClusterHarness}: etcd, a PD, 3 range servers and 2 brokers
 * from the bin/ scripts): PD's cluster page in headless Chromium (playwright-core from
 * {@code kafka-compat-tests/node/browser}) lists the brokers, the range servers and a new topic, and its
 * throughput chart, drawn from the members' heartbeat loads, shows non-zero points while a producer runs;
 * a cluster broker's status document lists the range servers and the other broker as PD sees them. The
 * screenshot lands in {@code target/cluster-status-page.png}.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ClusterStatusPageTest {
    private static final String TOPIC = "cluster-status-orders";
    private static ClusterHarness cluster;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-status", ClusterHarness.Options.defaults());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pdStatusPageShowsMembersTheNewTopicAndClusterThroughputInAHeadlessBrowser() throws Exception {
        Clients.createTopic(cluster.bootstrapServers(), TOPIC, 2);
        String pdStatus = statusUrl(cluster.pds().getFirst(), "/status");
        StatusPageBrowser.checkUnderLoad(cluster.bootstrapServers(), TOPIC, pdStatus, "cluster-status-page.png", () -> {
            String view = cluster.get(pdStatus + ".json").orElseThrow();
            Matcher p99 = Pattern.compile("\"produceP99Ms\":([0-9.E-]+)").matcher(view);
            double maxP99Ms = 0;
            while (p99.find()) {
                maxP99Ms = Math.max(maxP99Ms, Double.parseDouble(p99.group(1)));
            }
            assertTrue(maxP99Ms > 0, "a broker reported its produce p99: " + view);
            assertTrue(view.contains("\"walFsyncP99Ms\":") && view.contains("\"diskUsedBytes\":"), view);
        }, "2", Integer.toString(cluster.options().rangeServerCount()));
    }

    @Test
    void clusterBrokerStatusListsTheRangeServersAndTheOtherBrokerAsPdSeesThem() {
        String url = statusUrl(cluster.brokers().getFirst(), "/status.json");
        int rangeServers = cluster.options().rangeServerCount();
        long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String status = "";
        while (System.nanoTime() - deadlineNs < 0) {
            status = cluster.get(url).orElse("");
            if (count(status, "\"live\":true") == rangeServers + cluster.options().brokerCount()) {
                break;
            }
            pause();
        }
        assertEquals(rangeServers + cluster.options().brokerCount(), count(status, "\"live\":true"), status);
        for (int id = 1; id <= rangeServers; id++) {
            String address = cluster.rangeServers().get(id - 1).address();
            int port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
            assertTrue(status.contains("{\"id\":" + id + ",\"host\":\"127.0.0.1\",\"port\":" + port + ",\"live\":true"),
                    "range server " + id + " in " + status);
        }
        assertTrue(status.contains("\"brokers\":[{\"id\":1,") && status.contains("{\"id\":2,"), status);
        assertTrue(status.contains("\"error\":null"), status);
    }

    private static String statusUrl(ClusterHarness.Member member, String path) {
        Optional<String> metrics = member.metricsUrl();
        assertTrue(metrics.isPresent(), member.name() + " printed no metrics.url");
        return metrics.get().replaceFirst("/metrics$", path);
    }

    private static int count(String text, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static void pause() {
        try {
            Thread.sleep(100); // polling interval of a condition with a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
