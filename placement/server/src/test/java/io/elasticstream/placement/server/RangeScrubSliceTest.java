package io.elasticstream.placement.server;

import io.elasticstream.placement.server.codec.RangeRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link RangeMaintenance#nextSlice}: the scrub's walk over verified ranges, one slice a round. */
class RangeScrubSliceTest {
    private static RangeCheck check(long stream, int index) {
        return new RangeCheck(new RangeRecord(stream, index, 0, 10, 1, List.of(1), true), "k", List.of(), 1);
    }

    private static final List<RangeCheck> VERIFIED = List.of(check(1, 0), check(1, 1), check(2, 0), check(5, 3),
            check(5, 4));

    private static List<String> slice(RangeRecord upTo, int max) {
        return RangeMaintenance.nextSlice(VERIFIED, upTo, max).stream()
                .map(c -> c.range().streamId() + "/" + c.range().index()).toList();
    }

    @Test
    void eachSliceStartsAfterThePreviousOneAndWrapsAround() {
        assertEquals(List.of("1/0", "1/1"), slice(null, 2));
        assertEquals(List.of("2/0", "5/3"), slice(VERIFIED.get(1).range(), 2));
        assertEquals(List.of("5/4", "1/0"), slice(VERIFIED.get(3).range(), 2));
        assertEquals(List.of("1/0", "1/1", "2/0", "5/3", "5/4"), slice(VERIFIED.get(4).range(), 9),
                "never a range twice in one slice");
    }

    @Test
    void aRangeGoneSinceThePreviousSliceDoesNotLoseThePlace() {
        RangeRecord trimmedAway = new RangeRecord(3, 7, 0, 10, 1, List.of(1), true);
        assertEquals(List.of("5/3"), slice(trimmedAway, 1));
        assertEquals(List.of(), slice(null, 0));
    }
}
