package io.elasticstream.broker.share;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.elasticstream.common.ManualClock;
import java.util.List;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * Share sessions as Kafka 4.4 keeps them: epoch 0 opens (or replaces) a member's session, each request after it
 * carries the next epoch and may add or forget partitions, -1 or the close of its connection ends it; no
 * session, a wrong epoch and a full cache are refused with Kafka's errors.
 */
class ShareSessionsTest {
    private static final Uuid TOPIC = new Uuid(3, 3);
    private static final TopicIdPartition P0 = new TopicIdPartition(TOPIC, 0, "queue");
    private static final TopicIdPartition P1 = new TopicIdPartition(TOPIC, 1, "queue");
    private static final ShareSessions.Key M1 = new ShareSessions.Key("g", "m1");

    private final ManualClock clock = new ManualClock();
    private final ShareSessions sessions = new ShareSessions(2, clock);

    @Test
    void aSessionMovesEpochByEpochAndClosesAtMinusOne() {
        assertEquals(new ShareSessions.Outcome(Errors.NONE, List.of(P0)), sessions.onRequest(M1, "c1", 0, List.of(P0), List.of()));
        assertEquals(List.of(P0, P1), sessions.onRequest(M1, "c1", 1, List.of(P1), List.of()).partitions());
        assertEquals(List.of(P1), sessions.onRequest(M1, "c1", 2, List.of(), List.of(P0)).partitions(), "P0 forgotten");
        assertEquals(Errors.INVALID_SHARE_SESSION_EPOCH, sessions.onRequest(M1, "c1", 2, List.of(), List.of()).error(),
                "an epoch already used");
        assertEquals(Errors.INVALID_SHARE_SESSION_EPOCH, sessions.onRequest(M1, "c1", 5, List.of(), List.of()).error());
        assertEquals(List.of(P1), sessions.onRequest(M1, "c1", 3, List.of(), List.of()).partitions(), "refusals moved nothing");
        assertEquals(List.of(P1), sessions.onRequest(M1, "c1", -1, List.of(), List.of()).partitions(), "closed, with what it had");
        assertEquals(Errors.SHARE_SESSION_NOT_FOUND, sessions.onRequest(M1, "c1", 4, List.of(), List.of()).error());
    }

    @Test
    void epochZeroReplacesTheMembersSession() {
        sessions.onRequest(M1, "c1", 0, List.of(P0), List.of());
        sessions.onRequest(M1, "c1", 1, List.of(), List.of());
        assertEquals(List.of(P1), sessions.onRequest(M1, "c1", 0, List.of(P1), List.of()).partitions());
        assertEquals(Errors.NONE, sessions.onRequest(M1, "c1", 1, List.of(), List.of()).error(), "counting again from 1");
        assertEquals(1, sessions.size());
    }

    @Test
    void theSessionsOfAClosedConnectionEnd() {
        sessions.onRequest(M1, "c1", 0, List.of(P0), List.of());
        ShareSessions.Key m2 = new ShareSessions.Key("g", "m2");
        sessions.onRequest(m2, "c2", 0, List.of(P1), List.of());
        sessions.onRequest(m2, "c3", 1, List.of(), List.of()); // m2 reconnected: its session follows
        assertEquals(List.of(), sessions.connectionClosed("c2"), "no session's last request came on c2");
        assertEquals(List.of(new ShareSessions.Closed(M1, List.of(P0))), sessions.connectionClosed("c1"));
        assertEquals(Errors.SHARE_SESSION_NOT_FOUND, sessions.onRequest(M1, "c4", 1, List.of(), List.of()).error());
        assertEquals(1, sessions.size());
    }

    @Test
    void aFullCacheRefusesNewSessionsUntilOneHasBeenIdleLongEnough() {
        sessions.onRequest(M1, "c1", 0, List.of(P0), List.of());
        sessions.onRequest(new ShareSessions.Key("g", "m2"), "c1", 0, List.of(P0), List.of());
        ShareSessions.Key m3 = new ShareSessions.Key("g", "m3");
        assertEquals(Errors.SHARE_SESSION_LIMIT_REACHED, sessions.onRequest(m3, "c1", 0, List.of(P0), List.of()).error());
        clock.advanceMillis(ShareSessions.EVICTABLE_IDLE_MS);
        assertEquals(Errors.NONE, sessions.onRequest(m3, "c1", 0, List.of(P0), List.of()).error(), "an idle one made room");
        assertEquals(2, sessions.size());
    }
}
