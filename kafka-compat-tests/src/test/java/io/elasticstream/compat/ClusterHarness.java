package io.elasticstream.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A whole Elastic Stream cluster on loopback, every member a real OS process started from the
 * {@code bin/} scripts: one etcd ({@code etcd} on PATH, as {@code placement/metadata}'s EtcdProcess starts
 * it), {@code pdCount} PDs ({@code bin/pd}), {@code rangeServerCount} range servers
 * ({@code bin/range-server}, 3 replicas / 2 acks by default config) and {@code brokerCount} brokers
 * ({@code bin/broker}), each on free ports with its data in a fresh directory under
 * {@code target/cluster-data/} (deleted by {@link #close()} unless {@code -Des.compat.keepData=true}).
 * Start waits for each member's ready line ({@code pd.address=}, {@code range.server.address=},
 * {@code bootstrap.servers=}).
 *
 * <p>Every process's output is kept in {@code target/cluster-logs/<name>-<time>/<member>.log}; start-up
 * failures carry the tail of the failing member's log. {@link #close()} stops members by pid (SIGTERM,
 * then SIGKILL), brokers first, etcd last. The scripts must find a built
 * {@code broker-facade/standalone} jar (they build it otherwise). Not thread-safe: one test class owns
 * one cluster.
 */
public final class ClusterHarness implements AutoCloseable {
    /** Time each member may take to print its ready line. */
    static final Duration START_TIMEOUT = StandaloneServer.START_TIMEOUT;
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    static final String PREFIX = "/es-cluster-test/";
    private static final int LOG_TAIL_LINES = 60;
    private static final long ETCD_READY_TIMEOUT_MS = 20_000;
    private static final long POLL_MS = 50;

    /**
     * What to start. {@code memberSessionTtlMs} is PD's {@code member.session.ttl.ms}; members heartbeat
     * every {@code memberSessionTtlMs / 4}.
     */
    public record Options(int pdCount, int rangeServerCount, int brokerCount, long memberSessionTtlMs) {
        public static Options defaults() {
            return new Options(1, 3, 2, 6_000);
        }

        public Options withMemberSessionTtlMs(long ttlMs) {
            return new Options(pdCount, rangeServerCount, brokerCount, ttlMs);
        }

        public Options withPdCount(int count) {
            return new Options(count, rangeServerCount, brokerCount, memberSessionTtlMs);
        }

        public Options withRangeServerCount(int count) {
            return new Options(pdCount, count, brokerCount, memberSessionTtlMs);
        }

        public Options withBrokerCount(int count) {
            return new Options(pdCount, rangeServerCount, count, memberSessionTtlMs);
        }
    }

    private final Options options;
    private final Path esHome;
    private final Path logDir;
    private final Path dataDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private ChildProcess etcd;
    private String pdEndpoints;
    private long heartbeatMs;
    private String etcdEndpoint;
    private final List<Member> pds = new ArrayList<>();
    private final List<Member> rangeServers = new ArrayList<>();
    private final List<Member> brokers = new ArrayList<>();
    /** The command each member was launched with, by member name, so {@link #restart} can run it again. */
    private final Map<String, List<String>> commands = new HashMap<>();

    /**
     * One started member: its process, the address it printed when ready, and the {@code metrics.url} it
     * printed (empty if it serves no metrics).
     */
    public record Member(String name, ChildProcess process, String address, Optional<String> metricsUrl) {
        public boolean isAlive() {
            return process.isAlive();
        }
    }

    private ClusterHarness(Options options, Path esHome, Path logDir, Path dataDir) {
        this.options = options;
        this.esHome = esHome;
        this.logDir = logDir;
        this.dataDir = dataDir;
    }

