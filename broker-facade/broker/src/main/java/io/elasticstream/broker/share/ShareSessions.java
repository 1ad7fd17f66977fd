package io.elasticstream.broker.share;

import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share sessions of this broker (KIP-932's share-fetch sessions), one per (group, member): the partitions
 * the member fetches here, and the epoch its next request must carry. ShareFetch with epoch 0 opens a
 * session (replacing the member's old one), each later ShareFetch or ShareAcknowledge carries the next epoch
 * (1, 2, ... wrapping to 1) and may add partitions or forget some, and epoch -1 closes it. Errors as Kafka's:
 * SHARE_SESSION_NOT_FOUND for a member without a session, INVALID_SHARE_SESSION_EPOCH for a wrong epoch,
 * SHARE_SESSION_LIMIT_REACHED when {@code group.share.max.share.sessions} are open and none has been idle
 * for {@link #EVICTABLE_IDLE_MS}. A session ends too when the connection of its last request closes
 * ({@link #connectionClosed}), as in Kafka. Thread-safe.
 */
public final class ShareSessions {
    public static final int INITIAL_EPOCH = 0;
    public static final int FINAL_EPOCH = -1;
    /** A session idle this long may be evicted to make room for a new one. */
    static final long EVICTABLE_IDLE_MS = 120_000;

    /** Whose session. */
    public record Key(String groupId, String memberId) {
    }

    /** The outcome of a request's epoch: NONE and the session's partitions now, or the error. */
    public record Outcome(Errors error, List<TopicIdPartition> partitions) {
        static Outcome failed(Errors error) {
            return new Outcome(error, List.of());
        }
    }

    private static final class Session {
        int nextEpoch = 1;
        final Set<TopicIdPartition> partitions = new LinkedHashSet<>();
        long lastUsedMs;
        /** The connection of the session's last request. */
        String connectionId;
    }

    /** A session closed because its connection did: whose, and its partitions. */
    public record Closed(Key key, List<TopicIdPartition> partitions) {
    }

    private final int maxSessions;
    private final Clock clock;
    private final Map<Key, Session> sessions = new HashMap<>();

    public ShareSessions(int maxSessions, Clock clock) {
        this.maxSessions = maxSessions;
        this.clock = clock;
    }

    /**
     * Applies a request's epoch: 0 opens a session of {@code added}, replacing the member's previous one; a
     * positive epoch moves the session on, adding {@code added} and dropping {@code forgotten}; -1 closes the
     * session, answering with the partitions it had.
     */
    public synchronized Outcome onRequest(Key key, String connectionId, int epoch, Collection<TopicIdPartition> added,
                                          Collection<TopicIdPartition> forgotten) {
        long now = clock.monotonicMillis();
        if (epoch == INITIAL_EPOCH) {
            return open(key, connectionId, added, now);
        }
        Session s = sessions.get(key);
        if (s == null) {
            return Outcome.failed(Errors.SHARE_SESSION_NOT_FOUND);
        }
        if (epoch == FINAL_EPOCH) {
            sessions.remove(key);
            return new Outcome(Errors.NONE, List.copyOf(s.partitions));
        }
        if (epoch != s.nextEpoch) {
            return Outcome.failed(Errors.INVALID_SHARE_SESSION_EPOCH);
        }
        s.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        s.partitions.addAll(added);
        forgotten.forEach(s.partitions::remove);
        s.lastUsedMs = now;
        s.connectionId = connectionId;
        return new Outcome(Errors.NONE, List.copyOf(s.partitions));
    }

    /** Closes the sessions whose last request came on {@code connectionId}; returns them. */
    public synchronized List<Closed> connectionClosed(String connectionId) {
        List<Closed> closed = new ArrayList<>();
        sessions.entrySet().removeIf(e -> {
            if (!connectionId.equals(e.getValue().connectionId)) {
                return false;
            }
            closed.add(new Closed(e.getKey(), List.copyOf(e.getValue().partitions)));
            return true;
        });
        return closed;
    }

    private Outcome open(Key key, String connectionId, Collection<TopicIdPartition> partitions, long now) {
        if (!sessions.containsKey(key) && sessions.size() >= maxSessions && !evictOne(now)) {
            return Outcome.failed(Errors.SHARE_SESSION_LIMIT_REACHED);
        }
        Session s = new Session();
        s.partitions.addAll(partitions);
        s.lastUsedMs = now;
        s.connectionId = connectionId;
        sessions.put(key, s);
        return new Outcome(Errors.NONE, List.copyOf(s.partitions));
    }

    private boolean evictOne(long now) {
        for (Map.Entry<Key, Session> e : sessions.entrySet()) {
            if (now - e.getValue().lastUsedMs >= EVICTABLE_IDLE_MS) {
                sessions.remove(e.getKey());
                return true;
            }
        }
        return false;
    }

    /** Whether any member of {@code groupId} has a session open here. */
    public synchronized boolean hasGroup(String groupId) {
        for (Key k : sessions.keySet()) {
            if (k.groupId().equals(groupId)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code key} has a session open. */
    public synchronized boolean isOpen(Key key) {
        return sessions.containsKey(key);
    }

    public synchronized int size() {
        return sessions.size();
    }
}
