package io.elasticstream.placement.server.cluster;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.metadata.EtcdMetadataStore;
import io.elasticstream.placement.metadata.EtcdProcess;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three PD processes against a real etcd process: SIGKILL the leader and another takes over within the
 * lease TTL (plus etcd's expiry granularity); SIGSTOP the next leader until it is replaced, then SIGCONT
 * it, and its guarded writes are refused. Throughout, each leader increments a counter with writes
 * guarded by its leadership; the counter's full history must show terms that never go backwards and
 * one writer per term.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlacementFailoverProcessTest {
    static final String PREFIX = "/failover-test/";
    static final String COUNTER = "/failover-test/fencing-counter";
    static final long TTL_MS = 2_000;
    /** etcd checks lease expiry every 500 ms; then the watch event and a campaign round trip. */
    static final long SLACK_MS = 1_500;

    @TempDir
    Path dir;
    private EtcdProcess etcd;
    private final Map<String, Process> pds = new HashMap<>();
    private final Map<String, String> addresses = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();

    @AfterEach
    void stopAll() {
        for (Process p : pds.values()) {
            p.destroyForcibly();
        }
        for (Process p : pds.values()) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (etcd != null) {
            etcd.close();
        }
        http.close();
    }

    @Test
    void killedLeaderIsReplacedWithinTheLeaseTtlAndNoTwoLeadersEverWrite() throws Exception {
        etcd = EtcdProcess.start(dir);
        for (String id : List.of("pd1", "pd2", "pd3")) {
            startPd(id);
        }
        String first = awaitLeaderOtherThan(null, 20_000);
        awaitCounterWrittenBy(first);

        long killedAt = Clock.SYSTEM.monotonicMillis();
        pds.get(first).destroyForcibly(); // SIGKILL
        assertTrue(pds.get(first).waitFor(5, TimeUnit.SECONDS));
        String second = awaitLeaderOtherThan(first, TTL_MS + SLACK_MS + 2_000);
        long takeoverMs = Clock.SYSTEM.monotonicMillis() - killedAt;
        System.out.println("PD takeover after SIGKILL of the leader: " + takeoverMs + " ms (lease TTL " + TTL_MS + " ms)");
        assertTrue(takeoverMs <= TTL_MS + SLACK_MS, "takeover took " + takeoverMs + " ms");
        awaitCounterWrittenBy(second);

        // A leader that stalls past its lease and then resumes must not write.
        signal(pds.get(second), "STOP");
        String third = awaitLeaderOtherThan(second, TTL_MS + SLACK_MS + 5_000, first);
        awaitCounterWrittenBy(third);
        signal(pds.get(second), "CONT");
        awaitFollowerAgain(second);
        awaitCounterWrittenBy(third); // writes continue after the stalled one woke up

        List<String> history = counterHistory();
        List<Long> terms = new ArrayList<>();
        Map<Long, String> writerOfTerm = new HashMap<>();
        for (String value : history) {
            String[] parts = value.split(":");
            long term = Long.parseLong(parts[0]);
            if (!terms.isEmpty()) {
                assertTrue(term >= terms.getLast(), "term went back from " + terms.getLast() + " to " + term
                        + " in " + history);
            }
            terms.add(term);
            String previous = writerOfTerm.putIfAbsent(term, parts[1]);
            assertTrue(previous == null || previous.equals(parts[1]), "two writers in term " + term);
        }
        assertTrue(new TreeSet<>(terms).size() >= 3, "three leaders wrote: " + new TreeSet<>(terms));
        assertEquals(List.of(first, second, third), new TreeSet<>(terms).stream().map(writerOfTerm::get).toList());
    }

    private void startPd(String id) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx128m", "-cp", classpath,
                FencingPdMain.class.getName(),
                "--override", "pd.id=" + id,
                "--override", "pd.listener=127.0.0.1:" + port,
                "--override", "etcd.endpoints=" + etcd.clientUri(),
                "--override", "cluster.prefix=" + PREFIX,
                "--override", "pd.lease.ttl.ms=" + TTL_MS,
                "--override", "test.counter.key=" + COUNTER);
        builder.redirectErrorStream(true);
        builder.redirectOutput(dir.resolve(id + ".log").toFile());
        pds.put(id, builder.start());
        addresses.put(id, "127.0.0.1:" + port);
    }

    /** Polls every live PD's {@code /v1/leader} until one other than {@code excluded} says it leads. */
    private String awaitLeaderOtherThan(String excluded, long timeoutMs, String... dead) throws Exception {
        long deadline = Clock.SYSTEM.monotonicMillis() + timeoutMs;
        while (Clock.SYSTEM.monotonicMillis() < deadline) {
            for (String id : pds.keySet()) {
                if (id.equals(excluded) || List.of(dead).contains(id) || !pds.get(id).isAlive()) {
                    continue;
                }
                Optional<String> body = get(id, "/v1/leader");
                if (body.isPresent() && body.get().contains("\"self\":true")) {
                    return id;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no new leader within " + timeoutMs + " ms; logs:\n" + logs());
    }

    private void awaitFollowerAgain(String id) throws Exception {
        long deadline = Clock.SYSTEM.monotonicMillis() + 10_000;
        while (Clock.SYSTEM.monotonicMillis() < deadline) {
            Optional<String> body = get(id, "/v1/leader");
            if (body.isPresent() && body.get().contains("\"self\":false")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(id + " never became a follower again; logs:\n" + logs());
    }

    private void awaitCounterWrittenBy(String id) throws Exception {
        try (MetadataStore store = EtcdMetadataStore.connect(List.of(etcd.clientUri()), EtcdMetadataStore.Config.DEFAULT)) {
            long deadline = Clock.SYSTEM.monotonicMillis() + 10_000;
            int seen = 0;
            String last = null;
            while (Clock.SYSTEM.monotonicMillis() < deadline) {
                String value = store.get(COUNTER).get(5, TimeUnit.SECONDS)
                        .map(kv -> new String(kv.value(), StandardCharsets.UTF_8)).orElse("");
                if (value.contains(":" + id + ":") && !value.equals(last) && ++seen >= 3) {
                    return;
                }
                last = value;
                Thread.sleep(10);
            }
        }
        throw new AssertionError(id + " never incremented the counter; logs:\n" + logs());
    }

    /** Every value the counter ever had, in revision order (etcd keeps the history; nothing compacts it here). */
    private List<String> counterHistory() throws Exception {
        try (MetadataStore store = EtcdMetadataStore.connect(List.of(etcd.clientUri()), EtcdMetadataStore.Config.DEFAULT)) {
            long lastRevision = store.get(COUNTER).get(5, TimeUnit.SECONDS).orElseThrow().modRevision();
            List<String> values = new CopyOnWriteArrayList<>();
            List<Long> revisions = new CopyOnWriteArrayList<>();
            MetadataStore.Watch watch = store.watchPrefix(COUNTER, 1, events -> {
                for (WatchEvent event : events) {
                    if (event.type() == WatchEvent.Type.PUT && event.revision() <= lastRevision) {
                        values.add(new String(event.kv().value(), StandardCharsets.UTF_8));
                        revisions.add(event.revision());
                    }
                }
            });
            try {
                long deadline = Clock.SYSTEM.monotonicMillis() + 10_000;
                while (revisions.isEmpty() || revisions.getLast() < lastRevision) {
                    assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "history not replayed");
                    Thread.sleep(10);
                }
            } finally {
                watch.close();
            }
            return List.copyOf(values);
        }
    }

    private Optional<String> get(String id, String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + addresses.get(id) + path))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        assertEquals(0, kill.waitFor());
    }

    private String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        for (String id : pds.keySet()) {
            List<String> lines = Files.readAllLines(dir.resolve(id + ".log"));
            out.append("--- ").append(id).append('\n')
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()))).append('\n');
        }
        return out.toString();
    }
}
