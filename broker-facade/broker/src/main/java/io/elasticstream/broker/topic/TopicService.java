package io.elasticstream.broker.topic;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.elasticstream.broker.config.TopicConfigs;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic lookups, creation, config changes and partition increases with Kafka's validation, through PD.
 *
 * <p>Topic ids to names (asked by every Fetch and by Produce v13) come from a Caffeine cache of PD's topic
 * list that lives {@link #ID_NAMES_TTL}: refreshed by every full listing ({@link #all}, i.e. each Metadata
 * request) and dropped by every change made through this broker and by a lookup that finds a topic gone,
 * so it is at most that old for changes made elsewhere. Its statistics are {@link #idNamesCacheStats}.
 */
public final class TopicService {
    /** How long a topic-id listing is served from the cache. */
    public static final Duration ID_NAMES_TTL = Duration.ofSeconds(1);
    private static final String ALL_TOPICS = "all";

    private final PlacementService placement;
    private final int defaultPartitions;
    private final int brokerMaxMessageBytes;
    /** The config overrides last seen per topic, for per-topic limits on the produce path. */
    private final Map<String, Map<String, String>> configsByTopic = new ConcurrentHashMap<>();
    /** One entry ({@link #ALL_TOPICS}): every topic id to its name, as last listed by PD. */
    private final AsyncLoadingCache<String, Map<Uuid, String>> idNames;

    public TopicService(PlacementService placement, int defaultPartitions, int brokerMaxMessageBytes) {
        this.placement = placement;
        this.defaultPartitions = defaultPartitions;
        this.brokerMaxMessageBytes = brokerMaxMessageBytes;
        this.idNames = Caffeine.newBuilder()
                .maximumSize(1)
                .expireAfterWrite(ID_NAMES_TTL)
                .recordStats()
                .buildAsync((key, executor) -> placement.topics().thenApply(TopicService::idNames));
    }

    public static Uuid kafkaId(TopicId id) {
        return new Uuid(id.mostSignificantBits(), id.leastSignificantBits());
    }

    public CompletableFuture<List<TopicInfo>> all() {
        return placement.topics().thenApply(all -> {
            Map<String, Map<String, String>> fresh = new HashMap<>();
            all.forEach(t -> fresh.put(t.name(), t.configs()));
            configsByTopic.keySet().retainAll(fresh.keySet());
            configsByTopic.putAll(fresh);
            idNames.put(ALL_TOPICS, CompletableFuture.completedFuture(idNames(all)));
            return all;
        });
    }

    public CompletableFuture<Optional<TopicInfo>> byName(String name) {
        return placement.topic(name).thenApply(t -> {
            if (t.isPresent()) {
                configsByTopic.put(name, t.get().configs());
            } else {
                configsByTopic.remove(name);
                idNames.synchronous().invalidateAll(); // it may still list the topic's id
            }
            return t;
        });
    }

    /** Topic ids to names, for requests that name topics by id (Fetch v13+, Produce v13). */
    public CompletableFuture<Map<Uuid, String>> namesById() {
        return idNames.get(ALL_TOPICS);
    }

    /**
     * The names among {@code names} that are no topic: those the cached listing lacks, confirmed by asking PD
     * (so a topic created a moment ago is not taken for unknown).
     */
    public CompletableFuture<Set<String>> unknown(Collection<String> names) {
        return namesById().thenCompose(listing -> {
            Set<String> known = new HashSet<>(listing.values());
            List<String> missing = names.stream().distinct().filter(n -> !known.contains(n)).toList();
            List<CompletableFuture<Optional<TopicInfo>>> lookups = missing.stream().map(this::byName).toList();
            return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> {
                Set<String> unknown = new HashSet<>();
                for (int i = 0; i < missing.size(); i++) {
                    if (lookups.get(i).join().isEmpty()) {
                        unknown.add(missing.get(i));
                    }
                }
                return unknown;
            });
        });
    }

    /** The name of topic {@code id} if the cached listing has it (no PD request), else null. */
    public String cachedName(Uuid id) {
        CompletableFuture<Map<Uuid, String>> listing = idNames.getIfPresent(ALL_TOPICS);
        return listing != null && listing.isDone() && !listing.isCompletedExceptionally() ? listing.join().get(id)
                : null;
    }

    /** Hits, misses, loads and evictions of the topic-id cache. */
    public CacheStats idNamesCacheStats() {
        return idNames.synchronous().stats();
    }

    private static Map<Uuid, String> idNames(List<TopicInfo> topics) {
        Map<Uuid, String> names = new HashMap<>();
        topics.forEach(t -> names.put(kafkaId(t.topicId()), t.name()));
        return Map.copyOf(names);
    }

    /**
     * Validates a creation request as Kafka does and, unless {@code validateOnly}, creates the topic.
     * {@code partitions} and {@code replicationFactor} of -1 mean the broker defaults. Throws (or fails
     * the future with) Kafka {@code ApiException}s for invalid input.
     */
    public CompletableFuture<TopicInfo> create(String name, int partitions, short replicationFactor,
                                               Map<String, String> configs, int liveBrokers, boolean validateOnly) {
        Topic.validate(name);
        int count = partitions == -1 ? defaultPartitions : partitions;
        if (count <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        short rf = replicationFactor == -1 ? 1 : replicationFactor;
        if (rf <= 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the "
                    + "default value.");
        }
        if (rf > liveBrokers) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + rf
                    + " time(s): The target replication factor of " + rf + " cannot be reached because only "
                    + liveBrokers + " broker(s) are registered.");
        }
        TopicConfigs.validate(configs);
        if (validateOnly) {
            return CompletableFuture.completedFuture(null);
        }
        return remember(placement.createTopic(new NewTopic(name, count, configs)));
    }

    /**
     * Replaces the config overrides of topic {@code name} with {@code configs} after validating them as
     * Kafka does ({@link InvalidConfigurationException} for unknown names or invalid values); with
     * {@code validateOnly} only validates. Completes with the topic as altered (or as it is).
     */
    public CompletableFuture<TopicInfo> alterConfigs(String name, Map<String, String> configs, boolean validateOnly) {
        TopicConfigs.validate(configs);
        if (validateOnly) {
            return byName(name).thenApply(t -> t.orElseThrow(() -> unknown(name)));
        }
        return remember(placement.alterTopicConfigs(name, configs));
    }

    /**
     * Raises the partition count of topic {@code name} to {@code count}, with Kafka's errors
     * ({@link InvalidPartitionsException} unless it is an increase; {@code assignments}, the number of
     * manual replica assignments or -1 for none, must match the increase); {@code validateOnly} only
     * checks. Placement of the new partitions is PD's.
     */
    public CompletableFuture<TopicInfo> createPartitions(String name, int count, int assignments,
                                                         boolean validateOnly) {
        return byName(name).thenCompose(t -> {
            TopicInfo topic = t.orElseThrow(() -> unknown(name));
            int current = topic.partitionCount();
            if (assignments >= 0 && count > current && assignments != count - current) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + (count - current)
                        + " additional partition(s), but only " + assignments + " assignment(s) were specified.");
            }
            if (count < current) {
                throw new InvalidPartitionsException("The topic " + name + " currently has " + current
                        + " partition(s); " + count + " would not be an increase.");
            }
            if (count == current) {
                throw new InvalidPartitionsException("Topic already has " + current + " partition(s).");
            }
            return validateOnly ? CompletableFuture.completedFuture(topic)
                    : remember(placement.createPartitions(name, count));
        });
    }

    /**
     * The largest record batch topic {@code name} accepts: its {@code max.message.bytes} override, else
     * the broker's {@code message.max.bytes}. Answered at once (the produce path must not reorder
     * appends) from the configs this broker last saw for the topic, refreshed by every topic lookup
     * (each Metadata request, which producers send first, and every alter made through this broker).
     * A topic not seen yet gets the broker's limit while its configs are fetched in the background.
     */
    public int maxMessageBytes(String name) {
        Map<String, String> known = configsByTopic.get(name);
        if (known == null) {
            byName(name);
            return brokerMaxMessageBytes;
        }
        return maxMessageBytes(known);
    }

    private int maxMessageBytes(Map<String, String> configs) {
        String value = configs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        return value == null ? brokerMaxMessageBytes : Integer.parseInt(value.trim());
    }

    private static UnknownTopicOrPartitionException unknown(String name) {
        return new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
    }

    private CompletableFuture<TopicInfo> remember(CompletableFuture<TopicInfo> topic) {
        return topic.thenApply(t -> {
            idNames.synchronous().invalidateAll();
            configsByTopic.put(t.name(), t.configs());
            return t;
        });
    }

    /**
     * The error for a partition this broker does not serve: NOT_LEADER_OR_FOLLOWER when the partition
     * exists (another broker owns it, or it is still opening here), else UNKNOWN_TOPIC_OR_PARTITION.
     */
    public CompletableFuture<Errors> notServedHere(TopicPartition tp) {
        return byName(tp.topic()).thenApply(t -> t.isPresent() && tp.partition() >= 0
                && tp.partition() < t.get().partitionCount() ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }
}
