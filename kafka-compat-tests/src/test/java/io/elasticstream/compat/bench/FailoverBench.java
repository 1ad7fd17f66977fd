package io.elasticstream.compat.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.elasticstream.compat.Clients;
import io.elasticstream.compat.ClusterHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The failover benchmark behind {@code bin/bench-failover}: a cluster of processes from the {@code bin/}
 * scripts ({@link ClusterHarness}: etcd, 3 PDs, 3 range servers at 3 replicas / 2 acks, 3 brokers) serves a
 * 6-partition topic to one idempotent acks=all producer sending at a fixed pace, round-robin over the
 * partitions, while the benchmark
 * <ol>
 *   <li>SIGKILLs the broker owning the most partitions, {@code --broker-kills} times (restarting it after
 *       each): for each of its partitions, the time from the last acknowledgement by the killed broker to the
 *       first by the new owner (see {@link #longestGap}), and the time until PD's cluster view shows the
 *       partitions owned by live brokers;</li>
 *   <li>SIGKILLs range servers in turn, {@code --rs-kills} times (restarting each after the window): the
 *       latency (send to acknowledgement) of every record in flight during the window of
 *       {@code --window-ms} after the kill, and the producer errors.</li>
 * </ol>
 *
 * <pre>
 * FailoverBench [--broker-kills N] [--rs-kills N] [--session-ttl-ms MS] [--window-ms MS] [--settle-ms MS]
 * </pre>
 * Prints every sample and a summary (nearest-rank percentiles). System properties as for
 * {@link BenchMain}: {@code es.home}, {@code es.compat.targetDir}, set by {@code bin/bench-failover}.
 *
 * <p>Threading: the main thread drives faults; one producer thread sends; the producer's I/O thread records
 * acknowledgements into concurrent collections. Time is real wall-clock time (it is what is measured).
 */
public final class FailoverBench {
    static final String TOPIC = "failover";
    static final int PARTITIONS = 6;
    static final long SEND_INTERVAL_MS = 2;
    static final int MAX_IN_FLIGHT = 2_000;
    static final long POLL_MS = 20;
    static final Duration SERVED_AGAIN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration GAP_LOOKBACK = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Producer settings besides acks=all and idempotence; printed with the results. */
    static final Map<String, Object> PRODUCER_SETTINGS = Map.of(
            ProducerConfig.LINGER_MS_CONFIG, 1,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 50,
            ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200,
            ProducerConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
            ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);

    /** One acknowledged (or failed) send: when it was sent and when its callback ran. */
    record Sample(int partition, long sendNs, long doneNs, boolean failed) {
    }

    private final List<ConcurrentSkipListSet<Long>> ackNs = new ArrayList<>();
    private final List<Sample> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final long startNs = System.nanoTime();

    private FailoverBench() {
        for (int p = 0; p < PARTITIONS; p++) {
            ackNs.add(new ConcurrentSkipListSet<>());
        }
    }

    public static void main(String[] args) throws Exception {
        int brokerKills = 10;
        int rangeServerKills = 6;
        long sessionTtlMs = 1_000;
        long windowMs = 5_000;
        long settleMs = 3_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--broker-kills" -> brokerKills = Integer.parseInt(args[++i]);
                case "--rs-kills" -> rangeServerKills = Integer.parseInt(args[++i]);
                case "--session-ttl-ms" -> sessionTtlMs = Long.parseLong(args[++i]);
                case "--window-ms" -> windowMs = Long.parseLong(args[++i]);
                case "--settle-ms" -> settleMs = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; usage: FailoverBench"
                        + " [--broker-kills N] [--rs-kills N] [--session-ttl-ms MS] [--window-ms MS] [--settle-ms MS]");
            }
        }
        new FailoverBench().run(brokerKills, rangeServerKills, sessionTtlMs, windowMs, settleMs);
    }

    private void run(int brokerKills, int rangeServerKills, long sessionTtlMs, long windowMs, long settleMs)
            throws Exception {
        log("started " + Instant.now() + " on " + Machine.describe() + ", load average " + Machine.loadAverage());
        log("member.session.ttl.ms=" + sessionTtlMs + " (heartbeat every " + Math.max(100, sessionTtlMs / 4)
                + " ms), pd.lease.ttl.ms=2000; producer acks=all idempotent " + new TreeMap<>(PRODUCER_SETTINGS)
                + ", one record every " + SEND_INTERVAL_MS + " ms round-robin over " + PARTITIONS + " partitions");
        try (ClusterHarness cluster = ClusterHarness.start("failover-bench", ClusterHarness.Options.defaults()
                .withPdCount(3).withRangeServerCount(3).withBrokerCount(3).withMemberSessionTtlMs(sessionTtlMs))) {
            log("cluster up; logs in " + cluster.logDir());
            String bootstrap = cluster.bootstrapServers();
            Clients.createTopic(bootstrap, TOPIC, PARTITIONS);
            Thread producer = Thread.ofPlatform().name("failover-producer").start(() -> produce(bootstrap));
            try {
                pause(settleMs * 2);
                long steadyEndNs = System.nanoTime();
                long steadyStartNs = steadyEndNs - TimeUnit.MILLISECONDS.toNanos(settleMs);
                List<Long> brokerGaps = new ArrayList<>();
                List<Long> brokerKillWorst = new ArrayList<>();
                List<Long> reassignments = new ArrayList<>();
                for (int kill = 1; kill <= brokerKills; kill++) {
                    pause(settleMs);
                    killBroker(cluster, kill, brokerGaps, brokerKillWorst, reassignments);
                }
                long brokerErrors = failedSince(steadyEndNs);
                Summary rs = new Summary();
                for (int kill = 1; kill <= rangeServerKills; kill++) {
                    pause(settleMs);
                    killRangeServer(cluster, kill, windowMs, settleMs, rs);
                }
                pause(settleMs);
                producing.set(false);
                producer.join(TimeUnit.SECONDS.toMillis(150));

                log("");
                log("===== results (" + Instant.now() + ", load average " + Machine.loadAverage() + ") =====");
                log("steady state (the " + settleMs + " ms before the first kill): produce latency "
                        + latencyStats(steadyStartNs, steadyEndNs));
                log("broker SIGKILL, per partition (last ack by the killed broker -> first by the new owner), " + brokerGaps.size()
                        + " partitions over " + brokerKills + " kills: " + stats(brokerGaps));
                log("broker SIGKILL, per kill (all of its partitions served again): " + stats(brokerKillWorst));
                log("broker SIGKILL -> PD view shows them owned by live brokers: " + stats(reassignments));
                log("producer errors during the broker kills: " + brokerErrors);
                log("range-server SIGKILL, " + rangeServerKills + " kills, latency of records in flight during the "
                        + windowMs + " ms after each kill: " + rs.describe());
                log("producer error kinds over the whole run: " + errorKinds);
            } finally {
                producing.set(false);
                producer.join(TimeUnit.SECONDS.toMillis(150));
            }
        }
    }

    private void killBroker(ClusterHarness cluster, int kill, List<Long> gaps, List<Long> worst,
                            List<Long> reassignments) {
        Map<Integer, Integer> owners = owners(cluster);
        Map<Integer, List<Integer>> byOwner = new TreeMap<>();
        owners.forEach((partition, owner) -> byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(partition));
        int victimId = byOwner.entrySet().stream().max((a, b) -> a.getValue().size() != b.getValue().size()
                ? Integer.compare(a.getValue().size(), b.getValue().size())
                : Integer.compare((b.getKey() + kill) % 3, (a.getKey() + kill) % 3)).orElseThrow().getKey();
        List<Integer> partitions = byOwner.get(victimId);
        ClusterHarness.Member victim = cluster.brokers().stream()
                .filter(m -> m.name().equals("broker-" + victimId)).findFirst().orElseThrow();
        long killNs = System.nanoTime();
        victim.process().kill();
        long reassignedNs = awaitOwnedByOthers(cluster, victimId, killNs);
        reassignments.add(TimeUnit.NANOSECONDS.toMillis(reassignedNs - killNs));
        long deadlineNs = System.nanoTime() + SERVED_AGAIN_TIMEOUT.toNanos();
        List<Long> these = new ArrayList<>();
        for (int partition : partitions) {
            Long servedAgain;
            while ((servedAgain = ackNs.get(partition).higher(reassignedNs)) == null) {
                if (System.nanoTime() - deadlineNs > 0) {
                    throw new IllegalStateException("partition " + partition + " not served again within "
                            + SERVED_AGAIN_TIMEOUT + " of killing broker " + victimId);
                }
                pause(POLL_MS);
            }
            these.add(TimeUnit.NANOSECONDS.toMillis(longestGap(partition, killNs, servedAgain)));
        }
        gaps.addAll(these);
        worst.add(these.stream().mapToLong(Long::longValue).max().orElse(0));
        log("broker kill " + kill + ": broker " + victimId + " owned partitions " + partitions + "; PD reassigned in "
                + TimeUnit.NANOSECONDS.toMillis(reassignedNs - killNs) + " ms; per-partition gaps " + these + " ms");
        cluster.restart(victim);
    }

    /**
     * The longest time between consecutive acknowledgements of {@code partition} from {@link #GAP_LOOKBACK}
     * before the kill up to {@code servedAgainNs} (the first acknowledgement after PD's reassignment): the
     * last acknowledgement by the killed broker to the first by the new owner. Not simply "last before the
     * kill to first after": responses the killed broker sent just before dying are still read (and their
     * callbacks run) after the kill.
     */
    private long longestGap(int partition, long killNs, long servedAgainNs) {
        long longest = 0;
        Long previous = null;
        for (long ack : ackNs.get(partition).subSet(killNs - GAP_LOOKBACK.toNanos(), true, servedAgainNs, true)) {
            if (previous != null) {
                longest = Math.max(longest, ack - previous);
            }
            previous = ack;
        }
        return longest;
    }

    private void killRangeServer(ClusterHarness cluster, int kill, long windowMs, long settleMs, Summary summary) {
        ClusterHarness.Member victim = cluster.rangeServers().get((kill - 1) % cluster.rangeServers().size());
        long killNs = System.nanoTime();
        long windowEndNs = killNs + TimeUnit.MILLISECONDS.toNanos(windowMs);
        victim.process().kill();
        pause(windowMs);
        cluster.restart(victim);
        pause(settleMs); // every record of the window has been acknowledged or failed by now
        List<Long> latencies = new ArrayList<>();
        long failed = 0;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.sendNs() <= windowEndNs && s.doneNs() >= killNs) {
                    if (s.failed()) {
                        failed++;
                    } else {
                        latencies.add(TimeUnit.NANOSECONDS.toMicros(s.doneNs() - s.sendNs()));
                    }
                }
            }
        }
        summary.add(latencies, failed);
        log("range-server kill " + kill + ": " + victim.name() + "; " + latencies.size() + " records in the window, "
                + failed + " failed; latency " + microsStats(latencies));
    }

    /** Accumulates the range-server kills' windows. */
    static final class Summary {
        private final List<Long> latenciesUs = new ArrayList<>();
        private final List<Long> p99PerKillUs = new ArrayList<>();
        private final List<Long> maxPerKillUs = new ArrayList<>();
        private long failed;

        void add(List<Long> latencies, long failedInWindow) {
            latenciesUs.addAll(latencies);
            p99PerKillUs.add(percentile(latencies, 99));
            maxPerKillUs.add(latencies.stream().mapToLong(Long::longValue).max().orElse(0));
            failed += failedInWindow;
        }

        String describe() {
            return "all windows together: " + microsStats(latenciesUs) + "; p99 per kill (ms) "
                    + p99PerKillUs.stream().map(FailoverBench::ms).toList() + "; max per kill (ms) "
                    + maxPerKillUs.stream().map(FailoverBench::ms).toList() + "; producer errors in the windows: "
                    + failed;
        }
    }

    private long awaitOwnedByOthers(ClusterHarness cluster, int victimId, long killNs) {
        long deadlineNs = killNs + SERVED_AGAIN_TIMEOUT.toNanos();
        while (System.nanoTime() - deadlineNs < 0) {
            Map<Integer, Integer> owners = ownersIfKnown(cluster);
            if (owners.size() == PARTITIONS && owners.values().stream().allMatch(o -> o >= 0 && o != victimId)) {
                return System.nanoTime();
            }
            pause(POLL_MS);
        }
        throw new IllegalStateException("broker " + victimId + "'s partitions not reassigned within "
                + SERVED_AGAIN_TIMEOUT);
    }

    private static Map<Integer, Integer> owners(ClusterHarness cluster) {
        Map<Integer, Integer> owners = ownersIfKnown(cluster);
        if (owners.size() != PARTITIONS) {
            throw new IllegalStateException("cluster view does not show " + PARTITIONS + " partitions of " + TOPIC
                    + ": " + cluster.clusterView().orElse("(no PD answers)"));
        }
        return owners;
    }

    /** Partition to owning broker id (-1 while unowned) from PD's cluster view; empty if no PD answers. */
    private static Map<Integer, Integer> ownersIfKnown(ClusterHarness cluster) {
        Optional<String> view = cluster.clusterView();
        Map<Integer, Integer> owners = new HashMap<>();
        if (view.isEmpty()) {
            return owners;
        }
        try {
            for (JsonNode topic : JSON.readTree(view.get()).path("topics")) {
                if (topic.path("name").asText().equals(TOPIC)) {
                    int index = 0;
                    for (JsonNode p : topic.path("partitions")) {
                        owners.put(p.path("partition").asInt(index), p.path("owner").asInt(-1));
                        index++;
                    }
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return owners;
    }

    private void produce(String bootstrap) {
        Map<String, Object> settings = new HashMap<>(PRODUCER_SETTINGS);
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, settings)) {
            while (producing.get()) {
                if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int partition = (int) (sent++ % PARTITIONS);
                byte[] value = ("r" + sent).getBytes(StandardCharsets.UTF_8);
                long sendNs = System.nanoTime();
                try {
                    producer.send(new ProducerRecord<>(TOPIC, partition, null, value), (metadata, error) -> {
                        long doneNs = System.nanoTime();
                        inFlight.release();
                        samples.add(new Sample(partition, sendNs, doneNs, error != null));
                        if (error == null) {
                            ackNs.get(partition).add(doneNs);
                        } else {
                            countError(error);
                        }
                    });
                } catch (RuntimeException e) {
                    inFlight.release();
                    samples.add(new Sample(partition, sendNs, System.nanoTime(), true));
                    countError(e);
                }
                pause(SEND_INTERVAL_MS);
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void countError(Throwable error) {
        long count = errorKinds.computeIfAbsent(error.getClass().getSimpleName(), k -> new AtomicLong())
                .incrementAndGet();
        if (count == 1) {
            log("first producer error of its kind: " + error);
        }
    }

    private long failedSince(long fromNs) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.failed() && s.doneNs() >= fromNs).count();
        }
    }

    private String latencyStats(long fromNs, long toNs) {
        List<Long> latencies = new ArrayList<>();
        synchronized (samples) {
            for (Sample s : samples) {
                if (!s.failed() && s.sendNs() >= fromNs && s.sendNs() <= toNs) {
                    latencies.add(TimeUnit.NANOSECONDS.toMicros(s.doneNs() - s.sendNs()));
                }
            }
        }
        return microsStats(latencies);
    }

    static String stats(List<Long> millis) {
        if (millis.isEmpty()) {
            return "no samples";
        }
        List<Long> sorted = millis.stream().sorted().toList();
        return String.format(Locale.ROOT, "n=%d p50=%d ms p99=%d ms max=%d ms; samples (ms) %s", sorted.size(),
                percentile(sorted, 50), percentile(sorted, 99), sorted.getLast(), millis);
    }

    static String microsStats(List<Long> micros) {
        if (micros.isEmpty()) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "n=%d p50=%s ms p99=%s ms max=%s ms", micros.size(),
                ms(percentile(micros, 50)), ms(percentile(micros, 99)),
                ms(micros.stream().mapToLong(Long::longValue).max().orElse(0)));
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.1f", micros / 1000.0);
    }

    /** Nearest-rank percentile of the values (0 for none). */
    static long percentile(List<Long> values, int p) {
        if (values.isEmpty()) {
            return 0;
        }
        List<Long> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private void log(String line) {
        System.out.printf(Locale.ROOT, "[failover %7.1fs] %s%n", (System.nanoTime() - startNs) / 1e9, line);
    }

    /** Pacing and the fault windows themselves; never a wait for a condition. */
    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
