package io.elasticstream.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.placement.api.ProducerSnapshot;
import java.util.List;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
    private static final long PID = 1000;
    private final ProducerStateTable table = new ProducerStateTable();

    @Test
    void anUnknownProducerStartsAtSequenceZero() {
        assertFalse(table.check(PID, (short) 0, 0, 2).duplicate());
        assertFalse(table.check(PID, (short) 5, 0, 0).duplicate(), "at any epoch");
    }

    @Test
    void anUnknownProducerStartingPastZeroIsOutOfOrderSoItsEarlierBatchesAreNotOvertaken() {
        // Its first batch failed here (e.g. NOT_LEADER_OR_FOLLOWER while the partition opened), the next arrived.
        assertThrows(OutOfOrderSequenceException.class, () -> table.check(PID, (short) 0, 17, 19));
        assertFalse(table.check(PID, (short) 0, RecordBatch.NO_SEQUENCE, RecordBatch.NO_SEQUENCE).duplicate(),
                "a coordinator's own write carries no sequence");
    }

    @Test
    void aRetriedBatchIsADuplicateAnsweredWithItsOriginalOffset() {
        table.update(PID, (short) 0, 0, 4, 100);
        table.update(PID, (short) 0, 5, 9, 105);
        ProducerStateTable.Check check = table.check(PID, (short) 0, 0, 4);
        assertTrue(check.duplicate());
        assertEquals(100, check.duplicateBaseOffset());
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedAsKafkaDoes() {
        for (int i = 0; i < 6; i++) {
            table.update(PID, (short) 0, i, i, i);
        }
        assertTrue(table.check(PID, (short) 0, 1, 1).duplicate());
        // Batch 0 fell out of the cache: it is no longer a duplicate, and it is out of order.
        assertThrows(OutOfOrderSequenceException.class, () -> table.check(PID, (short) 0, 0, 0));
    }

    @Test
    void aGapInSequenceNumbersIsOutOfOrder() {
        table.update(PID, (short) 0, 0, 4, 0);
        assertThrows(OutOfOrderSequenceException.class, () -> table.check(PID, (short) 0, 6, 7));
        assertFalse(table.check(PID, (short) 0, 5, 7).duplicate());
    }

    @Test
    void anOlderEpochIsFencedAndANewEpochMustStartAtSequenceZero() {
        table.update(PID, (short) 3, 0, 0, 0);
        assertThrows(InvalidProducerEpochException.class, () -> table.check(PID, (short) 2, 1, 1));
        assertThrows(OutOfOrderSequenceException.class, () -> table.check(PID, (short) 4, 1, 1));
        assertFalse(table.check(PID, (short) 4, 0, 0).duplicate());
    }

    @Test
    void sequenceNumbersWrapAroundAfterIntegerMax() {
        table.update(PID, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 0);
        assertFalse(table.check(PID, (short) 0, 0, 3).duplicate());
    }

    @Test
    void aRestoredSnapshotDedupsAndOrdersExactlyAsTheTableItWasTakenFrom() {
        for (int i = 0; i < 7; i++) {
            table.update(PID, (short) 3, i * 5, i * 5 + 4, 100 + i * 5, 1_000 + i);
        }
        table.update(PID + 1, (short) 0, 0, 0, 200, 2_000);
        ProducerSnapshot snapshot = table.snapshot(201, 50, 4096);
        assertEquals(201, snapshot.offset());
        assertEquals(50, snapshot.logStartOffset());
        assertEquals(4096, snapshot.sizeBytes());
        assertEquals(List.of(PID, PID + 1), snapshot.producers().stream().map(ProducerSnapshot.Producer::producerId).toList());
        assertEquals(ProducerStateTable.CACHED_BATCHES, snapshot.producers().getFirst().batches().size());

        ProducerStateTable restored = new ProducerStateTable();
        restored.update(PID + 2, (short) 0, 0, 0, 0); // replaced by the restore
        restored.restore(snapshot);

        assertEquals(table.activeProducers(), restored.activeProducers());
        assertEquals(snapshot, restored.snapshot(201, 50, 4096));
        ProducerStateTable.Check dup = restored.check(PID, (short) 3, 30, 34);
        assertTrue(dup.duplicate());
        assertEquals(130, dup.duplicateBaseOffset());
        assertFalse(restored.check(PID, (short) 3, 35, 39).duplicate(), "the next sequence is new");
        assertThrows(OutOfOrderSequenceException.class, () -> restored.check(PID, (short) 3, 5, 9),
                "a batch that fell out of the cache is out of order, as before the snapshot");
        assertThrows(InvalidProducerEpochException.class, () -> restored.check(PID, (short) 2, 0, 0));
        assertFalse(restored.check(PID + 2, (short) 0, 0, 0).duplicate(), "state not in the snapshot is gone");
    }
}
