package io.elasticstream.broker.group;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.elasticstream.broker.config.GroupConfigRules;
import io.elasticstream.broker.config.ShareAutoOffsetReset;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.PlacementService;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * The dynamic configs of groups (Kafka's GROUP config resource: {@code kafka-configs --entity-type groups},
 * {@code Admin.incrementalAlterConfigs} with {@code ConfigResource.Type.GROUP}) as the coordinators use them.
 * The overrides of every group live at PD ({@link PlacementService#alterGroupConfigs}); a group need not exist to
 * have them, and they outlive it, as in Kafka 4.4.
 *
 * <p>Two ways to read them: {@link #overrides} asks PD (for DescribeConfigs and alters, which must see the latest
 * write); {@link #cachedOverrides} never waits, for the coordinators' owner threads: it answers from a cache that
 * reads a group again at its first use after {@link #REFRESH_AFTER}, so a change made through another broker is
 * seen within about that long, and one made through this broker at once. Until a group's first read completes (a
 * PD round trip) it counts as having no overrides. The typed accessors resolve as Kafka's {@code GroupConfig}
 * does: the override (clamped to the broker's bounds), else the broker setting ({@code group.share.*},
 * {@code group.consumer.*}), else Kafka's default.
 *
 * <p>Thread-safe. Cache loads start on the calling thread (an asynchronous PD call, which never blocks) and
 * complete on PD's client threads.
 */
public final class GroupConfigs {
    /** How long a cached group's overrides are used before its next use reads them again from PD. */
    public static final Duration REFRESH_AFTER = Duration.ofSeconds(1);
    /** A group not used for this long leaves the cache. */
    private static final Duration EXPIRE_AFTER_ACCESS = Duration.ofMinutes(10);
    private static final long MAX_CACHED_GROUPS = 100_000;

    /** Where the overrides are kept: PD ({@link #of}), or a fake in tests. */
    public interface Store {
        /** The group's overrides; empty if none. */
        CompletableFuture<Map<String, String>> read(String groupId);

        /** Replaces the group's overrides (empty removes them); completes with what is now stored. */
        CompletableFuture<Map<String, String>> write(String groupId, Map<String, String> overrides);

        static Store of(PlacementService placement) {
            return new Store() {
                @Override
                public CompletableFuture<Map<String, String>> read(String groupId) {
                    return placement.groupConfigs(groupId);
                }

                @Override
                public CompletableFuture<Map<String, String>> write(String groupId, Map<String, String> overrides) {
                    return placement.alterGroupConfigs(groupId, overrides);
                }
            };
        }
    }

    private final Store store;
    private final GroupConfigRules rules;
    private final AsyncLoadingCache<String, Map<String, String>> cache;

    /** Group configs kept at PD, defaulted and bounded by the broker settings in {@code brokerProperties}. */
    public GroupConfigs(PlacementService placement, Map<String, String> brokerProperties, Clock clock) {
        this(Store.of(placement), new GroupConfigRules(brokerProperties), clock);
    }

    GroupConfigs(Store store, GroupConfigRules rules, Clock clock) {
        this.store = Checks.notNull(store, "store");
        this.rules = Checks.notNull(rules, "rules");
        this.cache = Caffeine.newBuilder()
                .ticker(clock::nanoTime)
                .executor(Runnable::run)
                .refreshAfterWrite(REFRESH_AFTER)
                .expireAfterAccess(EXPIRE_AFTER_ACCESS)
                .maximumSize(MAX_CACHED_GROUPS)
                .buildAsync((groupId, executor) -> store.read(groupId));
    }

    /** The group's overrides as PD has them now. */
    public CompletableFuture<Map<String, String>> overrides(String groupId) {
        return store.read(groupId);
    }

    /**
     * The group's overrides as last read (at most about {@link #REFRESH_AFTER} old when the group is in use),
     * without waiting: empty while the group's first read is under way or after it failed (the next use reads
     * again).
     */
    public Map<String, String> cachedOverrides(String groupId) {
        CompletableFuture<Map<String, String>> cached = cache.get(groupId);
        return cached.isDone() && !cached.isCompletedExceptionally() ? cached.join() : Map.of();
    }

    /**
     * Replaces the group's overrides with {@code change(current ones)}, read from PD, once they pass Kafka's
     * validation ({@link GroupConfigRules#validate}, failing with InvalidConfigurationException); nothing is
     * written when {@code validateOnly}. The empty group id (Kafka's "default group") is an invalid request.
     * {@code change} may throw a Kafka {@code ApiException}, which fails the alter. Completes with the overrides
     * now in force, which this broker's {@link #cachedOverrides} returns from then on.
     */
    public CompletableFuture<Map<String, String>> alter(String groupId, UnaryOperator<Map<String, String>> change,
                                                        boolean validateOnly) {
        if (groupId == null || groupId.isEmpty()) {
            return CompletableFuture.failedFuture(new InvalidRequestException(
                    "Default group resources are not allowed."));
        }
        return store.read(groupId).thenCompose(current -> {
            Map<String, String> changed = change.apply(current);
            rules.validate(changed);
            Map<String, String> altered = Map.copyOf(changed);
            if (validateOnly) {
                return CompletableFuture.completedFuture(altered);
            }
            return store.write(groupId, altered).thenApply(written -> {
                cache.put(groupId, CompletableFuture.completedFuture(written));
                return written;
            });
        });
    }

    // ---- typed, from the cache -------------------------------------------------------------------------------

    /** {@code share.auto.offset.reset}: where a share-partition without state starts (Kafka: latest). */
    public ShareAutoOffsetReset shareAutoOffsetReset(String groupId) {
        return ShareAutoOffsetReset.parse((String) rules.value("share.auto.offset.reset", cachedOverrides(groupId)));
    }

    /** {@code share.isolation.level} (Kafka: read_uncommitted). */
    public IsolationLevel shareIsolationLevel(String groupId) {
        String level = (String) rules.value("share.isolation.level", cachedOverrides(groupId));
        return IsolationLevel.valueOf(level.toUpperCase(Locale.ROOT));
    }

    /** {@code share.record.lock.duration.ms}, else {@code group.share.record.lock.duration.ms} (Kafka: 30 s). */
    public int shareRecordLockDurationMs(String groupId) {
        return intValue(groupId, "share.record.lock.duration.ms");
    }

    /** {@code share.delivery.count.limit}, else {@code group.share.delivery.count.limit} (Kafka: 5). */
    public int shareDeliveryCountLimit(String groupId) {
        return intValue(groupId, "share.delivery.count.limit");
    }

    /** {@code share.partition.max.record.locks}, else {@code group.share.partition.max.record.locks} (2000). */
    public int sharePartitionMaxRecordLocks(String groupId) {
        return intValue(groupId, "share.partition.max.record.locks");
    }

    /** {@code share.heartbeat.interval.ms}, else {@code group.share.heartbeat.interval.ms} (Kafka: 5 s). */
    public int shareHeartbeatIntervalMs(String groupId) {
        return intValue(groupId, "share.heartbeat.interval.ms");
    }

    /** {@code share.session.timeout.ms}, else {@code group.share.session.timeout.ms} (Kafka: 45 s). */
    public int shareSessionTimeoutMs(String groupId) {
        return intValue(groupId, "share.session.timeout.ms");
    }

    /** {@code consumer.session.timeout.ms}, else {@code group.consumer.session.timeout.ms} (Kafka: 45 s). */
    public int consumerSessionTimeoutMs(String groupId) {
        return intValue(groupId, "consumer.session.timeout.ms");
    }

    /** {@code consumer.heartbeat.interval.ms}, else {@code group.consumer.heartbeat.interval.ms} (Kafka: 5 s). */
    public int consumerHeartbeatIntervalMs(String groupId) {
        return intValue(groupId, "consumer.heartbeat.interval.ms");
    }

    /** What a share-partition of a group opens with: where it starts and its limits. */
    public record ShareSettings(ShareAutoOffsetReset autoOffsetReset, SharePartition.Limits limits) {
    }

    /** The share settings of a group with {@code overrides} (as {@link #overrides} reads them now). */
    public ShareSettings shareSettings(Map<String, String> overrides) {
        return new ShareSettings(
                ShareAutoOffsetReset.parse((String) rules.value("share.auto.offset.reset", overrides)),
                new SharePartition.Limits(rules.intValue("share.delivery.count.limit", overrides),
                        rules.intValue("share.record.lock.duration.ms", overrides),
                        rules.intValue("share.partition.max.record.locks", overrides)));
    }

    private int intValue(String groupId, String name) {
        return rules.intValue(name, cachedOverrides(groupId));
    }
}
