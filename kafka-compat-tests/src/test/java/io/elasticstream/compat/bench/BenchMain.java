package io.elasticstream.compat.bench;

import io.elasticstream.compat.bench.Contender.Kind;
import io.elasticstream.compat.bench.ToolOutput.ConsumerSummary;
import io.elasticstream.compat.bench.ToolOutput.EndToEndSummary;
import io.elasticstream.compat.bench.ToolOutput.ProducerSummary;
import io.elasticstream.compat.bench.ToolRunner.ToolResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The benchmark driver behind {@code bin/bench}: for each run, Apache Kafka then Elastic Stream (fresh data
 * each time), measured identically; prints the side-by-side table of medians and optionally writes it into a
 * markdown file (replacing only its own section).
 *
 * <pre>
 * BenchMain [--short] [--runs N] [--out FILE] [--commit SHA]
 * </pre>
 * System properties: {@code es.home} (repository root), {@code es.compat.targetDir},
 * {@code es.compat.classpathFile} (the Kafka classpath file), all set by {@code bin/bench}.
 */
public final class BenchMain {
    private static final String TOPIC = "bench";
    private static final String FIXED_TOPIC = "bench-fixed-rate";
    private static final String E2E_TOPIC = "bench-e2e";
    private static final String TXN_TOPIC = "bench-transactional";
    private static final String GROUP_TOPIC = "bench-group";
    private static final String SHARE_TOPIC = "bench-share";
    private static final String PRODUCER_PERF = "org.apache.kafka.tools.ProducerPerformance";
    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(5);

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        Workload workload = Workload.fullMode(3);
        Path out = null;
        String commit = "unknown";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--short" -> workload = Workload.shortMode().withRuns(1);
                case "--runs" -> workload = workload.withRuns(Integer.parseInt(args[++i]));
                case "--out" -> out = Path.of(args[++i]);
                case "--commit" -> commit = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: BenchMain [--short] [--runs N] [--out FILE] [--commit SHA]");
            }
        }
        String loadBefore = Machine.loadAverage();
        BenchResults results = run(workload);
        String load = "1-minute load average " + loadBefore + " before the run, " + Machine.loadAverage() + " after";
        BenchReport report = new BenchReport(workload, results, commit, load);
        String table = report.markdownSection();
        System.out.println();
        System.out.println(table);
        if (out != null) {
            report.writeInto(out);
            log("wrote " + out.toAbsolutePath());
        }
    }

    static BenchResults run(Workload workload) throws IOException {
        Path workDir = Files.createTempDirectory("es-bench-");
        ToolRunner tools = new ToolRunner(kafkaClasspath(), workDir);
        BenchResults results = new BenchResults();
        for (int run = 1; run <= workload.runs(); run++) {
            for (Kind kind : Kind.values()) {
                log("run " + run + "/" + workload.runs() + ": " + kind.displayName);
                measure(kind, run, workload, tools, results);
            }
        }
        return results;
    }

    /**
     * One run against one broker. A step that fails (e.g. an API the broker does not support yet) is recorded
     * as a failure and the remaining steps still run; only a failed start ends the run early.
     */
    private static void measure(Kind kind, int run, Workload workload, ToolRunner tools, BenchResults results) {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        Contender started;
        try {
            started = kind.start("bench-" + kind.name().toLowerCase(Locale.ROOT) + "-" + run);
        } catch (RuntimeException e) {
            results.fail(kind, "start", e);
            return;
        }
        try (Contender broker = started) {
            values.put(Metric.STARTUP_MS, (double) broker.startup().toMillis());
            idle();
            values.put(Metric.IDLE_RSS_MIB, broker.rssMib());
            String bootstrap = broker.bootstrapServers();
            createTopics(bootstrap, workload.groupMembers());

            step(kind, "ProducerPerformance (unlimited rate)", results, () -> {
                log("  ProducerPerformance, " + workload.produceRecords() + " records, unlimited rate");
                ProducerSummary unlimited = ToolOutput.producer(checked(kind, "ProducerPerformance (unlimited rate)",
                        results, tools.run(PRODUCER_PERF, producerArgs(bootstrap, TOPIC, workload.produceRecords(), -1),
                                TOOL_TIMEOUT)));
                values.put(Metric.PRODUCE_RECORDS_PER_SEC, unlimited.recordsPerSec());
                values.put(Metric.PRODUCE_MIB_PER_SEC, unlimited.mibPerSec());
                values.put(Metric.PRODUCE_P99_MS, unlimited.p99Ms());
            });
            step(kind, "ProducerPerformance (fixed rate)", results, () -> {
                log("  ProducerPerformance, " + workload.fixedRateRecords() + " records at "
                        + workload.fixedRatePerSec() + " records/s");
                ProducerSummary fixed = ToolOutput.producer(checked(kind, "ProducerPerformance (fixed rate)", results,
                        tools.run(PRODUCER_PERF, producerArgs(bootstrap, FIXED_TOPIC, workload.fixedRateRecords(),
                                workload.fixedRatePerSec()), TOOL_TIMEOUT)));
                values.put(Metric.FIXED_P50_MS, fixed.p50Ms());
                values.put(Metric.FIXED_P99_MS, fixed.p99Ms());
                values.put(Metric.FIXED_P999_MS, fixed.p999Ms());
            });
            step(kind, "ProducerPerformance (transactional)", results, () -> {
                log("  ProducerPerformance, " + workload.transactionalRecords() + " records in "
                        + Workload.TRANSACTION_MS + " ms transactions");
                List<String> args = new ArrayList<>(producerArgs(bootstrap, TXN_TOPIC, workload.transactionalRecords(),
                        -1));
                args.addAll(List.of("--transactional-id", "bench-txn-" + run, "--transaction-duration-ms",
                        Integer.toString(Workload.TRANSACTION_MS)));
                ProducerSummary txn = ToolOutput.producer(checked(kind, "ProducerPerformance (transactional)", results,
                        tools.run(PRODUCER_PERF, args, TOOL_TIMEOUT)));
                values.put(Metric.TXN_PRODUCE_RECORDS_PER_SEC, txn.recordsPerSec());
                values.put(Metric.TXN_PRODUCE_P99_MS, txn.p99Ms());
            });
            step(kind, "ConsumerPerformance", results, () -> {
                log("  ConsumerPerformance, catch-up read of " + workload.produceRecords() + " records");
                ConsumerSummary consumed = ToolOutput.consumer(checked(kind, "ConsumerPerformance", results,
                        tools.run("org.apache.kafka.tools.ConsumerPerformance",
                                List.of("--bootstrap-server", bootstrap, "--topic", TOPIC,
                                        "--num-records", Integer.toString(workload.produceRecords()),
                                        "--timeout", "60000", "--group", "bench-consumer-" + run),
                                TOOL_TIMEOUT)));
                if (consumed.records() < workload.produceRecords()) {
                    throw new IllegalStateException("read only " + consumed.records() + " of "
                            + workload.produceRecords() + " records");
                }
                values.put(Metric.CONSUME_RECORDS_PER_SEC, consumed.fetchRecordsPerSec());
                values.put(Metric.CONSUME_MIB_PER_SEC, consumed.fetchMibPerSec());
            });
            step(kind, "EndToEndLatency", results, () -> {
                log("  EndToEndLatency, " + workload.endToEndRecords() + " round trips");
                EndToEndSummary e2e = ToolOutput.endToEnd(checked(kind, "EndToEndLatency", results,
                        tools.run("org.apache.kafka.tools.EndToEndLatency",
                                List.of("--bootstrap-server", bootstrap, "--topic", E2E_TOPIC,
                                        "--num-records", Integer.toString(workload.endToEndRecords()),
                                        "--producer-acks", "all",
                                        "--record-size", Integer.toString(Workload.RECORD_SIZE_BYTES)),
                                TOOL_TIMEOUT)));
                values.put(Metric.E2E_AVG_MS, e2e.avgMs());
                values.put(Metric.E2E_P99_MS, e2e.p99Ms());
            });
            step(kind, "Group rebalances", results, () -> {
                for (String protocol : List.of("classic", "consumer")) {
                    log("  " + workload.groupMembers() + "-member group, " + protocol + " protocol");
                    String topic = GROUP_TOPIC + "-" + protocol;
                    GroupRebalance.Times t = GroupRebalance.measure(bootstrap, topic, topic + "-" + run, protocol,
                            workload.groupMembers());
                    boolean classic = protocol.equals("classic");
                    values.put(classic ? Metric.GROUP_JOIN_CLASSIC_MS : Metric.GROUP_JOIN_CONSUMER_MS, t.joinMs());
                    values.put(classic ? Metric.GROUP_LEAVE_CLASSIC_MS : Metric.GROUP_LEAVE_CONSUMER_MS, t.leaveMs());
                }
            });
            step(kind, "Share-group consume", results, () -> {
                log("  " + workload.shareRecords() + " records into one partition, read by "
                        + Workload.SHARE_CONSUMERS + " share consumers");
                checked(kind, "ProducerPerformance (share topic)", results, tools.run(PRODUCER_PERF,
                        producerArgs(bootstrap, SHARE_TOPIC, workload.shareRecords(), -1), TOOL_TIMEOUT));
                values.put(Metric.SHARE_CONSUME_RECORDS_PER_SEC, ShareConsume.recordsPerSec(bootstrap, SHARE_TOPIC,
                        "bench-share-" + run, Workload.SHARE_CONSUMERS, workload.shareRecords()));
            });
        } catch (RuntimeException e) {
            results.fail(kind, "run " + run, e);
        }
        log("  " + values);
        results.add(kind, values);
    }

    /**
     * A tool that printed its summary but then exited non-zero (e.g. failed while closing its consumer) still
     * yields values; the exit is recorded as a failure note so the table says so.
     */
    private static ToolResult checked(Kind kind, String name, BenchResults results, ToolResult result) {
        if (result.exitCode() != 0) {
            results.note(kind, name + " exited with code " + result.exitCode() + " (values kept if it printed them)",
                    result.reason());
        }
        return result;
    }

    private static void step(Kind kind, String name, BenchResults results, Runnable body) {
        try {
            body.run();
        } catch (RuntimeException e) {
            log("  " + name + " FAILED on " + kind.displayName + ": " + e.getMessage());
            boolean alreadyNoted = e instanceof ToolOutput.ToolFailure failure && failure.exitCode != 0;
            if (!alreadyNoted) {
                results.fail(kind, name, e);
            }
        }
    }

    private static List<String> producerArgs(String bootstrap, String topic, int records, int ratePerSec) {
        return List.of("--bootstrap-server", bootstrap, "--topic", topic,
                "--num-records", Integer.toString(records),
                "--record-size", Integer.toString(Workload.RECORD_SIZE_BYTES),
                "--throughput", Integer.toString(ratePerSec),
                "--command-property", "acks=all");
    }

    private static void createTopics(String bootstrap, int groupMembers) {
        Properties props = new Properties();
        props.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(List.of(new NewTopic(TOPIC, Workload.PARTITIONS, (short) 1),
                    new NewTopic(FIXED_TOPIC, Workload.PARTITIONS, (short) 1),
                    new NewTopic(TXN_TOPIC, Workload.PARTITIONS, (short) 1),
                    new NewTopic(E2E_TOPIC, 1, (short) 1),
                    new NewTopic(SHARE_TOPIC, 1, (short) 1),
                    new NewTopic(GROUP_TOPIC + "-classic", groupMembers, (short) 1),
                    new NewTopic(GROUP_TOPIC + "-consumer", groupMembers, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the benchmark topics on " + bootstrap, e);
        }
    }

    /** The broker sits idle before its RSS is read: this wait is part of what is measured. */
    private static void idle() {
        try {
            Thread.sleep(Duration.ofSeconds(Workload.IDLE_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while idling", e);
        }
    }

    private static String kafkaClasspath() throws IOException {
        String file = System.getProperty("es.compat.classpathFile");
        if (file == null) {
            throw new IllegalStateException("system property es.compat.classpathFile is not set (run bin/bench)");
        }
        return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    }

    static void log(String message) {
        System.err.println("[bench] " + message);
    }

    /** Per broker, per metric, the values of every run in order. */
    static final class BenchResults {
        private final Map<Kind, Map<Metric, List<Double>>> values = new EnumMap<>(Kind.class);
        private final Map<Kind, Set<String>> failures = new EnumMap<>(Kind.class);

        /** Records that a step failed on a broker; the report lists each distinct reason once. */
        void fail(Kind kind, String step, RuntimeException e) {
            failures.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(step + ": " + reason(e));
        }

        void note(Kind kind, String what, String reason) {
            failures.computeIfAbsent(kind, k -> new LinkedHashSet<>()).add(what + ": " + reason);
        }

        Set<String> failures(Kind kind) {
            return failures.getOrDefault(kind, Set.of());
        }

        boolean hasFailures() {
            return !failures.isEmpty();
        }

        /** The most telling line of a failure: a tool's exception line if there is one, else the message's first. */
        private static String reason(RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            return message.lines().findFirst().orElse(message).strip();
        }

        void add(Kind kind, Map<Metric, Double> run) {
            Map<Metric, List<Double>> byMetric = values.computeIfAbsent(kind, k -> new EnumMap<>(Metric.class));
            run.forEach((metric, value) -> byMetric.computeIfAbsent(metric, m -> new ArrayList<>()).add(value));
        }

        List<Double> values(Kind kind, Metric metric) {
            return values.getOrDefault(kind, Map.of()).getOrDefault(metric, List.of());
        }

        static double median(List<Double> values) {
            List<Double> sorted = values.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }
    }
}
