package io.elasticstream.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.elasticstream.broker.partition.LeaderEpochCache.EpochEndOffset;
import io.elasticstream.placement.api.RangeInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeaderEpochCacheTest {
    private static RangeInfo range(int index, long start, long end, long epoch) {
        return new RangeInfo(7, index, start, end, epoch, List.of());
    }

    /** Epoch 1 wrote [0, 10) over two ranges, epoch 2 wrote nothing, epoch 3 wrote [10, 25), epoch 5 is open at 25. */
    private static final List<RangeInfo> RANGES = List.of(range(0, 0, 4, 1), range(1, 4, 10, 1),
            range(2, 10, 10, 2), range(3, 10, 25, 3), range(4, 25, RangeInfo.OPEN, 5));

    @Test
    void eachEpochEndsWhereTheNextEpochThatWroteSomethingStarts() {
        LeaderEpochCache cache = LeaderEpochCache.fromRanges(RANGES, 0);
        assertEquals(Map.of(1, 0L, 3, 10L, 5, 25L), cache.entries(), "epoch 2 wrote nothing");
        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(1, 30));
        assertEquals(new EpochEndOffset(1, 10), cache.endOffsetFor(2, 30), "an empty epoch answers with the one before");
        assertEquals(new EpochEndOffset(3, 25), cache.endOffsetFor(3, 30));
        assertEquals(new EpochEndOffset(3, 25), cache.endOffsetFor(4, 30));
        assertEquals(new EpochEndOffset(5, 30), cache.endOffsetFor(5, 30), "the current epoch ends at the log end");
        assertEquals(new EpochEndOffset(-1, -1), cache.endOffsetFor(6, 30), "an unknown newer epoch");
        assertEquals(new EpochEndOffset(0, 0), cache.endOffsetFor(0, 30), "an epoch older than all");
        assertEquals(new EpochEndOffset(-1, -1), cache.endOffsetFor(-1, 30));
    }

    @Test
    void epochsBelowTheLogStartOffsetCollapseIntoOneStartingThere() {
        LeaderEpochCache cache = LeaderEpochCache.fromRanges(RANGES, 12);
        assertEquals(Map.of(3, 12L, 5, 25L), cache.entries());
        assertEquals(new EpochEndOffset(1, 12), cache.endOffsetFor(1, 30), "older than the first kept epoch");
        assertEquals(new EpochEndOffset(3, 25), cache.endOffsetFor(3, 30));
    }

    @Test
    void aFreshPartitionHasOnlyTheCurrentEpoch() {
        LeaderEpochCache cache = LeaderEpochCache.fromRanges(List.of(range(0, 0, RangeInfo.OPEN, 1)), 0);
        assertEquals(new EpochEndOffset(1, 0), cache.endOffsetFor(1, 0));
        assertEquals(new EpochEndOffset(0, 0), cache.endOffsetFor(0, 0));
    }
}