    /** Starts etcd, the PDs, the range servers and the brokers, in that order; each group in parallel. */
    public static ClusterHarness start(String name, Options options) {
        Path esHome = StandaloneServer.esHome();
        Path target = StandaloneServer.targetDir(esHome);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        ClusterHarness cluster;
        try {
            Path logDir = Files.createDirectories(target.resolve("cluster-logs").resolve(name + "-" + stamp));
            Path dataRoot = Files.createDirectories(target.resolve("cluster-data"));
            cluster = new ClusterHarness(options, esHome, logDir, Files.createTempDirectory(dataRoot, name + "-"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare directories for cluster " + name, e);
        }
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() {
        startEtcd();
        List<String> pdAddresses = new ArrayList<>();
        for (int i = 0; i < options.pdCount(); i++) {
            pdAddresses.add("127.0.0.1:" + FreePorts.find());
        }
        pdEndpoints = String.join(",", pdAddresses);
        heartbeatMs = Math.max(100, options.memberSessionTtlMs() / 4);

        // The first PD alone: if the scripts find the build stale, one of them rebuilds, not all at once.
        awaitAll(List.of(launchPd(0, pdAddresses)), "pd.address=", pds);
        List<ChildProcess> starting = new ArrayList<>();
        for (int i = 1; i < options.pdCount(); i++) {
            starting.add(launchPd(i, pdAddresses));
        }
        awaitAll(starting, "pd.address=", pds);

        starting.clear();
        for (int i = 1; i <= options.rangeServerCount(); i++) {
            starting.add(launchRangeServer(i));
        }
        awaitAll(starting, "range.server.address=", rangeServers);

        starting.clear();
        for (int i = 1; i <= options.brokerCount(); i++) {
            starting.add(launch("broker-" + i, "bin/broker",
                    "node.id=" + i,
                    "listeners=PLAINTEXT://127.0.0.1:" + FreePorts.find(),
                    "pd.endpoints=" + pdEndpoints,
                    "etcd.endpoints=" + etcdEndpoint,
                    "cluster.prefix=" + PREFIX,
                    "member.heartbeat.interval.ms=" + heartbeatMs,
                    "group.initial.rebalance.delay.ms=0"));
        }
        awaitAll(starting, "bootstrap.servers=", brokers);
    }

    private ChildProcess launchPd(int index, List<String> pdAddresses) {
        return launch("pd" + (index + 1), "bin/pd",
                "pd.id=pd" + (index + 1),
                "pd.listener=" + pdAddresses.get(index),
                "etcd.endpoints=" + etcdEndpoint,
                "cluster.prefix=" + PREFIX,
                "pd.lease.ttl.ms=2000",
                "member.session.ttl.ms=" + options.memberSessionTtlMs(),
                "range.repair.interval.ms=500"); // re-replication within a test's patience
    }

    private ChildProcess launchRangeServer(int id) {
        return launch("range-server-" + id, "bin/range-server",
                "range.server.id=" + id,
                "range.server.port=" + FreePorts.find(),
                "data.dir=" + dataDir.resolve("range-server-" + id),
                "pd.endpoints=" + pdEndpoints,
                "member.heartbeat.interval.ms=" + heartbeatMs);
    }

    /** Starts one more range server with the next id; returns once it has registered. */
    public Member addRangeServer() {
        awaitAll(List.of(launchRangeServer(rangeServers.size() + 1)), "range.server.address=", rangeServers);
        return rangeServers.getLast();
    }

    private void startEtcd() {
        int clientPort = FreePorts.find();
        int peerPort = FreePorts.find();
        String client = "http://127.0.0.1:" + clientPort;
        String peer = "http://127.0.0.1:" + peerPort;
        etcd = ChildProcess.start("etcd", List.of("etcd",
                "--name", "n1",
                "--data-dir", dataDir.resolve("etcd").toString(),
                "--listen-client-urls", client,
                "--advertise-client-urls", client,
                "--listen-peer-urls", peer,
                "--initial-advertise-peer-urls", peer,
                "--initial-cluster", "n1=" + peer,
                "--heartbeat-interval", "50",
                "--election-timeout", "500"), dataDir, logDir.resolve("etcd.log"));
        etcdEndpoint = client;
        long deadlineNs = System.nanoTime() + ETCD_READY_TIMEOUT_MS * 1_000_000;
        while (System.nanoTime() - deadlineNs < 0) {
            if (!etcd.isAlive()) {
                throw failure(etcd, "etcd exited before becoming healthy (is etcd on PATH? apt-get install etcd-server)");
            }
            Optional<String> health = get(client + "/health");
            if (health.isPresent() && health.get().contains("\"true\"")) {
                return;
            }
            pause();
        }
        throw failure(etcd, "etcd did not become healthy within " + ETCD_READY_TIMEOUT_MS + " ms");
    }

    private ChildProcess launch(String member, String script, String... overrides) {
        List<String> command = new ArrayList<>();
        command.add(esHome.resolve(script).toString());
        for (String override : overrides) {
            command.add("--override");
            command.add(override);
        }
        command.add("--override");
        command.add("metrics.port=0"); // several members per machine: each on a free port
        commands.put(member, List.copyOf(command));
        return ChildProcess.start(member, command, esHome, logDir.resolve(member + ".log"));
    }

    /**
     * Starts a member that has exited (killed or stopped) again with the same command: the same id, ports
     * and data directory, its output appended to the same log. Returns once it printed its ready line; the
     * member lists ({@link #pds()}, {@link #rangeServers()}, {@link #brokers()}) then hold the new process.
     */
    public Member restart(Member member) {
        List<Member> group;
        String readyPrefix;
        if (pds.contains(member)) {
            group = pds;
            readyPrefix = "pd.address=";
        } else if (rangeServers.contains(member)) {
            group = rangeServers;
            readyPrefix = "range.server.address=";
        } else if (brokers.contains(member)) {
            group = brokers;
            readyPrefix = "bootstrap.servers=";
        } else {
            throw new IllegalArgumentException(member.name() + " is not a current member of this cluster");
        }
        if (member.isAlive()) {
            throw new IllegalStateException(member.name() + " (pid " + member.process().pid() + ") is still running");
        }
        int index = group.indexOf(member);
        ChildProcess process = ChildProcess.start(member.name(), commands.get(member.name()), esHome,
                logDir.resolve(member.name() + ".log"));
        group.set(index, new Member(member.name(), process, member.address(), Optional.empty()));
        try {
            process.awaitLine(readyPrefix, START_TIMEOUT);
        } catch (IllegalStateException e) {
            throw failure(process, e.getMessage());
        }
        Member restarted = new Member(member.name(), process, member.address(), process.findLine("metrics.url="));
        group.set(index, restarted);
        return restarted;
    }

    private void awaitAll(List<ChildProcess> starting, String readyPrefix, List<Member> into) {
        for (ChildProcess process : starting) {
            // Registered before waiting, so close() stops it even when another member's start fails.
            into.add(new Member(process.name(), process, null, Optional.empty()));
        }
        for (int i = 0; i < starting.size(); i++) {
            ChildProcess process = starting.get(i);
            try {
                String address = process.awaitLine(readyPrefix, START_TIMEOUT);
                into.set(into.size() - starting.size() + i,
                        new Member(process.name(), process, address, process.findLine("metrics.url=")));
            } catch (IllegalStateException e) {
                throw failure(process, e.getMessage());
            }
        }
    }

    public Options options() {
        return options;
    }

    public String etcdEndpoint() {
        return etcdEndpoint;
    }

    public List<Member> pds() {
        return List.copyOf(pds);
    }

    public List<Member> rangeServers() {
        return List.copyOf(rangeServers);
    }

    public List<Member> brokers() {
        return List.copyOf(brokers);
    }

    /** {@code host:port} of broker {@code index} (0-based), as it printed it. */
    public String bootstrap(int index) {
        return brokers.get(index).address();
    }

    /** Every live broker's address, comma-separated. */
    public String bootstrapServers() {
        return String.join(",", brokers.stream().filter(Member::isAlive).map(Member::address).toList());
    }

    public Path logDir() {
        return logDir;
    }

    /**
     * The body of {@code GET /v1/cluster} from the first live PD that answers 200; empty if none does right
     * now.
     */
    public Optional<String> clusterView() {
        for (Member pd : pds) {
            if (pd.isAlive()) {
                Optional<String> body = get("http://" + pd.address() + "/v1/cluster");
                if (body.isPresent()) {
                    return body;
                }
            }
        }
        return Optional.empty();
    }

    /** An exception whose message carries the tail of a member's log. */
    public IllegalStateException failure(ChildProcess member, String message) {
        return new IllegalStateException("[" + member.name() + " pid " + member.pid() + "] " + message
                + "\n----- last " + LOG_TAIL_LINES + " lines of " + member.logFile() + " -----\n"
                + member.logTail(LOG_TAIL_LINES) + "\n----- end of log -----");
    }

    /** The last lines of every member's log, for failure messages. */
    public String logTails(int lines) {
        StringBuilder out = new StringBuilder();
        for (Member m : allMembers()) {
            out.append("\n----- ").append(m.name()).append(" (").append(m.process().logFile()).append(") -----\n")
                    .append(m.process().logTail(lines));
        }
        return out.toString();
    }

    private List<Member> allMembers() {
        List<Member> all = new ArrayList<>(pds);
        all.addAll(rangeServers);
        all.addAll(brokers);
        return all;
    }

    /** Stops every member by pid (SIGTERM, then SIGKILL): brokers, range servers, PDs, then etcd. */
    @Override
    public void close() {
        List<Member> order = new ArrayList<>(brokers);
        order.addAll(rangeServers);
        order.addAll(pds);
        for (Member member : order) {
            stopQuietly(member.process());
        }
        if (etcd != null) {
            stopQuietly(etcd);
        }
        http.close();
        try {
            TestDirs.deleteUnlessKept(dataDir);
        } catch (UncheckedIOException e) {
            System.err.println("cluster harness: " + e.getMessage() + ": " + e.getCause());
        }
    }

    private static void stopQuietly(ChildProcess process) {
        if (!process.isAlive()) {
            return;
        }
        try {
            process.stop(STOP_TIMEOUT);
        } catch (IllegalStateException e) {
            System.err.println("cluster harness: " + e.getMessage());
        }
    }

    /** The body of {@code GET url} if it answers 200 within 1 s; empty otherwise. */
    public Optional<String> get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofMillis(1_000)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
