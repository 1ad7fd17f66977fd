package io.elasticstream.broker.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.txn.TransactionCoordinator.ProducerIdAndEpoch;
import io.elasticstream.common.ManualClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The transaction coordinator over an in-memory {@code __transaction_state} partition and scripted partition
 * owners: producer ids and epochs (fencing, KIP-360, transactions v2's bump per end), the two-phase end with
 * its markers, timeouts, Kafka's error codes, and a coordinator failover between markers: the new
 * coordinator replays the partition, finds the transaction prepared and writes the markers again with its
 * newer coordinator epoch before completing it.
 */
@Timeout(20)
class TransactionCoordinatorTest {
    private static final String ID = "txn-a";
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TxnConfig CONFIG = new TxnConfig(1, 60_000, 604_800_000L, 1_000, 3_600_000, (short) 2);

    private final ManualClock clock = new ManualClock();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MemoryLog log = new MemoryLog(1);
    private final ScriptedMarkers markers = new ScriptedMarkers();
    private final AtomicLong producerIds = new AtomicLong(1000);
    private TransactionCoordinator coordinator = coordinator(log);

    /** The partition's records in memory; {@code coordinatorEpoch} is the epoch of this opening. */
    private record MemoryLog(List<byte[][]> records, int coordinatorEpoch) implements TxnLog {
        MemoryLog(int coordinatorEpoch) {
            this(new ArrayList<>(), coordinatorEpoch);
        }

        /** The same records opened again at a newer epoch, as after a failover. */
        MemoryLog reopened() {
            return new MemoryLog(records, coordinatorEpoch + 1);
        }

        @Override
        public synchronized CompletableFuture<Void> append(byte[] key, byte[] value) {
            records.add(new byte[][] {key, value});
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public synchronized CompletableFuture<Void> replay(BiConsumer<ByteBuffer, ByteBuffer> sink) {
            for (byte[][] r : records) {
                sink.accept(ByteBuffer.wrap(r[0]), r[1] == null ? null : ByteBuffer.wrap(r[1]));
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    /** One WriteTxnMarkers call as the coordinator made it. */
    private record MarkerCall(long producerId, short epoch, boolean commit, int coordinatorEpoch,
                              Set<TopicPartition> partitions) {
    }

    /** Partition owners that write markers, except into the partitions told to refuse them. */
    private static final class ScriptedMarkers implements TxnMarkers {
        final List<MarkerCall> calls = new ArrayList<>();
        final Set<TopicPartition> refusing = new HashSet<>();

        @Override
        public synchronized CompletableFuture<Map<TopicPartition, Errors>> write(long producerId, short producerEpoch,
                                                                                 boolean commit, int coordinatorEpoch,
                                                                                 Set<TopicPartition> partitions) {
            calls.add(new MarkerCall(producerId, producerEpoch, commit, coordinatorEpoch, Set.copyOf(partitions)));
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            partitions.forEach(tp -> result.put(tp, refusing.contains(tp) ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.NONE));
            return CompletableFuture.completedFuture(result);
        }

        synchronized List<MarkerCall> calls() {
            return List.copyOf(calls);
        }

        synchronized void refuse(Set<TopicPartition> tps) {
            refusing.clear();
            refusing.addAll(tps);
        }
    }

    private TransactionCoordinator coordinator(TxnLog partition) {
        TxnLogs logs = new TxnLogs() {
            @Override
            public TxnLog get(int p) {
                return partition;
            }

            @Override
            public void failed(int p) {
            }
        };
        return new TransactionCoordinator(CONFIG, logs, markers,
                () -> CompletableFuture.completedFuture(producerIds.getAndIncrement()), clock, timer);
    }

    @AfterEach
    void close() {
        coordinator.close();
        timer.shutdownNow();
    }

    private ProducerIdAndEpoch init(long expectedProducerId, short expectedEpoch) throws Exception {
        for (int i = 0; i < 100; i++) {
            ProducerIdAndEpoch r = coordinator.initProducerId(ID, 10_000, expectedProducerId, expectedEpoch)
                    .get(5, TimeUnit.SECONDS);
            if (r.error() != Errors.COORDINATOR_LOAD_IN_PROGRESS) {
                return r;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("never loaded");
    }

    private Errors add(ProducerIdAndEpoch p, TopicPartition... tps) throws Exception {
        Map<TopicPartition, Errors> r = coordinator.addPartitions(ID, p.producerId(), p.epoch(), Set.of(tps), false)
                .get(5, TimeUnit.SECONDS);
        return r.values().iterator().next();
    }

    private TxnMetadata awaitState(TxnState state) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        TxnMetadata m = coordinator.metadataOf(ID).get(5, TimeUnit.SECONDS);
        while ((m == null || m.state() != state) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            m = coordinator.metadataOf(ID).get(5, TimeUnit.SECONDS);
        }
        assertEquals(state, m == null ? null : m.state(), "state of " + ID);
        return m;
    }

    @Test
    void initGivesAnIdAtEpochZeroAndEachReinitBumpsTheEpoch() throws Exception {
        ProducerIdAndEpoch first = init(-1, (short) -1);
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, 1000, (short) 0), first);
        ProducerIdAndEpoch second = init(-1, (short) -1);
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, 1000, (short) 1), second);
        assertEquals(second, init(1000, (short) 0), "KIP-360: the epoch just replaced is a retry, answered again");
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, 1000, (short) 2), init(1000, (short) 1),
                "KIP-360: the current epoch bumps it");
        assertEquals(Errors.PRODUCER_FENCED, init(1000, (short) 0).error(), "KIP-360: an older epoch is fenced");
        assertEquals(Errors.INVALID_TRANSACTION_TIMEOUT, coordinator.initProducerId(ID, 60_001, -1, (short) -1)
                .get(5, TimeUnit.SECONDS).error());
    }

    @Test
    void aCommitIsPreparedThenMarkedInEveryPartitionThenCompleted() throws Exception {
        ProducerIdAndEpoch p = init(-1, (short) -1);
        assertEquals(Errors.NONE, add(p, P0, P1));
        ProducerIdAndEpoch ended = coordinator.endTxn(ID, p.producerId(), p.epoch(), true, false)
                .get(5, TimeUnit.SECONDS);
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, p.producerId(), p.epoch()), ended, "v1 keeps the epoch");
        awaitState(TxnState.COMPLETE_COMMIT);
        assertEquals(List.of(new MarkerCall(1000, (short) 0, true, 1, Set.of(P0, P1))), markers.calls());
    }

    @Test
    void transactionsV2BumpsTheEpochOnEveryEndAndAnswersARetryOfTheEndTheSame() throws Exception {
        ProducerIdAndEpoch p = init(-1, (short) -1);
        assertEquals(Errors.NONE, add(p, P0));
        ProducerIdAndEpoch ended = coordinator.endTxn(ID, p.producerId(), p.epoch(), true, true)
                .get(5, TimeUnit.SECONDS);
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, 1000, (short) 1), ended);
        awaitState(TxnState.COMPLETE_COMMIT);
        assertEquals((short) 1, markers.calls().getFirst().epoch(), "the markers carry the bumped epoch");
        assertEquals(ended, coordinator.endTxn(ID, p.producerId(), p.epoch(), true, true).get(5, TimeUnit.SECONDS),
                "a retry with the old epoch gets the same answer");
        assertEquals(Errors.NONE, add(ended, P1), "the next transaction runs at the new epoch");
        assertEquals(Errors.PRODUCER_FENCED, add(p, P1));
    }

    @Test
    void kafkaErrorCodesForWrongIdsEpochsAndStates() throws Exception {
        ProducerIdAndEpoch p = init(-1, (short) -1);
        assertEquals(Errors.INVALID_PRODUCER_ID_MAPPING, coordinator.addPartitions(ID, 7, p.epoch(), Set.of(P0),
                false).get(5, TimeUnit.SECONDS).get(P0));
        assertEquals(Errors.INVALID_TXN_STATE, coordinator.endTxn(ID, p.producerId(), p.epoch(), true, false)
                .get(5, TimeUnit.SECONDS).error(), "nothing to commit");
        assertEquals(Errors.TRANSACTION_ABORTABLE, coordinator.addPartitions(ID, p.producerId(), p.epoch(),
                Set.of(P0), true).get(5, TimeUnit.SECONDS).get(P0), "verify-only: not in the transaction");
        assertEquals(Errors.NONE, add(p, P0));
        assertEquals(Errors.NONE, coordinator.addPartitions(ID, p.producerId(), p.epoch(), Set.of(P0), true)
                .get(5, TimeUnit.SECONDS).get(P0));
    }

    @Test
    void aNewProducerWithTheSameIdAbortsTheOpenTransactionAndFencesTheOldOne() throws Exception {
        ProducerIdAndEpoch old = init(-1, (short) -1);
        assertEquals(Errors.NONE, add(old, P0));
        assertEquals(Errors.CONCURRENT_TRANSACTIONS, init(-1, (short) -1).error(), "the client retries");
        awaitState(TxnState.COMPLETE_ABORT);
        assertEquals(List.of(new MarkerCall(1000, (short) 1, false, 1, Set.of(P0))), markers.calls(),
                "aborted at a bumped epoch, so the old producer's late writes are refused");
        ProducerIdAndEpoch fresh = init(-1, (short) -1);
        assertEquals(new ProducerIdAndEpoch(Errors.NONE, 1000, (short) 2), fresh);
        assertEquals(Errors.PRODUCER_FENCED, coordinator.endTxn(ID, old.producerId(), old.epoch(), true, false)
                .get(5, TimeUnit.SECONDS).error());
    }

    @Test
    void aTransactionOpenPastItsTimeoutIsAbortedByTheCoordinator() throws Exception {
        ProducerIdAndEpoch p = init(-1, (short) -1);
        assertEquals(Errors.NONE, add(p, P1));
        clock.advanceMillis(10_001);
        coordinator.tick().get(5, TimeUnit.SECONDS);
        TxnMetadata m = awaitState(TxnState.COMPLETE_ABORT);
        assertEquals((short) 1, m.epoch(), "the abort bumped the epoch");
        assertEquals(List.of(new MarkerCall(1000, (short) 1, false, 1, Set.of(P1))), markers.calls());
        assertEquals(Errors.PRODUCER_FENCED, add(p, P0), "the timed-out producer is fenced");
    }

    @Test
    void aCoordinatorFailoverBetweenMarkersResumesThemWithItsNewerEpochAndCompletes() throws Exception {
        ProducerIdAndEpoch p = init(-1, (short) -1);
        assertEquals(Errors.NONE, add(p, P0, P1));
        markers.refuse(Set.of(P1)); // P1's owner is away: its marker is retried
        assertEquals(Errors.NONE, coordinator.endTxn(ID, p.producerId(), p.epoch(), true, false)
                .get(5, TimeUnit.SECONDS).error());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (markers.calls().size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(Set.of(P1), markers.calls().get(1).partitions(), "only the missing marker is retried");
        assertEquals(TxnState.PREPARE_COMMIT, coordinator.metadataOf(ID).get(5, TimeUnit.SECONDS).state());

        coordinator.close(); // the coordinator's broker dies with P1's marker unwritten
        markers.refuse(Set.of());
        int callsBefore = markers.calls().size();
        coordinator = coordinator(log.reopened());
        coordinator.tick().get(5, TimeUnit.SECONDS); // the new owner loads the partition
        awaitState(TxnState.COMPLETE_COMMIT);
        List<MarkerCall> resumed = markers.calls().subList(callsBefore, markers.calls().size());
        assertEquals(1, resumed.size(), "one round of markers from the new coordinator: " + resumed);
        assertEquals(new MarkerCall(1000, (short) 0, true, 2, Set.of(P0, P1)), resumed.getFirst(),
                "every partition again (markers are idempotent), at coordinator epoch 2");
        ProducerIdAndEpoch next = init(p.producerId(), p.epoch());
        assertEquals(Errors.NONE, next.error(), "the producer goes on after the failover");
        assertTrue(next.epoch() > p.epoch());
    }
}
