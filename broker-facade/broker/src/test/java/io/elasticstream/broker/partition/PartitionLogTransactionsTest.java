package io.elasticstream.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.placement.api.ProducerSnapshot;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TransactionCoordinatorFencedException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A partition's side of transactions: the last stable offset held by an open transaction, markers that end
 * it, the aborted-transaction index a read_committed fetch is answered with, and the checks on markers.
 */
@Timeout(10)
class PartitionLogTransactionsTest {
    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final long TXN_PRODUCER = 7;
    private static final long OTHER_PRODUCER = 8;

    private ControlledStream stream;
    private PartitionLog log;

    @BeforeEach
    void open() {
        stream = new ControlledStream();
        log = PartitionLog.open(new TopicPartition("t", 0), Uuid.randomUuid(), stream).join();
    }

    private static MemoryRecords transactional(long producerId, short epoch, int baseSequence, String... values) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, epoch, baseSequence, records(values));
    }

    private static MemoryRecords idempotent(long producerId, int baseSequence, String... values) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, baseSequence,
                records(values));
    }

    private static SimpleRecord[] records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1000L, values[i].getBytes());
        }
        return records;
    }

    /** The transaction's coordinator confirmed that the producer's transaction includes this partition. */
    private void verified(long producerId, short epoch) {
        TxnVerifications.Token token = log.beginTxnVerification(producerId, epoch);
        if (token != null) {
            log.confirmTxnVerification(producerId, token, true);
        }
    }

    /** Appends a transaction's first batch here, verified first. */
    private void beginConfirmed(MemoryRecords records) {
        var batch = records.batches().iterator().next();
        verified(batch.producerId(), batch.producerEpoch());
        appendConfirmed(records);
    }

    private static InvalidTxnStateException refused(Runnable append) {
        return assertThrows(InvalidTxnStateException.class, append::run);
    }

    private void appendConfirmed(MemoryRecords records) {
        var f = log.append(records, MAX_BATCH_BYTES);
        stream.confirmNext();
        f.join();
    }

    private long markerConfirmed(long producerId, short epoch, boolean commit, int coordinatorEpoch) {
        var f = log.appendMarker(producerId, epoch, commit, coordinatorEpoch, 2000L);
        stream.confirmNext();
        return f.join();
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetUntilItsMarker() {
        appendConfirmed(idempotent(OTHER_PRODUCER, 0, "a"));                // offset 0
        beginConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1", "t2")); // offsets 1-2
        appendConfirmed(idempotent(OTHER_PRODUCER, 1, "b"));                // offset 3

        assertEquals(4, log.highWatermark());
        assertEquals(1, log.lastStableOffset(), "read_committed stops at the open transaction's first offset");

        assertEquals(4L, markerConfirmed(TXN_PRODUCER, (short) 0, true, 0));
        assertEquals(5, log.lastStableOffset(), "the commit marker releases the last stable offset");
        assertTrue(log.abortedTxns(0, 5).isEmpty(), "a committed transaction is not in the aborted index");
    }

    @Test
    void aMarkerConfirmedBeforeItsAppendReturnsStillReleasesTheLastStableOffset() {
        beginConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1", "t2")); // offsets 0-1
        stream.confirmAtOnce();
        assertEquals(2L, log.appendMarker(TXN_PRODUCER, (short) 0, false, 0, 2000L).join());
        assertEquals(3, log.lastStableOffset(), "the abort marker ended the transaction, with no append after it");
        log.append(idempotent(OTHER_PRODUCER, 0, "a"), MAX_BATCH_BYTES).join();
        assertEquals(4, log.lastStableOffset(), "a batch confirmed at once is counted too");
    }

    @Test
    void anAbortIsIndexedForTheFetchesThatOverlapIt() {
        beginConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1"));    // offset 0
        appendConfirmed(transactional(TXN_PRODUCER, (short) 0, 1, "t2"));   // offset 1
        long marker = markerConfirmed(TXN_PRODUCER, (short) 0, false, 0); // offset 2
        appendConfirmed(idempotent(OTHER_PRODUCER, 0, "a"));               // offset 3

        assertEquals(4, log.lastStableOffset());
        assertEquals(List.of(new ProducerSnapshot.AbortedTxn(TXN_PRODUCER, 0, marker)), log.abortedTxns(0, 4));
        assertEquals(List.of(new ProducerSnapshot.AbortedTxn(TXN_PRODUCER, 0, marker)), log.abortedTxns(2, 4),
                "a fetch from inside the aborted transaction is still told of it");
        assertTrue(log.abortedTxns(3, 4).isEmpty(), "a fetch after the abort marker is not");
    }

    @Test
    void aNonTransactionalWriteWhileTheProducersTransactionIsOpenIsRefused() {
        beginConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1"));
        CompletionException e = assertThrows(CompletionException.class, () -> {
            throw new CompletionException(assertThrows(RuntimeException.class,
                    () -> log.append(idempotent(TXN_PRODUCER, 1, "x"), MAX_BATCH_BYTES)));
        });
        assertInstanceOf(InvalidTxnStateException.class, e.getCause());
    }

    @Test
    void aTransactionsFirstBatchHereIsWrittenOnlyOnceTheCoordinatorConfirmedThePartitionIsInIt() {
        refused(() -> log.append(transactional(TXN_PRODUCER, (short) 0, 0, "unverified"), MAX_BATCH_BYTES));

        TxnVerifications.Token notIn = log.beginTxnVerification(TXN_PRODUCER, (short) 0);
        log.confirmTxnVerification(TXN_PRODUCER, notIn, false);
        refused(() -> log.append(transactional(TXN_PRODUCER, (short) 0, 0, "not in it"), MAX_BATCH_BYTES));

        beginConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1"));
        assertEquals(null, log.beginTxnVerification(TXN_PRODUCER, (short) 0), "its transaction is open here now");
        appendConfirmed(transactional(TXN_PRODUCER, (short) 0, 1, "t2"));
        markerConfirmed(TXN_PRODUCER, (short) 0, true, 0);
        refused(() -> log.append(transactional(TXN_PRODUCER, (short) 0, 2, "after the marker"), MAX_BATCH_BYTES));
        assertEquals(3, log.logEndOffset(), "nothing refused was written: t1, t2 and the marker");
    }

    @Test
    void aMarkerWrittenWhileTheCoordinatorWasAskedVoidsItsAnswer() {
        // The producer's first request to this partition is verified: the coordinator answers "in the
        // transaction", but aborts the transaction (its timeout) and writes the marker here before the answer
        // arrives. The request's write would begin a transaction the coordinator knows nothing of.
        TxnVerifications.Token asked = log.beginTxnVerification(TXN_PRODUCER, (short) 0);
        markerConfirmed(TXN_PRODUCER, (short) 0, false, 0);
        log.confirmTxnVerification(TXN_PRODUCER, asked, true);
        refused(() -> log.append(transactional(TXN_PRODUCER, (short) 0, 0, "late"), MAX_BATCH_BYTES));
        assertEquals(1, log.lastStableOffset(), "no transaction open here");
    }

    @Test
    void pipelinedRequestsOfAProducerShareOneVerification() {
        TxnVerifications.Token first = log.beginTxnVerification(TXN_PRODUCER, (short) 0);
        TxnVerifications.Token second = log.beginTxnVerification(TXN_PRODUCER, (short) 0);
        assertTrue(first == second, "one verification in progress for the producer");
        log.confirmTxnVerification(TXN_PRODUCER, first, true);
        log.confirmTxnVerification(TXN_PRODUCER, second, true);
        appendConfirmed(transactional(TXN_PRODUCER, (short) 0, 0, "t1"));
        appendConfirmed(transactional(TXN_PRODUCER, (short) 0, 1, "t2"));
        assertEquals(0, log.lastStableOffset());
    }

    @Test
    void markersFromAnOlderProducerEpochOrCoordinatorEpochAreRefused() {
        beginConfirmed(transactional(TXN_PRODUCER, (short) 3, 0, "t1"));
        markerConfirmed(TXN_PRODUCER, (short) 3, true, 5);

        assertThrows(InvalidProducerEpochException.class,
                () -> log.appendMarker(TXN_PRODUCER, (short) 2, false, 5, 3000L));
        assertThrows(TransactionCoordinatorFencedException.class,
                () -> log.appendMarker(TXN_PRODUCER, (short) 3, false, 4, 3000L));
    }

    @Test
    void theTransactionStateSurvivesASnapshotAndRestore() {
        ProducerStateTable table = new ProducerStateTable();
        table.update(TXN_PRODUCER, (short) 0, 0, 0, 0, 1000L, true);
        table.endTxn(TXN_PRODUCER, (short) 0, false, 1, 0);
        table.update(OTHER_PRODUCER, (short) 0, 0, 0, 2, 1000L, true);

        ProducerStateTable restored = new ProducerStateTable();
        restored.restore(table.snapshot(3, 0, 100));
        assertEquals(2, restored.firstOpenTxnOffset(), "the open transaction still holds the last stable offset");
        assertEquals(List.of(new ProducerSnapshot.AbortedTxn(TXN_PRODUCER, 0, 1)), restored.abortedTxns(0, 3));
        assertEquals(2, restored.activeProducers().stream().filter(p -> p.producerId() == OTHER_PRODUCER)
                .findFirst().orElseThrow().currentTxnStartOffset());
    }
}
