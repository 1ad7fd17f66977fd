package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.elasticstream.broker.config.ConfigChange;
import io.elasticstream.broker.config.GroupConfigRules;
import io.elasticstream.broker.config.ShareAutoOffsetReset;
import io.elasticstream.common.ManualClock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GroupConfigsTest {
    private final ManualClock clock = new ManualClock();
    private final FakeStore store = new FakeStore();
    private final GroupConfigs configs = new GroupConfigs(store, new GroupConfigRules(Map.of(
            "group.share.record.lock.duration.ms", "20000")), clock);

    @Test
    void aGroupCountsAsHavingNoOverridesUntilItsFirstReadCompletes() {
        store.stored.put("g", Map.of("share.auto.offset.reset", "earliest"));
        store.holdReads = true;

        assertEquals(Map.of(), configs.cachedOverrides("g"));
        assertEquals(ShareAutoOffsetReset.LATEST, configs.shareAutoOffsetReset("g"));

        store.releaseReads();
        assertEquals(Map.of("share.auto.offset.reset", "earliest"), configs.cachedOverrides("g"));
        assertEquals(ShareAutoOffsetReset.EARLIEST, configs.shareAutoOffsetReset("g"));
    }

    @Test
    void aChangeMadeElsewhereIsSeenOnceTheCachedOverridesAreOlderThanTheRefreshInterval() {
        assertEquals(Map.of(), configs.cachedOverrides("g"));
        store.stored.put("g", Map.of("share.record.lock.duration.ms", "40000")); // through another broker

        clock.advanceMillis(GroupConfigs.REFRESH_AFTER.toMillis());
        assertEquals(20000, configs.shareRecordLockDurationMs("g"), "still the cached (broker) value");

        clock.advanceMillis(1);
        configs.cachedOverrides("g"); // this use starts the re-read
        assertEquals(40000, configs.shareRecordLockDurationMs("g"));
    }

    @Test
    void thisBrokersOwnAlterIsSeenAtOnce() {
        assertEquals(Map.of(), configs.cachedOverrides("g"));

        Map<String, String> written = configs.alter("g", set("share.isolation.level", "read_committed"), false).join();

        assertEquals(Map.of("share.isolation.level", "read_committed"), written);
        assertEquals(Map.of("share.isolation.level", "read_committed"), store.stored.get("g"));
        assertEquals(IsolationLevel.READ_COMMITTED, configs.shareIsolationLevel("g"));
    }

    @Test
    void anAlterReadsTheCurrentOverridesFromTheStoreAndValidatesTheWholeResult() {
        store.stored.put("g", Map.of("share.auto.offset.reset", "earliest"));

        configs.alter("g", set("consumer.session.timeout.ms", "50000"), false).join();

        assertEquals(Map.of("share.auto.offset.reset", "earliest", "consumer.session.timeout.ms", "50000"),
                store.stored.get("g"));
        CompletionException invalid = assertThrows(CompletionException.class,
                () -> configs.alter("g", set("consumer.session.timeout.ms", "1000"), false).join());
        assertInstanceOf(InvalidConfigurationException.class, invalid.getCause());
        assertEquals("consumer.session.timeout.ms must be in the range 45000 to 60000 inclusive.",
                invalid.getCause().getMessage());
        assertEquals("50000", store.stored.get("g").get("consumer.session.timeout.ms"), "nothing written");
    }

    @Test
    void validateOnlyWritesNothingAndTheDefaultGroupIsRefused() {
        assertEquals(Map.of("share.auto.offset.reset", "by_duration:PT1H"),
                configs.alter("g", set("share.auto.offset.reset", "by_duration:PT1H"), true).join());
        assertEquals(Map.of(), store.stored.getOrDefault("g", Map.of()));
        assertEquals(0, store.writes);

        CompletionException empty = assertThrows(CompletionException.class,
                () -> configs.alter("", set("share.auto.offset.reset", "earliest"), false).join());
        assertInstanceOf(InvalidRequestException.class, empty.getCause());
        assertEquals("Default group resources are not allowed.", empty.getCause().getMessage());
    }

    @Test
    void typedValuesComeFromTheOverrideElseTheBrokerSettingElseKafkasDefault() {
        store.stored.put("g", Map.of("share.session.timeout.ms", "50000", "share.heartbeat.interval.ms", "6000",
                "consumer.session.timeout.ms", "55000", "consumer.heartbeat.interval.ms", "7000",
                "share.auto.offset.reset", "by_duration:PT10M", "share.delivery.count.limit", "3",
                "share.partition.max.record.locks", "500"));
        configs.cachedOverrides("g");

        assertEquals(50000, configs.shareSessionTimeoutMs("g"));
        assertEquals(6000, configs.shareHeartbeatIntervalMs("g"));
        assertEquals(55000, configs.consumerSessionTimeoutMs("g"));
        assertEquals(7000, configs.consumerHeartbeatIntervalMs("g"));
        assertEquals(3, configs.shareDeliveryCountLimit("g"));
        assertEquals(500, configs.sharePartitionMaxRecordLocks("g"));
        assertEquals(Duration.ofMinutes(10), configs.shareAutoOffsetReset("g").duration());
        assertEquals(20000, configs.shareRecordLockDurationMs("g"), "the broker's group.share.record.lock.duration.ms");
        assertEquals(IsolationLevel.READ_UNCOMMITTED, configs.shareIsolationLevel("g"), "Kafka's default");
        assertEquals(45000, configs.consumerSessionTimeoutMs("other"), "Kafka's default");
    }

    @Test
    void aFailedReadIsTriedAgainAtTheNextUse() {
        store.failReads = true;
        assertEquals(Map.of(), configs.cachedOverrides("g"));
        store.failReads = false;
        store.stored.put("g", Map.of("share.delivery.count.limit", "4"));

        assertEquals(4, configs.shareDeliveryCountLimit("g"));
    }

    private static java.util.function.UnaryOperator<Map<String, String>> set(String name, String value) {
        return overrides -> ConfigChange.applyToGroup(overrides, List.of(
                new ConfigChange(name, ConfigChange.Op.SET, value)));
    }

    /** A store over a map whose reads can be held back or failed. */
    private static final class FakeStore implements GroupConfigs.Store {
        final Map<String, Map<String, String>> stored = new ConcurrentHashMap<>();
        final List<CompletableFuture<Void>> held = new java.util.ArrayList<>();
        boolean holdReads;
        boolean failReads;
        int writes;

        @Override
        public CompletableFuture<Map<String, String>> read(String groupId) {
            if (failReads) {
                return CompletableFuture.failedFuture(new IllegalStateException("PD unreachable"));
            }
            if (holdReads) {
                CompletableFuture<Void> gate = new CompletableFuture<>();
                held.add(gate);
                return gate.thenApply(v -> stored.getOrDefault(groupId, Map.of()));
            }
            return CompletableFuture.completedFuture(stored.getOrDefault(groupId, Map.of()));
        }

        @Override
        public CompletableFuture<Map<String, String>> write(String groupId, Map<String, String> overrides) {
            writes++;
            stored.put(groupId, new HashMap<>(overrides));
            return CompletableFuture.completedFuture(Map.copyOf(overrides));
        }

        void releaseReads() {
            holdReads = false;
            held.forEach(g -> g.complete(null));
        }
    }
}
