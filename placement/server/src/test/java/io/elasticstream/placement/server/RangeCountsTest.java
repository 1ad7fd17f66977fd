package io.elasticstream.placement.server;

import io.elasticstream.placement.server.codec.RangeRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RangeCountsTest {
    private final List<RangeRecord> stored = new ArrayList<>(List.of(
            new RangeRecord(1, 0, 0, 10, 1, List.of(1, 2, 3)),
            new RangeRecord(1, 1, 10, 20, 1, List.of(1, 2, 4))));
    private final AtomicInteger reads = new AtomicInteger();
    private final RangeCounts counts = new RangeCounts(() -> {
        reads.incrementAndGet();
        return List.copyOf(stored);
    });

    @Test
    void theRecordsAreReadOnceThenEachPlacementIsCountedWithoutReadingThemAgain() {
        assertEquals(2, counts.held(1));
        assertEquals(1, counts.held(3));
        assertEquals(0, counts.held(9), "a server holding nothing");

        counts.placed(List.of(3, 4, 5));
        counts.placed(List.of(5));

        assertEquals(List.of(2, 2, 2, 2, 2), List.of(counts.held(1), counts.held(2), counts.held(3),
                counts.held(4), counts.held(5)));
        assertEquals(1, reads.get());
    }

    @Test
    void aRecountReplacesWhatWasCountedIncludingRangesDroppedByTrimsAndDeletes() {
        counts.placed(List.of(1, 2, 3)); // not counted yet: the first use reads the records
        assertEquals(2, counts.held(1));

        counts.replace(RangeCounts.count(List.of(new RangeRecord(1, 1, 10, 20, 1, List.of(1, 2, 4)))));

        assertEquals(List.of(1, 1, 0, 1), List.of(counts.held(1), counts.held(2), counts.held(3), counts.held(4)));
        counts.replace(RangeCounts.count(List.of(new RangeRecord(1, 2, 20, 30, 1, List.of(3)))));
        assertEquals(List.of(0, 1), List.of(counts.held(1), counts.held(3)), "a repair round's count replaces them");
        assertEquals(1, reads.get());
    }
}
