package io.elasticstream.broker.txn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.elasticstream.broker.txn.TransactionCoordinator.ProducerIdAndEpoch;
import io.elasticstream.common.ManualClock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded simulation of transaction coordinator failovers between markers. Producers begin, commit and abort
 * transactions over a few partitions, and get fenced by a new producer with the same id, while the partition
 * owners refuse markers at random (away, moving) and the {@code __transaction_state} partition fails over to
 * a new coordinator at a newer epoch, at any point, the old one either dead or still running (a zombie whose
 * appends are fenced, as a stream whose epoch was raised, and whose marker retries carry its older
 * coordinator epoch). The partitions accept markers as Kafka's do: never from an older coordinator epoch than
 * the last they wrote.
 *
 * <p>Invariants, once the refusals stop: every transaction ends with one outcome in all its partitions (no
 * partition commits what another aborts); a transaction whose EndTxn was answered NONE ends as asked in
 * every partition it wrote to; one a new producer fenced is aborted; no transaction is left prepared.
 */
@Timeout(120)
class TransactionFailoverSimulationTest {
    private static final TxnConfig CONFIG = new TxnConfig(1, 60_000, 604_800_000L, 1_000, 3_600_000, (short) 2);
    private static final List<String> IDS = List.of("txn-a", "txn-b");
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition("t", 0),
            new TopicPartition("t", 1), new TopicPartition("t", 2), new TopicPartition("t", 3));
    private static final int STEPS = 30;
    private static final long ANSWER_WAIT_MS = 2_000;
    /** Over all seeds: failovers with a transaction prepared, and zombie markers the partitions fenced. */
    private static final AtomicLong FAILOVERS_WHILE_PREPARED = new AtomicLong();
    private static final AtomicLong ZOMBIE_MARKERS_FENCED = new AtomicLong();
    private static final AtomicLong TRANSACTIONS_ENDED = new AtomicLong();

    static List<Long> seeds() {
        List<Long> seeds = new ArrayList<>();
        for (long s = 1; s <= 16; s++) {
            seeds.add(s);
        }
        return seeds;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyTransactionEndsWithOneOutcomeInAllItsPartitionsThroughFailovers(long seed) throws Exception {
        try (Simulation sim = new Simulation(seed)) {
            sim.run();
            sim.settle();
            sim.check();
        }
    }

    /** The seeds reached the cases the simulation exists for (else it would pass without testing them). */
    @AfterAll
    static void theSeedsCoveredFailoversBetweenMarkers() {
        assertTrue(FAILOVERS_WHILE_PREPARED.get() > 0, "no failover hit a prepared transaction");
        assertTrue(ZOMBIE_MARKERS_FENCED.get() > 0, "no zombie marker was fenced");
        assertTrue(TRANSACTIONS_ENDED.get() > 16, "too few transactions: " + TRANSACTIONS_ENDED);
    }

    /** The partition's records, shared by its openings; an opening older than the newest is fenced. */
    private static final class SharedLog {
        final List<byte[][]> records = new ArrayList<>();
        int newestEpoch;
    }

    /** One opening of the partition at {@code coordinatorEpoch}: its appends fail once a newer one exists. */
    private record Opening(SharedLog shared, int coordinatorEpoch) implements TxnLog {
        @Override
        public CompletableFuture<Void> append(byte[] key, byte[] value) {
            synchronized (shared) {
                if (coordinatorEpoch < shared.newestEpoch) {
                    return CompletableFuture.failedFuture(new IllegalStateException("fenced: epoch "
                            + coordinatorEpoch + " < " + shared.newestEpoch));
                }
                shared.records.add(new byte[][] {key, value});
                return CompletableFuture.completedFuture(null);
            }
        }

        @Override
        public CompletableFuture<Void> replay(BiConsumer<ByteBuffer, ByteBuffer> sink) {
            synchronized (shared) {
                for (byte[][] r : shared.records) {
                    sink.accept(ByteBuffer.wrap(r[0]), r[1] == null ? null : ByteBuffer.wrap(r[1]));
                }
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    /**
     * The transactions' partitions: a data write opens the producer's transaction there, the first marker
     * after it closes it with the marker's outcome; markers refused at random, and fenced below the last
     * coordinator epoch written.
     */
    private static final class Partitions implements TxnMarkers {
        private final Random random;
        private double refuseProbability = 0.25;
        private final Map<TopicPartition, Integer> lastCoordinatorEpoch = new HashMap<>();
        /** Per partition, per producer id: the transaction (the simulation's number) open there. */
        private final Map<TopicPartition, Map<Long, Integer>> open = new HashMap<>();
        /** Per transaction: the outcome each of its partitions ended it with (true: commit). */
        final Map<Integer, Map<TopicPartition, Boolean>> outcomes = new HashMap<>();

        Partitions(long seed) {
            random = new Random(seed * 31 + 7);
        }

        synchronized void write(TopicPartition tp, long producerId, int txn) {
            open.computeIfAbsent(tp, k -> new HashMap<>()).putIfAbsent(producerId, txn);
        }

        synchronized void stopRefusing() {
            refuseProbability = 0;
        }

        synchronized boolean anyOpen() {
            return open.values().stream().anyMatch(m -> !m.isEmpty());
        }

        @Override
        public synchronized CompletableFuture<Map<TopicPartition, Errors>> write(long producerId, short producerEpoch,
                                                                                 boolean commit, int coordinatorEpoch,
                                                                                 Set<TopicPartition> partitions) {
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            for (TopicPartition tp : partitions) {
                if (random.nextDouble() < refuseProbability) {
                    result.put(tp, Errors.NOT_LEADER_OR_FOLLOWER);
                } else if (coordinatorEpoch < lastCoordinatorEpoch.getOrDefault(tp, 0)) {
                    ZOMBIE_MARKERS_FENCED.incrementAndGet();
                    result.put(tp, Errors.TRANSACTION_COORDINATOR_FENCED);
                } else {
                    lastCoordinatorEpoch.put(tp, coordinatorEpoch);
                    Integer txn = open.computeIfAbsent(tp, k -> new HashMap<>()).remove(producerId);
                    if (txn != null) {
                        outcomes.computeIfAbsent(txn, k -> new HashMap<>()).put(tp, commit);
                    }
                    result.put(tp, Errors.NONE);
                }
            }
            return CompletableFuture.completedFuture(result);
        }
    }

    /** What the simulation knows of a producer (one per transactional id). */
    private static final class Producer {
        final String id;
        final boolean v2;
        long producerId = -1;
        short epoch = -1;
        /** The simulation's number of its open transaction, -1 if none. */
        int txn = -1;
        final Set<TopicPartition> partitions = new LinkedHashSet<>();

        Producer(String id, boolean v2) {
            this.id = id;
            this.v2 = v2;
        }
    }

    private static final class Simulation implements AutoCloseable {
        private final long seed;
        private final Random random;
        private final ManualClock clock = new ManualClock();
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final SharedLog shared = new SharedLog();
        private final Partitions partitions;
        private final AtomicLong producerIds = new AtomicLong(1000);
        private final List<TransactionCoordinator> all = new ArrayList<>();
        private final Map<String, Producer> producers = new LinkedHashMap<>();
        /** Transactions whose outcome is known: EndTxn answered NONE (as asked), or fenced (abort). */
        private final Map<Integer, Boolean> expected = new HashMap<>();
        private final Map<Integer, Set<TopicPartition>> written = new HashMap<>();
        private final List<String> trace = new ArrayList<>();
        private TransactionCoordinator coordinator;
        private int nextTxn;

        Simulation(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.partitions = new Partitions(seed);
            for (String id : IDS) {
                producers.put(id, new Producer(id, random.nextBoolean()));
            }
            coordinator = openCoordinator();
        }

        private TransactionCoordinator openCoordinator() {
            Opening opening;
            synchronized (shared) {
                shared.newestEpoch++;
                opening = new Opening(shared, shared.newestEpoch);
            }
            TxnLogs logs = new TxnLogs() {
                @Override
                public TxnLog get(int p) {
                    return opening;
                }

                @Override
                public void failed(int p) {
                }
            };
            TransactionCoordinator c = new TransactionCoordinator(CONFIG, logs, partitions,
                    () -> CompletableFuture.completedFuture(producerIds.getAndIncrement()), clock, timer);
            all.add(c);
            c.tick();
            trace.add("coordinator at epoch " + opening.coordinatorEpoch());
            return c;
        }

        void run() throws Exception {
            for (int step = 0; step < STEPS; step++) {
                Producer p = producers.get(IDS.get(random.nextInt(IDS.size())));
                int action = random.nextInt(10);
                if (action == 0) {
                    failover();
                } else if (action == 1 && p.txn >= 0) {
                    fence(p);
                } else if (p.producerId < 0) {
                    init(p);
                } else if (p.txn < 0 || action <= 4) {
                    addAndWrite(p);
                } else {
                    end(p, random.nextBoolean());
                }
            }
            for (Producer p : producers.values()) {
                if (p.txn >= 0) {
                    end(p, random.nextBoolean());
                }
            }
        }

        /** The partition moves: a new coordinator at a newer epoch; the old one dies or runs on as a zombie. */
        private void failover() throws Exception {
            TransactionCoordinator old = coordinator;
            if (!nonePrepared()) {
                FAILOVERS_WHILE_PREPARED.incrementAndGet();
            }
            boolean zombie = random.nextBoolean();
            if (!zombie) {
                old.close();
            }
            coordinator = openCoordinator();
            trace.add("failover, the old coordinator " + (zombie ? "runs on" : "died"));
        }

        private void init(Producer p) throws Exception {
            ProducerIdAndEpoch r = retrying(() -> coordinator.initProducerId(p.id, 60_000, -1, (short) -1));
            trace.add(p.id + " init: " + r);
            if (r != null && r.error() == Errors.NONE) {
                p.producerId = r.producerId();
                p.epoch = r.epoch();
            }
        }

        /** A new producer with the same id: the open transaction is aborted, the old producer fenced. */
        private void fence(Producer p) throws Exception {
            int txn = p.txn;
            ProducerIdAndEpoch r = retrying(() -> coordinator.initProducerId(p.id, 60_000, -1, (short) -1));
            trace.add(p.id + " fenced by a new producer: " + r + " (transaction " + txn + ")");
            if (r != null && r.error() == Errors.NONE) {
                if (!expected.containsKey(txn)) {
                    expected.put(txn, false);
                }
                p.producerId = r.producerId();
                p.epoch = r.epoch();
                p.txn = -1;
                p.partitions.clear();
            }
        }

        private void addAndWrite(Producer p) throws Exception {
            Set<TopicPartition> tps = new LinkedHashSet<>();
            tps.add(PARTITIONS.get(random.nextInt(PARTITIONS.size())));
            tps.add(PARTITIONS.get(random.nextInt(PARTITIONS.size())));
            Map<TopicPartition, Errors> r = retrying(() -> coordinator.addPartitions(p.id, p.producerId, p.epoch, tps,
                    false), m -> m.values().iterator().next());
            trace.add(p.id + " add " + tps + ": " + r);
            if (r == null || r.values().stream().anyMatch(e -> e != Errors.NONE)) {
                if (r != null && r.values().contains(Errors.PRODUCER_FENCED)) {
                    p.producerId = -1; // fenced: a new instance inits again
                    p.txn = -1;
                    p.partitions.clear();
                }
                return;
            }
            if (p.txn < 0) {
                p.txn = nextTxn++;
            }
            p.partitions.addAll(tps);
            for (TopicPartition tp : tps) {
                partitions.write(tp, p.producerId, p.txn);
                written.computeIfAbsent(p.txn, k -> new LinkedHashSet<>()).add(tp);
            }
        }

        /** EndTxn, asked again while its answer is lost or the coordinator moves, until it is definite. */
        private void end(Producer p, boolean commit) throws Exception {
            int txn = p.txn;
            for (int attempt = 0; attempt < 20; attempt++) {
                ProducerIdAndEpoch r = retrying(() -> coordinator.endTxn(p.id, p.producerId, p.epoch, commit, p.v2));
                trace.add(p.id + (commit ? " commit " : " abort ") + txn + ": " + r);
                if (r == null) {
                    continue; // lost with a coordinator that died: ask the new one
                }
                if (r.error() == Errors.NONE) {
                    expected.putIfAbsent(txn, commit);
                    p.producerId = r.producerId();
                    p.epoch = r.epoch();
                } else if (r.error() == Errors.PRODUCER_FENCED || r.error() == Errors.INVALID_PRODUCER_EPOCH) {
                    p.producerId = -1; // its transaction's end is not known: only its consistency is checked
                }
                p.txn = -1;
                p.partitions.clear();
                return;
            }
            fail("EndTxn never answered; " + trace);
        }

        private <T> T retrying(Supplier<CompletableFuture<T>> call) throws Exception {
            return retrying(call, r -> r instanceof ProducerIdAndEpoch pe ? pe.error() : Errors.NONE);
        }

        /**
         * The call's answer, asked again while the coordinator is loading or completing (as a client retries);
         * null when no answer came (a coordinator that died with the request).
         */
        private <T> T retrying(Supplier<CompletableFuture<T>> call, java.util.function.Function<T, Errors> error)
                throws Exception {
            for (int i = 0; i < 200; i++) {
                T r;
                try {
                    r = call.get().get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                    return null;
                }
                Errors e = error.apply(r);
                if (e != Errors.COORDINATOR_LOAD_IN_PROGRESS && e != Errors.CONCURRENT_TRANSACTIONS) {
                    return r;
                }
                coordinator.tick();
                Thread.sleep(10);
            }
            fail("the coordinator never answered definitely; " + trace);
            return null;
        }

        /** The partitions accept every marker again; waits for every transaction to be ended everywhere. */
        void settle() throws Exception {
            partitions.stopRefusing();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                coordinator.tick().get(5, TimeUnit.SECONDS);
                if (!partitions.anyOpen() && nonePrepared()) {
                    return;
                }
                Thread.sleep(20);
            }
            fail("seed " + seed + ": transactions left open or prepared: " + partitions.open + "; " + trace);
        }

        private boolean nonePrepared() throws Exception {
            for (String id : IDS) {
                TxnMetadata m = coordinator.metadataOf(id).get(5, TimeUnit.SECONDS);
                if (m != null && (m.state() == TxnState.PREPARE_COMMIT || m.state() == TxnState.PREPARE_ABORT)) {
                    return false;
                }
            }
            return true;
        }

        void check() {
            synchronized (partitions) {
                written.forEach((txn, tps) -> {
                    Map<TopicPartition, Boolean> ended = partitions.outcomes.getOrDefault(txn, Map.of());
                    TRANSACTIONS_ENDED.incrementAndGet();
                    assertEquals(tps, ended.keySet(), "seed " + seed + ": transaction " + txn
                            + " ended in every partition it wrote to; " + trace);
                    assertEquals(1, Set.copyOf(ended.values()).size(), "seed " + seed + ": transaction " + txn
                            + " has one outcome everywhere: " + ended + "; " + trace);
                    Boolean asked = expected.get(txn);
                    if (asked != null) {
                        assertTrue(ended.values().stream().allMatch(asked::equals), "seed " + seed
                                + ": transaction " + txn + " ended as answered (" + (asked ? "commit" : "abort")
                                + "): " + ended + "; " + trace);
                    }
                });
            }
        }

        @Override
        public void close() {
            all.forEach(TransactionCoordinator::close);
            timer.shutdownNow();
        }
    }
}
