package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.TopicId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OwnerCountsTest {
    private static final TopicId TOPIC = new TopicId(0, 1);
    private final List<PartitionInfo> stored = new ArrayList<>(List.of(partition(0, 1), partition(1, 1),
            partition(2, 2)));
    private final AtomicInteger reads = new AtomicInteger();
    private final OwnerCounts counts = new OwnerCounts(() -> {
        reads.incrementAndGet();
        return List.copyOf(stored);
    });

    private static PartitionInfo partition(int partition, int owner) {
        return new PartitionInfo("t", TOPIC, partition, 100 + partition, owner, 0);
    }

    @Test
    void theRecordsAreReadOnceThenCreatedPartitionsAreCountedWithoutReadingThemAgain() {
        assertEquals(Map.of(1, 2, 2, 1, 3, 0), counts.of(Set.of(1, 2, 3)));

        counts.created(List.of(partition(3, 3), partition(4, 3)));

        assertEquals(Map.of(1, 2, 3, 2), counts.of(Set.of(1, 3)), "only the brokers asked about");
        assertEquals(1, reads.get());
    }

    @Test
    void afterPartitionsMovedOrWentTheRecordsAreCountedAgain() {
        counts.of(Set.of(1));
        stored.set(0, partition(0, 2));

        counts.forget();

        assertEquals(Map.of(1, 1, 2, 2), counts.of(Set.of(1, 2)));
        assertEquals(2, reads.get());
    }
}
