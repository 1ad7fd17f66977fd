package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReplicationAuditTest {

    private static StreamRecord stream(long id, long startOffset, int replicaCount) {
        return new StreamRecord(id, 1, startOffset, replicaCount, Math.min(2, replicaCount), new TopicId(0, 1), 0);
    }

    @Test
    void sealedRangesWithADeadReplicaAreReportedWithTheirLiveAndDeadServers() {
        List<RangeRecord> ranges = List.of(
                new RangeRecord(2, 0, 0, 10, 1, List.of(1, 2, 3)),
                new RangeRecord(1, 1, 5, 8, 1, List.of(3, 4, 5)),
                new RangeRecord(1, 0, 0, 5, 1, List.of(1, 2, 3)),
                new RangeRecord(3, 0, 0, 10, 1, List.of(1, 2)));

        assertEquals(List.of(
                        new UnderReplicatedRange(1, 0, 0, 5, List.of(1, 2), List.of(3), 0),
                        new UnderReplicatedRange(1, 1, 5, 8, List.of(4), List.of(3, 5), 0),
                        new UnderReplicatedRange(2, 0, 0, 10, List.of(1, 2), List.of(3), 0)),
                ReplicationAudit.underReplicated(ranges, Map.of(1L, stream(1, 0, 3), 2L, stream(2, 0, 3),
                        3L, stream(3, 0, 2)), Set.of(1, 2, 4)));
    }

    @Test
    void sealedRangesPlacedOnFewerServersThanTheReplicaCountAreReportedWithHowManyAreMissing() {
        List<RangeRecord> ranges = List.of(
                new RangeRecord(1, 0, 0, 10, 1, List.of(1)),
                new RangeRecord(1, 1, 10, 20, 1, List.of(1, 2, 3)),
                new RangeRecord(1, 2, 20, RangeInfo.OPEN, 1, List.of(2))); // open: its writer's job

        assertEquals(List.of(new UnderReplicatedRange(1, 0, 0, 10, List.of(1), List.of(), 2)),
                ReplicationAudit.underReplicated(ranges, Map.of(1L, stream(1, 0, 3)), Set.of(1, 2, 3)));
    }

    @Test
    void openEmptyTrimmedAndOrphanedRangesAreNotReported() {
        List<RangeRecord> ranges = List.of(
                new RangeRecord(1, 0, 0, 10, 1, List.of(1, 2)), // trimmed: the stream starts at 10
                new RangeRecord(1, 1, 10, 10, 1, List.of(1, 2)), // empty
                new RangeRecord(1, 2, 10, RangeInfo.OPEN, 1, List.of(1, 2)), // open: its writer's job
                new RangeRecord(9, 0, 0, 10, 1, List.of(1, 2))); // its stream is deleted

        assertEquals(List.of(), ReplicationAudit.underReplicated(ranges, Map.of(1L, stream(1, 10, 2)), Set.of(1)));
    }
}
