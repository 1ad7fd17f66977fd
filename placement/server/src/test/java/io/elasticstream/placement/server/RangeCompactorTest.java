package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RangeCompactorTest {
    private static final long STREAM = 5;
    private static final MetadataKeys KEYS = new MetadataKeys(PlacementConfig.DEFAULT_CLUSTER_PREFIX);

    /** Records of one stream built range by range, each range 10 offsets long. */
    private static final class History {
        final List<RangeCompactor.Held> records = new ArrayList<>();
        int nextIndex;

        History verified(int count) {
            for (int i = 0; i < count; i++) {
                single(range(nextIndex).asVerified());
            }
            return this;
        }

        History unverified() {
            return single(range(nextIndex));
        }

        History empty() {
            return single(new RangeRecord(STREAM, nextIndex, 10L * nextIndex, 10L * nextIndex, 1, List.of(1, 2, 3)));
        }

        History run(int count) {
            List<RangeRecord> run = new ArrayList<>();
            int first = nextIndex;
            for (int i = 0; i < count; i++) {
                run.add(range(nextIndex++).asVerified());
            }
            records.add(new RangeCompactor.Held(kv(first), run));
            return this;
        }

        History open() {
            return single(new RangeRecord(STREAM, nextIndex, 10L * nextIndex, RangeInfo.OPEN, 1, List.of(1, 2, 3)));
        }

        private History single(RangeRecord range) {
            records.add(new RangeCompactor.Held(kv(nextIndex++), List.of(range)));
            return this;
        }

        private static RangeRecord range(int index) {
            return new RangeRecord(STREAM, index, 10L * index, 10L * index + 10, 1, List.of(1, 2, 3));
        }

        private static KeyValue kv(int index) {
            return new KeyValue(KEYS.range(STREAM, index), new byte[0], 1, 1, 1, 0);
        }
    }

    private static StreamRecord stream(long startOffset) {
        return new StreamRecord(STREAM, 1, startOffset, 3, 2, new TopicId(0, 1), 0);
    }

    /** Each merge as the first index of each record it merges. */
    private static List<List<Integer>> plan(History history, long streamStart) {
        return RangeCompactor.plan(history.records, stream(streamStart)).stream()
                .map(merge -> merge.records().stream().map(kv -> Integer.parseInt(kv.key()
                        .substring(kv.key().lastIndexOf('/') + 1))).toList())
                .toList();
    }

    @Test
    void eightSettledRecordsBeforeTheLastAreMergedButSevenWait() {
        assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7)), plan(new History().verified(8).open(), 0));
        assertEquals(List.of(), plan(new History().verified(7).open(), 0));
        assertEquals(List.of(), plan(new History().verified(7).verified(1), 0),
                "the record holding the last range is never merged, even sealed");
    }

    @Test
    void aRangeNotYetVerifiedSplitsTheHistoryAndStaysOnItsOwn() {
        assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7), List.of(9, 10, 11, 12, 13, 14, 15, 16)),
                plan(new History().verified(8).unverified().verified(8).open(), 0));
    }

    @Test
    void emptyRangesAndRangesTrimmedAwayAreSettledWithoutAVerification() {
        History history = new History();
        for (int i = 0; i < 4; i++) {
            history.unverified(); // [0, 40) below the stream start
        }
        for (int i = 0; i < 4; i++) {
            history.empty();
        }
        assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5, 6, 7)), plan(history.open(), 40));
    }

    @Test
    void aRunGrowsUpToItsLimitAndAFullRunIsLeftAlone() {
        History history = new History().run(RangeCompactor.MAX_RUN - 6).verified(6).verified(2).open();
        assertEquals(List.of(List.of(0, 250, 251, 252, 253, 254, 255)), plan(history, 0),
                "the first run takes six more ranges to be full; two records wait for more");
        assertEquals(List.of(), plan(new History().run(RangeCompactor.MAX_RUN).run(3).open(), 0));
    }

    @Test
    void oneTransactionMergesAtMostItsLimitOfRecordsAndTheRunsItLeavesAreMergedNextTime() {
        List<List<Integer>> merges = plan(new History().verified(RangeCompactor.MAX_RECORDS + 10).open(), 0);
        assertEquals(2, merges.size());
        assertEquals(RangeCompactor.MAX_RECORDS, merges.get(0).size());
        assertEquals(10, merges.get(1).size());

        assertEquals(List.of(List.of(0, 64)), plan(new History().run(64).run(10).open(), 0),
                "two runs meet: merged although fewer than 8 records");
        assertEquals(List.of(List.of(0, 64, 74)), plan(new History().run(64).run(10).verified(1).open(), 0));
        assertEquals(List.of(), plan(new History().run(64).verified(3).open(), 0));
    }
}
