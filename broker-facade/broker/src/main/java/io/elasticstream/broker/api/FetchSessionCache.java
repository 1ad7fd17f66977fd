package io.elasticstream.broker.api;

import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Incremental fetch sessions (KIP-227), as Kafka's {@code FetchSessionCache}: a full fetch (epoch 0)
 * creates a session holding the fetched partitions with their fetch state and the offsets last reported
 * for them; each incremental fetch (the session's next epoch) names only the partitions that changed or
 * are forgotten, and its response carries only the partitions with something new (records, an error, a
 * changed high watermark, last stable or log start offset). At most {@code maxSessions} sessions; when
 * full, a new one evicts the least recently used session idle for {@code evictionMs}, or is not created
 * (the fetch is then answered without a session, which clients accept).
 *
 * <p>Thread-safe: the cache is guarded by its monitor, each session by its own.
 */
final class FetchSessionCache {
    static final int DEFAULT_MAX_SESSIONS = 1000;
    static final long DEFAULT_EVICTION_MS = 120_000;

    private final int maxSessions;
    private final long evictionMs;
    private final Clock clock;
    private final Random ids = new Random();
    /** In access order: the least recently used session first. Guarded by this. */
    private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    FetchSessionCache(int maxSessions, long evictionMs, Clock clock) {
        this.maxSessions = maxSessions;
        this.evictionMs = evictionMs;
        this.clock = clock;
    }

    private long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(clock.nanoTime());
    }

    /** The session, or null. Marks it used. */
    synchronized Session get(int sessionId) {
        Session s = sessions.get(sessionId);
        if (s != null) {
            s.lastUsedMs = nowMs();
        }
        return s;
    }

    synchronized void remove(int sessionId) {
        sessions.remove(sessionId);
    }

    synchronized int size() {
        return sessions.size();
    }

    /**
     * A new session over {@code partitions} (in order), or null if the cache is full of sessions used in
     * the last {@code evictionMs}.
     */
    synchronized Session create(Map<TopicIdPartition, FetchRequest.PartitionData> partitions) {
        long now = nowMs();
        if (sessions.size() >= maxSessions) {
            Iterator<Session> lru = sessions.values().iterator();
            if (!lru.hasNext() || now - lru.next().lastUsedMs < evictionMs) {
                return null;
            }
            lru.remove();
        }
        int id;
        do {
            id = ids.nextInt(Integer.MAX_VALUE);
        } while (id == FetchMetadata.INVALID_SESSION_ID || sessions.containsKey(id));
        Session s = new Session(id, now);
        partitions.forEach((tip, data) -> s.partitions.put(tip, new CachedPartition(data)));
        sessions.put(id, s);
        return s;
    }

    /** One client's fetch session. Guarded by its own monitor. */
    static final class Session {
        final int id;
        /** The epoch the next incremental fetch must carry. */
        int nextEpoch = FetchMetadata.nextEpoch(FetchMetadata.INITIAL_EPOCH);
        long lastUsedMs;
        final LinkedHashMap<TopicIdPartition, CachedPartition> partitions = new LinkedHashMap<>();

        Session(int id, long nowMs) {
            this.id = id;
            this.lastUsedMs = nowMs;
        }

        /**
         * Applies an incremental fetch with {@code epoch}: INVALID_FETCH_SESSION_EPOCH unless it is the
         * expected one; else adds or updates {@code changed}, drops {@code forgotten}, moves to the next
         * epoch, and returns NONE.
         */
        synchronized Errors update(int epoch, Map<TopicIdPartition, FetchRequest.PartitionData> changed,
                                   List<TopicIdPartition> forgotten) {
            if (epoch != nextEpoch) {
                return Errors.INVALID_FETCH_SESSION_EPOCH;
            }
            forgotten.forEach(partitions::remove);
            changed.forEach((tip, data) -> {
                CachedPartition cached = partitions.get(tip);
                if (cached == null) {
                    partitions.put(tip, new CachedPartition(data));
                } else {
                    cached.request = data;
                }
            });
            nextEpoch = FetchMetadata.nextEpoch(epoch);
            return Errors.NONE;
        }

        /** What to fetch now: every partition of the session with its latest fetch state. */
        synchronized Map<TopicIdPartition, FetchRequest.PartitionData> fetchData() {
            Map<TopicIdPartition, FetchRequest.PartitionData> out = new LinkedHashMap<>();
            partitions.forEach((tip, cached) -> out.put(tip, cached.request));
            return out;
        }

        /**
         * Records what a response reports for {@code tip}; returns whether an incremental response must
         * carry it (Kafka's {@code CachedPartition.maybeUpdateResponseData}).
         */
        synchronized boolean update(TopicIdPartition tip, FetchResponseData.PartitionData reported) {
            CachedPartition cached = partitions.get(tip);
            if (cached == null) {
                return true;
            }
            boolean mustRespond = reported.records() != null && reported.records().sizeInBytes() > 0;
            if (cached.highWatermark != reported.highWatermark()) {
                mustRespond = true;
                cached.highWatermark = reported.highWatermark();
            }
            if (cached.logStartOffset != reported.logStartOffset()) {
                mustRespond = true;
                cached.logStartOffset = reported.logStartOffset();
            }
            if (cached.lastStableOffset != reported.lastStableOffset()) {
                mustRespond = true;
                cached.lastStableOffset = reported.lastStableOffset();
            }
            return mustRespond || reported.errorCode() != Errors.NONE.code();
        }

        synchronized List<TopicIdPartition> partitionKeys() {
            return new ArrayList<>(partitions.keySet());
        }
    }

    /** A partition of a session: the client's fetch state and the offsets last reported to it. */
    static final class CachedPartition {
        FetchRequest.PartitionData request;
        long highWatermark = -1;
        long logStartOffset = -1;
        long lastStableOffset = -1;

        CachedPartition(FetchRequest.PartitionData request) {
            this.request = request;
        }
    }
}
