package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.elasticstream.compat.DifferentialScenarios.Scenario;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every {@link DifferentialScenarios differential scenario} against a real Apache Kafka 4.4 broker and
 * against our standalone server, and fails a scenario when the two observations differ anywhere the
 * allow-list ({@code differential-allowlist.txt}) does not accept. Both brokers start once for the class.
 * Each broker's observation is written to {@code target/differential/<scenario>.<broker>.txt}.
 */
class DifferentialTest {
    private static final Duration SCENARIO_TIMEOUT = Duration.ofMinutes(2);
    private static final DifferentialAllowlist ALLOWLIST = DifferentialAllowlist.load();
    /**
     * Static broker settings both brokers get, so that DescribeConfigs sources compare like for like: our
     * config/standalone.properties sets these (to Kafka's defaults), {@code log.retention.hours}
     * exercises a static broker synonym in hours, and {@code group.share.delivery.count.limit} (at Kafka's
     * default, so no share group behaves differently) the static broker synonym of a group config.
     */
    private static final Map<String, String> SAME_STATIC_CONFIG = Map.of("message.max.bytes", "1048588",
            "log.retention.hours", "24", "num.partitions", "1", "auto.create.topics.enable", "true",
            "offsets.topic.num.partitions", "50", "socket.request.max.bytes", "104857600",
            "group.initial.rebalance.delay.ms", "0", "group.share.delivery.count.limit", "5");
    private static final Logger LOG = LoggerFactory.getLogger(DifferentialTest.class);
    private static final Set<DifferentialAllowlist.Entry> USED_ENTRIES = ConcurrentHashMap.newKeySet();
    private static ApacheKafkaBroker kafka;
    private static StandaloneServer ours;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void startBothBrokers() {
        // Start them concurrently: the reference broker's start-up dominates.
        CompletableFuture<ApacheKafkaBroker> reference = CompletableFuture.supplyAsync(() -> {
            ApacheKafkaBroker broker = ApacheKafkaBroker.create("differential", SAME_STATIC_CONFIG);
            try {
                broker.start();
                return broker;
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
        });
        try {
            ours = StandaloneServer.startNew("differential", SAME_STATIC_CONFIG);
        } finally {
            kafka = reference.join();
        }
    }

    @AfterAll
    static void stopBothBrokers() {
        // A stale entry (a gap since fixed) should be removed from the allow-list: say so, without failing
        // (a run of a subset of the scenarios would not use every entry).
        ALLOWLIST.entries().stream().filter(e -> !USED_ENTRIES.contains(e))
                .forEach(e -> LOG.warn("allow-list entry accepted no difference in this run: {}", e));
        try {
            if (ours != null) {
                ours.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioObservesTheSameAsApacheKafka() {
        // -Ddifferential.only=name1,name2 runs just those scenarios (while working on one).
        Set<String> only = Set.of(System.getProperty("differential.only", "").split(","));
        return DifferentialScenarios.all().stream()
                .filter(scenario -> only.equals(Set.of("")) || only.contains(scenario.name()))
                .map(scenario -> DynamicTest.dynamicTest(scenario.name(),
                () -> assertTimeoutPreemptively(SCENARIO_TIMEOUT, () -> compare(scenario))));
    }

    private static void compare(Scenario scenario) throws Exception {
        Observation reference = scenario.probe().observe(kafka.bootstrapServers());
        write(scenario, "kafka", reference);
        Observation observed;
        try {
            observed = scenario.probe().observe(ours.bootstrapServers());
        } catch (Exception | AssertionError e) {
            AssertionError failure = new AssertionError("scenario '" + scenario.name() + "' failed against "
                    + "Elastic Stream (Apache Kafka observed:\n" + reference + ")", e);
            failure.addSuppressed(ours.failure("server log", null));
            throw failure;
        }
        write(scenario, "ours", observed);
        List<ObservationDiff.Difference> differences = ObservationDiff.compare(scenario.name(), reference, observed,
                ALLOWLIST);
        differences.forEach(d -> d.allowedBy().ifPresent(USED_ENTRIES::add));
        if (differences.stream().anyMatch(d -> !d.allowed())) {
            throw new AssertionError(ObservationDiff.describe(scenario.name(), differences));
        }
    }

    private static void write(Scenario scenario, String broker, Observation observation) {
        try {
            Path dir = Files.createDirectories(Path.of(System.getProperty("es.compat.targetDir",
                    "kafka-compat-tests/target"), "differential"));
            Files.writeString(dir.resolve(scenario.name() + "." + broker + ".txt"), observation.toString(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
