package io.elasticstream.broker.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.share.SharePartition.Acknowledgement;
import io.elasticstream.broker.share.SharePartition.Acquired;
import io.elasticstream.broker.share.SharePartition.Limits;
import io.elasticstream.broker.share.SharePartition.RecordState;
import io.elasticstream.broker.share.SharePartition.StateBatch;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * A share-partition's delivery state: records handed out under acquisition locks, acknowledged, released,
 * rejected, redelivered after a lock expires, archived at the delivery-count limit, the start offset
 * moving past what is done, and the state that survives a restart.
 */
class SharePartitionTest {
    private static final Limits LIMITS = new Limits(3, 30_000, 100);
    private final SharePartition partition = new SharePartition(LIMITS, 0);

    private static List<Long> offsets(long from, long toExclusive) {
        return LongStream.range(from, toExclusive).boxed().toList();
    }

    private static Acknowledgement ack(long first, long last, AcknowledgeType type) {
        return new Acknowledgement(first, last, type);
    }

    @Test
    void membersShareAPartitionEachGettingOtherRecords() {
        assertEquals(List.of(new Acquired(0, 4, 1)), partition.acquire("m1", offsets(0, 10), 5, 0));
        assertEquals(List.of(new Acquired(5, 9, 1)), partition.acquire("m2", offsets(0, 10), 5, 0),
                "the records m1 holds are not handed out again");
        assertEquals(List.of(), partition.acquire("m3", offsets(0, 10), 5, 0), "nothing left");
        assertEquals(0, partition.startOffset());
        assertEquals(10, partition.endOffset());
    }

    @Test
    void acceptedRecordsMoveTheStartOffsetOnlyOnceEverythingBeforeThemIsDone() {
        partition.acquire("m1", offsets(0, 4), 2, 0);
        partition.acquire("m2", offsets(0, 4), 2, 0);
        assertEquals(Errors.NONE, partition.acknowledge("m2", List.of(ack(2, 3, AcknowledgeType.ACCEPT)), 0));
        assertEquals(0, partition.startOffset(), "offsets 0-1 are still in flight");
        assertEquals(Errors.NONE, partition.acknowledge("m1", List.of(ack(0, 0, AcknowledgeType.ACCEPT),
                ack(1, 1, AcknowledgeType.REJECT)), 0));
        assertEquals(4, partition.startOffset());
        assertNull(partition.stateOf(1), "done with: out of the window");
    }

    @Test
    void aReleasedRecordIsDeliveredAgainBeforeNewOnesWithItsDeliveryCounted() {
        partition.acquire("m1", offsets(0, 3), 3, 0);
        assertEquals(Errors.NONE, partition.acknowledge("m1", List.of(ack(1, 1, AcknowledgeType.RELEASE)), 0));
        assertEquals(RecordState.AVAILABLE, partition.stateOf(1));
        assertEquals(List.of(new Acquired(1, 1, 2), new Acquired(3, 3, 1)),
                partition.acquire("m2", offsets(0, 5), 2, 0), "the released record first, then a new one");
    }

    @Test
    void anExpiredLockMakesTheRecordAvailableToAnotherMember() {
        partition.acquire("m1", offsets(0, 2), 2, 1_000);
        assertEquals(0, partition.expireLocks(30_999));
        assertEquals(2, partition.expireLocks(31_000), "the member held them past the lock duration");
        assertEquals(List.of(new Acquired(0, 1, 2)), partition.acquire("m2", offsets(0, 2), 10, 31_000));
        assertEquals(Errors.INVALID_RECORD_STATE, partition.acknowledge("m1",
                List.of(ack(0, 1, AcknowledgeType.ACCEPT)), 31_001), "m1's lock is gone: its late ack is refused");
        assertEquals(Errors.NONE, partition.acknowledge("m2", List.of(ack(0, 1, AcknowledgeType.ACCEPT)), 31_001));
    }

    @Test
    void aRenewExtendsTheLockWithoutCountingADelivery() {
        partition.acquire("m1", offsets(0, 1), 1, 0);
        assertEquals(Errors.NONE, partition.acknowledge("m1", List.of(ack(0, 0, AcknowledgeType.RENEW)), 20_000));
        assertEquals(0, partition.expireLocks(30_000), "the lock runs from the renewal");
        assertEquals(1, partition.expireLocks(50_000));
        assertEquals(1, partition.deliveryCountOf(0));
    }

    @Test
    void aPoisonRecordIsArchivedAtTheDeliveryCountLimit() {
        for (int delivery = 1; delivery <= LIMITS.deliveryCountLimit(); delivery++) {
            assertEquals(List.of(new Acquired(0, 0, delivery)), partition.acquire("m" + delivery, offsets(0, 1), 1,
                    0));
            assertEquals(Errors.NONE, partition.acknowledge("m" + delivery, List.of(ack(0, 0,
                    AcknowledgeType.RELEASE)), 0));
        }
        assertEquals(1, partition.startOffset(), "archived after its third delivery: done with");
        assertEquals(List.of(), partition.acquire("m9", offsets(0, 1), 1, 0));
    }

