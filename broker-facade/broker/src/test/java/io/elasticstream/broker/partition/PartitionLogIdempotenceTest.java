package io.elasticstream.broker.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a partition answers a retried idempotent batch while its first write is still unconfirmed. */
@Timeout(10)
class PartitionLogIdempotenceTest {
    private static final int MAX_BATCH_BYTES = 1 << 20;
    private static final long PRODUCER_ID = 7;

    private ControlledStream stream;
    private PartitionLog log;

    @BeforeEach
    void open() {
        stream = new ControlledStream();
        log = PartitionLog.open(new TopicPartition("t", 0), Uuid.randomUuid(), stream).join();
    }

    private static MemoryRecords batch(int baseSequence, String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(1000L, values[i].getBytes());
        }
        return MemoryRecords.withIdempotentRecords(Compression.NONE, PRODUCER_ID, (short) 0, baseSequence, records);
    }

    @Test
    void aRetryOfAnUnconfirmedBatchIsAnsweredOnlyWhenTheFirstWriteIsConfirmed() {
        CompletableFuture<Long> first = log.append(batch(0, "a", "b"), MAX_BATCH_BYTES);
        CompletableFuture<Long> retry = log.append(batch(0, "a", "b"), MAX_BATCH_BYTES);

        assertFalse(retry.isDone(), "the retry must not be acknowledged before the first write is confirmed");
        assertEquals(2, stream.nextOffset(), "the retry is not written again");

        stream.confirmNext();
        assertEquals(0L, first.join());
        assertEquals(0L, retry.join());
    }

    @Test
    void aRetryOfABatchWhoseFirstWriteFailedFailsToo() {
        CompletableFuture<Long> first = log.append(batch(0, "a"), MAX_BATCH_BYTES);
        CompletableFuture<Long> retryInFlight = log.append(batch(0, "a"), MAX_BATCH_BYTES);

        stream.failPending();
        assertThrows(CompletionException.class, first::join);
        assertThrows(CompletionException.class, retryInFlight::join);

        CompletionException later = assertThrows(CompletionException.class,
                () -> log.append(batch(0, "a"), MAX_BATCH_BYTES).join());
        assertInstanceOf(KafkaStorageException.class, later.getCause(),
                "a retry after the failure is refused with a retriable error, never acknowledged");
    }

    @Test
    void aRetryOfAConfirmedBatchIsAnsweredAtOnceWithItsOriginalOffset() {
        log.append(batch(0, "a"), MAX_BATCH_BYTES);
        log.append(batch(1, "b", "c"), MAX_BATCH_BYTES);
        stream.confirmNext();
        stream.confirmNext();

        CompletableFuture<Long> retry = log.append(batch(1, "b", "c"), MAX_BATCH_BYTES);
        assertEquals(1L, retry.join());
        assertEquals(3, stream.nextOffset());
    }
}
