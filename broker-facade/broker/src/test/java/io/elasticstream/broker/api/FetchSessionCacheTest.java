package io.elasticstream.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.elasticstream.common.ManualClock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.junit.jupiter.api.Test;

class FetchSessionCacheTest {
    private static final TopicIdPartition P0 = new TopicIdPartition(Uuid.randomUuid(), 0, "t");

    private static FetchRequest.PartitionData at(long offset) {
        return new FetchRequest.PartitionData(P0.topicId(), offset, -1, 1024, Optional.empty());
    }

    @Test
    void aFullCacheEvictsOnlyASessionIdleForTheEvictionTime() {
        ManualClock clock = new ManualClock();
        FetchSessionCache cache = new FetchSessionCache(2, 1_000, clock);
        FetchSessionCache.Session first = cache.create(Map.of(P0, at(0)));
        FetchSessionCache.Session second = cache.create(Map.of(P0, at(0)));
        assertNull(cache.create(Map.of(P0, at(0))), "full, and nobody idle long enough");

        clock.advanceMillis(600);
        cache.get(first.id); // used: the second is now the least recently used
        clock.advanceMillis(600);
        FetchSessionCache.Session third = cache.create(Map.of(P0, at(0)));
        assertNotNull(third);
        assertNull(cache.get(second.id), "the idle session was evicted");
        assertSame(first, cache.get(first.id));
        assertEquals(2, cache.size());
    }

    @Test
    void incrementalUpdatesMustCarryTheNextEpochAndChangeTheCachedFetchState() {
        FetchSessionCache cache = new FetchSessionCache(10, 1_000, new ManualClock());
        FetchSessionCache.Session s = cache.create(Map.of(P0, at(0)));
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, s.update(2, Map.of(), List.of()));
        assertEquals(Errors.NONE, s.update(1, Map.of(P0, at(7)), List.of()));
        assertEquals(7, s.fetchData().get(P0).fetchOffset);
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, s.update(1, Map.of(), List.of()), "an epoch is used once");
        assertEquals(Errors.NONE, s.update(FetchMetadata.nextEpoch(1), Map.of(), List.of(P0)));
        assertEquals(Map.of(), s.fetchData());
    }
}