    @Test
    void acknowledgementsOfRecordsNotHeldChangeNothing() {
        partition.acquire("m1", offsets(0, 2), 2, 0);
        assertEquals(Errors.INVALID_RECORD_STATE, partition.acknowledge("m2",
                List.of(ack(0, 0, AcknowledgeType.ACCEPT)), 0), "another member's record");
        assertEquals(Errors.INVALID_REQUEST, partition.acknowledge("m1",
                List.of(ack(0, 0, AcknowledgeType.ACCEPT), ack(5, 5, AcknowledgeType.ACCEPT)), 0),
                "beyond the end offset (as Kafka 4.4): the whole request is refused");
        assertEquals(RecordState.ACQUIRED, partition.stateOf(0), "not even the valid part was applied");
        assertEquals(Errors.INVALID_REQUEST, partition.acknowledge("m1",
                List.of(ack(1, 0, AcknowledgeType.ACCEPT)), 0), "an empty range");
    }

    @Test
    void acknowledgementsOfRecordsAlreadyDoneWithArePassedOver() {
        partition.acquire("m1", offsets(0, 2), 2, 0);
        assertEquals(Errors.NONE, partition.acknowledge("m1", List.of(ack(0, 1, AcknowledgeType.ACCEPT)), 0));
        assertEquals(2, partition.startOffset());
        assertEquals(Errors.NONE, partition.acknowledge("m1", List.of(ack(0, 0, AcknowledgeType.ACCEPT)), 0),
                "accepted twice: below the start offset, nothing to do (as Kafka 4.4 answers)");
    }

    @Test
    void offsetsWithNoRecordAreArchivedAsTheyArePassed() {
        assertEquals(List.of(new Acquired(0, 0, 1), new Acquired(3, 3, 1)),
                partition.acquire("m1", List.of(0L, 3L), 10, 0), "offsets 1-2 hold no record (a marker, say)");
        assertEquals(RecordState.ARCHIVED, partition.stateOf(1));
        partition.acknowledge("m1", List.of(ack(0, 0, AcknowledgeType.ACCEPT)), 0);
        assertEquals(3, partition.startOffset(), "the gap is done with");
    }

    @Test
    void offsetsAfterTheLastRecordUpToTheEndOfTheReadAreArchivedToo() {
        assertEquals(List.of(new Acquired(0, 1, 1)), partition.acquire("m1", List.of(0L, 1L), 10, 0, 3),
                "offset 2 is a transaction's marker: nothing to deliver");
        assertEquals(RecordState.ARCHIVED, partition.stateOf(2));
        assertEquals(3, partition.endOffset(), "no fetch reads the marker again");
        assertFalse(partition.canAcquire(3), "nothing left to hand out below the end of the log");
        assertTrue(partition.canAcquire(4), "a record written after it");
    }

    @Test
    void aLeavingMemberReleasesWhatItHolds() {
        partition.acquire("m1", offsets(0, 2), 2, 0);
        partition.acquire("m2", offsets(0, 4), 2, 0);
        partition.releaseMember("m1");
        assertEquals(RecordState.AVAILABLE, partition.stateOf(0));
        assertEquals(RecordState.ACQUIRED, partition.stateOf(2));
    }

    @Test
    void noMoreThanTheLockLimitIsInFlight() {
        SharePartition small = new SharePartition(new Limits(3, 30_000, 4), 0);
        assertEquals(List.of(new Acquired(0, 3, 1)), small.acquire("m1", offsets(0, 10), 10, 0));
        assertEquals(List.of(), small.acquire("m2", offsets(0, 10), 10, 0), "four records already in flight");
        small.acknowledge("m1", List.of(ack(0, 1, AcknowledgeType.ACCEPT)), 0);
        assertEquals(List.of(new Acquired(4, 5, 1)), small.acquire("m2", offsets(0, 10), 10, 0));
    }

    @Test
    void recordsDeletedFromTheLogAreDoneWith() {
        partition.acquire("m1", offsets(0, 5), 5, 0);
        partition.onLogStartOffset(3);
        assertEquals(3, partition.startOffset());
        assertNull(partition.stateOf(2));
        assertEquals(RecordState.ACQUIRED, partition.stateOf(3));
    }

    @Test
    void theStateSurvivesARestartWithoutItsLocks() {
        partition.acquire("m1", offsets(0, 6), 6, 0);
        partition.acknowledge("m1", List.of(ack(0, 0, AcknowledgeType.ACCEPT), ack(2, 2, AcknowledgeType.REJECT),
                ack(3, 3, AcknowledgeType.RELEASE)), 0);
        SharePartition.State state = partition.snapshot();
        assertEquals(1, state.startOffset());
        assertEquals(List.of(new StateBatch(1, 1, RecordState.AVAILABLE, 0), new StateBatch(2, 2, RecordState.ARCHIVED, 1),
                new StateBatch(3, 3, RecordState.AVAILABLE, 1), new StateBatch(4, 5, RecordState.AVAILABLE, 0)),
                state.batches(), "deliveries under way are not counted (as Kafka 4.4)");

        SharePartition restored = SharePartition.restore(LIMITS, state);
        assertEquals(1, restored.startOffset());
        assertEquals(6, restored.endOffset());
        assertEquals(List.of(new Acquired(1, 1, 1), new Acquired(3, 3, 2), new Acquired(4, 6, 1)),
                restored.acquire("m2", offsets(0, 7), 10, 0),
                "what m1 held is delivered again at its count, the released record counted; the archived one is not");
    }
}
