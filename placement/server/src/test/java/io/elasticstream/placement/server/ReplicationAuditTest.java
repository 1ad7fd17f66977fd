package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.server.codec.RangeRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplicationAuditTest {

    @Test
    void sealedRangesWithADeadReplicaAreReportedWithTheirLiveAndDeadServers() {
        List<RangeRecord> ranges = List.of(
                new RangeRecord(2, 0, 0, 10, 1, List.of(1, 2, 3)),
                new RangeRecord(1, 1, 5, 8, 1, List.of(3, 4, 5)),
                new RangeRecord(1, 0, 0, 5, 1, List.of(1, 2, 3)),
                new RangeRecord(3, 0, 0, 10, 1, List.of(1, 2)));

        assertEquals(List.of(
                        new UnderReplicatedRange(1, 0, 0, 5, List.of(1, 2), List.of(3)),
                        new UnderReplicatedRange(1, 1, 5, 8, List.of(4), List.of(3, 5)),
                        new UnderReplicatedRange(2, 0, 0, 10, List.of(1, 2), List.of(3))),
                ReplicationAudit.underReplicated(ranges, Map.of(1L, 0L, 2L, 0L, 3L, 0L), Set.of(1, 2, 4)));
    }

    @Test
    void openEmptyTrimmedAndOrphanedRangesAreNotReported() {
        List<RangeRecord> ranges = List.of(
                new RangeRecord(1, 0, 0, 10, 1, List.of(1, 2)), // trimmed: the stream starts at 10
                new RangeRecord(1, 1, 10, 10, 1, List.of(1, 2)), // empty
                new RangeRecord(1, 2, 10, RangeInfo.OPEN, 1, List.of(1, 2)), // open: its writer's job
                new RangeRecord(9, 0, 0, 10, 1, List.of(1, 2))); // its stream is deleted

        assertEquals(List.of(), ReplicationAudit.underReplicated(ranges, Map.of(1L, 10L), Set.of(1)));
    }
}
