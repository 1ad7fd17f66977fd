package io.elasticstream.broker.txn;

import io.elasticstream.broker.coordinator.PartitionLoads;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator for the {@code __transaction_state} partitions open on this broker (Kafka's
 * {@code TransactionCoordinator}, KIP-98 with KIP-360 and KIP-890).
 *
 * <p>All state lives on one owner thread: each public method queues its work there and returns a future.
 * A partition is loaded (its records replayed) when it opens here, found by {@link #tick} or the first
 * request for one of its ids; until then requests get COORDINATOR_LOAD_IN_PROGRESS, and NOT_COORDINATOR
 * when it is not open here. Every change of an id's {@link TxnMetadata} is written to the partition before
 * it takes effect; while it is being written the id is busy and requests get CONCURRENT_TRANSACTIONS.
 *
 * <p>Ending a transaction: EndTxn (or a timeout, or a new producer fencing the old one) writes
 * PREPARE_COMMIT / PREPARE_ABORT, answers the client, then has {@link TxnMarkers} write the markers into
 * every partition of the transaction, retrying those that fail, and finally writes COMPLETE_COMMIT /
 * COMPLETE_ABORT. A coordinator that takes a partition over (failover, move) resumes the markers of every
 * transaction it finds prepared. Markers carry the partition's leader epoch as the coordinator epoch, so
 * a zombie coordinator's markers are refused.
 *
 * <p>Transactions v2 ({@link TxnConfig#v2} and an EndTxn v5+ client): every EndTxn bumps the epoch (the
 * markers carry the bumped epoch; when the epoch is exhausted a new producer id takes over), and the
 * partition owners add partitions on produce ({@link #addPartitions} from the broker side).
 */
public final class TransactionCoordinator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    static final long TICK_MS = 100;
    /** Backoff between rounds of markers that failed. */
    static final long MARKER_RETRY_MS = 100;

    private final TxnConfig config;
    private final TxnLogs logs;
    private final TxnMarkers markers;
    private final Supplier<CompletableFuture<Long>> producerIds;
    private final Clock clock;
    private final ExecutorService owner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("txn-coordinator").daemon(true).factory());
    private final java.util.concurrent.ScheduledExecutorService timer;
    private final Map<String, Entry> ids = new HashMap<>();
    private final PartitionLoads<TxnLog> loads;
    private long nextAbortCheckMs;
    private long nextExpirationCheckMs;

    /** One id's metadata, its partition, and whether a change of it is being written. */
    private static final class Entry {
        final int partition;
        TxnMetadata metadata;
        boolean busy;

        Entry(int partition, TxnMetadata metadata) {
            this.partition = partition;
            this.metadata = metadata;
        }
    }

    /** InitProducerId and EndTxn v5+: the error, else the producer id and epoch to use. */
    public record ProducerIdAndEpoch(Errors error, long producerId, short epoch) {
        static ProducerIdAndEpoch failed(Errors error) {
            return new ProducerIdAndEpoch(error, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH);
        }
    }

    public TransactionCoordinator(TxnConfig config, TxnLogs logs, TxnMarkers markers,
                                  Supplier<CompletableFuture<Long>> producerIds, Clock clock,
                                  java.util.concurrent.ScheduledExecutorService timer) {
        this.config = config;
        this.logs = logs;
        this.markers = markers;
        this.producerIds = producerIds;
        this.clock = clock;
        this.timer = timer;
        this.loads = new PartitionLoads<>(TxnConfig.STATE_TOPIC, config.stateTopicPartitions(), logs::get,
                new Loader(), owner);
    }

    /** Starts the periodic {@link #tick} on {@code timer}. */
    public TransactionCoordinator start() {
        timer.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        return this;
    }

    public TxnConfig config() {
        return config;
    }

    private <T> CompletableFuture<T> onOwner(Supplier<CompletableFuture<T>> work) {
        return CompletableFuture.supplyAsync(work, owner).thenCompose(f -> f);
    }

    private long now() {
        return clock.epochMillis();
    }

    // ---------------------------------------------------------------- partitions and loading

    /** NONE when the id's partition is open and loaded here; else why not. Owner thread. */
    private Errors checkPartition(String transactionalId) {
        return loads.check(config.partitionFor(transactionalId));
    }

    /** Replays a partition's transactional ids, then resumes the markers of the transactions it left prepared. */
    private final class Loader implements PartitionLoads.Loader<TxnLog> {
        @Override
        public CompletableFuture<Runnable> load(int p, TxnLog log) {
            Map<String, TxnMetadata> found = new LinkedHashMap<>();
            long startMs = clock.monotonicMillis();
            return log.replay((key, value) -> {
                String id = TxnRecords.decodeKey(key);
                TxnMetadata m = TxnRecords.decodeValue(id, value);
                if (m == null) {
                    found.remove(id);
                } else {
                    found.put(id, m);
                }
            }).thenApply(v -> () -> {
                found.forEach((id, m) -> ids.put(id, new Entry(p, m)));
                LOG.info("Loaded {} transactional ids of {}-{} (coordinator epoch {}) in {} ms", found.size(),
                        TxnConfig.STATE_TOPIC, p, log.coordinatorEpoch(), clock.monotonicMillis() - startMs);
                PartitionLoads.Load<TxnLog> st = loads.get(p);
                for (Entry e : List.copyOf(ids.values())) {
                    if (e.partition == p && (e.metadata.state() == TxnState.PREPARE_COMMIT
                            || e.metadata.state() == TxnState.PREPARE_ABORT)) {
                        LOG.info("Resuming the markers of {} ({})", e.metadata.transactionalId(), e.metadata.state());
                        sendMarkers(e, st);
                    }
                }
            });
        }

        @Override
        public void unloaded(int p) {
            ids.values().removeIf(e -> e.partition == p);
            LOG.info("Unloaded the transactions of {}-{}", TxnConfig.STATE_TOPIC, p);
        }
    }

    /** Writes {@code next} as the id's metadata; it takes effect once durable. Owner thread. */
    private CompletableFuture<Errors> persist(Entry e, TxnMetadata next) {
        PartitionLoads.Load<TxnLog> st = loads.get(e.partition);
        if (st == null || !st.ready()) {
            return done(Errors.NOT_COORDINATOR);
        }
        e.busy = true;
        byte[] value = next.state() == TxnState.DEAD ? null : TxnRecords.value(next);
        return st.log().append(TxnRecords.key(next.transactionalId()), value)
                .handleAsync((v, err) -> {
                    e.busy = false;
                    if (err != null) {
                        LOG.warn("Writing transactional id {} to {}-{} failed: {}", next.transactionalId(),
                                TxnConfig.STATE_TOPIC, e.partition, err.toString());
                        loads.lost(e.partition, st);
                        logs.failed(e.partition);
                        return Errors.NOT_COORDINATOR;
                    }
                    if (!loads.isCurrent(e.partition, st)) {
                        return Errors.NOT_COORDINATOR;
                    }
                    LOG.debug("{}: {} -> {} (pid {} epoch {})", next.transactionalId(), e.metadata.state(),
                            next.state(), next.producerId(), next.epoch());
                    e.metadata = next;
                    if (next.state() == TxnState.DEAD) {
                        ids.remove(next.transactionalId(), e);
                    }
                    return Errors.NONE;
                }, owner);
    }

    // ---------------------------------------------------------------- InitProducerId

    /**
     * InitProducerId with a transactional id. {@code expectedProducerId}/{@code expectedEpoch} are the
     * producer's current ones when it re-initializes (KIP-360), else -1.
     */
    public CompletableFuture<ProducerIdAndEpoch> initProducerId(String transactionalId, int timeoutMs,
                                                                long expectedProducerId, short expectedEpoch) {
        if (transactionalId.isEmpty()) {
            return done(ProducerIdAndEpoch.failed(Errors.INVALID_REQUEST));
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            return done(ProducerIdAndEpoch.failed(Errors.INVALID_TRANSACTION_TIMEOUT));
        }
        return onOwner(() -> {
            Errors error = checkPartition(transactionalId);
            if (error != Errors.NONE) {
                return done(ProducerIdAndEpoch.failed(error));
            }
            Entry e = ids.get(transactionalId);
            if (e == null) {
                return producerIds.get().thenComposeAsync(id -> {
                    Errors again = checkPartition(transactionalId);
                    if (again != Errors.NONE) {
                        return done(ProducerIdAndEpoch.failed(again));
                    }
                    Entry created = ids.computeIfAbsent(transactionalId, k -> new Entry(config.partitionFor(k),
                            TxnMetadata.fresh(k, id, timeoutMs, now())));
                    return init(created, timeoutMs, expectedProducerId, expectedEpoch);
                }, owner).exceptionally(err -> ProducerIdAndEpoch.failed(Errors.COORDINATOR_NOT_AVAILABLE));
            }
            return init(e, timeoutMs, expectedProducerId, expectedEpoch);
        });
    }

    private CompletableFuture<ProducerIdAndEpoch> init(Entry e, int timeoutMs, long expectedProducerId,
                                                       short expectedEpoch) {
        if (e.busy) {
            return done(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
        }
        TxnMetadata m = e.metadata;
        boolean expected = expectedProducerId != RecordBatch.NO_PRODUCER_ID;
        if (expected && !isCurrentOrRetry(m, expectedProducerId, expectedEpoch)) {
            return done(ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED));
        }
        switch (m.state()) {
            case PREPARE_COMMIT, PREPARE_ABORT, PREPARE_EPOCH_FENCE -> {
                return done(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            case ONGOING -> {
                // A new producer with this id fences the old one and aborts its transaction; the client retries.
                TxnMetadata fenced = bumped(m).to(TxnState.PREPARE_ABORT, now());
                return prepareEnd(e, fenced).thenApply(err -> ProducerIdAndEpoch.failed(
                        err == Errors.NONE ? Errors.CONCURRENT_TRANSACTIONS : err));
            }
            case DEAD -> {
                return done(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            default -> {
            }
        }
        if (expected && m.producerId() == expectedProducerId && m.lastEpoch() == expectedEpoch
                && m.lastEpoch() != RecordBatch.NO_PRODUCER_EPOCH) {
            return done(new ProducerIdAndEpoch(Errors.NONE, m.producerId(), m.epoch())); // a retry: answered again
        }
        if (m.epochExhausted()) {
            return producerIds.get().thenComposeAsync(id -> {
                TxnMetadata next = m.withProducer(id, (short) 0, RecordBatch.NO_PRODUCER_EPOCH)
                        .withProducerIds(m.producerId(), RecordBatch.NO_PRODUCER_ID).withTimeout(timeoutMs)
                        .to(TxnState.EMPTY, now());
                return answerInit(e, next);
            }, owner).exceptionally(err -> ProducerIdAndEpoch.failed(Errors.COORDINATOR_NOT_AVAILABLE));
        }
        TxnMetadata next = m.withProducer(m.producerId(), (short) (m.epoch() + 1), m.epoch()).withTimeout(timeoutMs)
                .withV2(false).to(TxnState.EMPTY, now());
        return answerInit(e, next);
    }

    private CompletableFuture<ProducerIdAndEpoch> answerInit(Entry e, TxnMetadata next) {
        return persist(e, next).thenApply(err -> err == Errors.NONE
                ? new ProducerIdAndEpoch(Errors.NONE, next.producerId(), next.epoch())
                : ProducerIdAndEpoch.failed(err));
    }

    /** KIP-360: the producer's id and epoch are the current ones, or the ones just replaced (a retry). */
    private static boolean isCurrentOrRetry(TxnMetadata m, long producerId, short epoch) {
        if (m.producerId() == producerId) {
            return m.epoch() == epoch || m.lastEpoch() == epoch;
        }
        return m.prevProducerId() == producerId;
    }

    /** {@code m} with its epoch bumped (the last epoch remembered), for fencing and v2 ends. */
    private static TxnMetadata bumped(TxnMetadata m) {
        return m.withProducer(m.producerId(), (short) (m.epoch() + 1), m.epoch());
    }

    // ---------------------------------------------------------------- AddPartitionsToTxn, AddOffsetsToTxn

    /**
     * Adds {@code partitions} to the open transaction (or begins one), or with {@code verifyOnly} only checks
     * they are in it ({@link #verify}). Completes with one error per partition.
     */
    public CompletableFuture<Map<TopicPartition, Errors>> addPartitions(String transactionalId, long producerId,
                                                                        short epoch, Set<TopicPartition> partitions,
                                                                        boolean verifyOnly) {
        return onOwner(() -> {
            Errors error = checkPartition(transactionalId);
            Entry e = ids.get(transactionalId);
            if (error == Errors.NONE) {
                error = checkProducer(e, producerId, epoch);
            }
            if (error == Errors.NONE && verifyOnly) {
                return done(verify(e.metadata, partitions));
            }
            if (error == Errors.NONE && (e.busy || !e.metadata.state().idle() && e.metadata.state() != TxnState.ONGOING)) {
                error = Errors.CONCURRENT_TRANSACTIONS;
            }
            if (error != Errors.NONE) {
                return done(all(partitions, error));
            }
            TxnMetadata m = e.metadata;
            if (m.state() == TxnState.ONGOING && m.partitions().containsAll(partitions)) {
                return done(all(partitions, Errors.NONE));
            }
            return persist(e, m.withPartitions(partitions, now())).thenApply(err -> all(partitions, err));
        });
    }

    /**
     * KIP-890 part 1, a partition owner's check before a transactions-v1 client's write begins a transaction
     * on a partition: NONE for the partitions in the open transaction, TRANSACTION_ABORTABLE for the others;
     * CONCURRENT_TRANSACTIONS for all while the transaction is being completed. As Kafka, by the durable state
     * only (an add being written is not yet there; the client does not write before it is answered).
     */
    private static Map<TopicPartition, Errors> verify(TxnMetadata m, Set<TopicPartition> partitions) {
        if (m.state() == TxnState.PREPARE_COMMIT || m.state() == TxnState.PREPARE_ABORT) {
            return all(partitions, Errors.CONCURRENT_TRANSACTIONS);
        }
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            boolean in = m.state() == TxnState.ONGOING && m.partitions().contains(tp);
            result.put(tp, in ? Errors.NONE : Errors.TRANSACTION_ABORTABLE);
        }
        return result;
    }

    /** Adds the {@code __consumer_offsets} partition of a group to the transaction (AddOffsetsToTxn). */
    public CompletableFuture<Errors> addOffsetsPartition(String transactionalId, long producerId, short epoch,
                                                        TopicPartition offsetsPartition) {
        return addPartitions(transactionalId, producerId, epoch, Set.of(offsetsPartition), false)
                .thenApply(r -> r.get(offsetsPartition));
    }

    /** NONE when the id exists with this producer id and epoch; else Kafka's error. Owner thread. */
    private static Errors checkProducer(Entry e, long producerId, short epoch) {
        if (e == null || e.metadata.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (e.metadata.epoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return Errors.NONE;
    }

    private static Map<TopicPartition, Errors> all(Set<TopicPartition> partitions, Errors error) {
        Map<TopicPartition, Errors> result = new LinkedHashMap<>();
        partitions.forEach(tp -> result.put(tp, error));
        return result;
    }

    // ---------------------------------------------------------------- EndTxn

    /**
     * EndTxn: commits or aborts the open transaction. {@code v2Client} is an EndTxn v5+ request while
     * transactions v2 is finalized: the epoch is bumped and the answer carries the id and epoch to use next.
     */
    public CompletableFuture<ProducerIdAndEpoch> endTxn(String transactionalId, long producerId, short epoch,
                                                        boolean commit, boolean v2Client) {
        boolean v2 = v2Client && config.v2();
        return onOwner(() -> {
            Errors error = checkPartition(transactionalId);
            if (error != Errors.NONE) {
                return done(ProducerIdAndEpoch.failed(error));
            }
            Entry e = ids.get(transactionalId);
            if (e == null) {
                return done(ProducerIdAndEpoch.failed(Errors.INVALID_PRODUCER_ID_MAPPING));
            }
            if (e.busy) {
                return done(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
            }
            TxnMetadata m = e.metadata;
            boolean retry = v2 && isRetryOfV2End(m, producerId, epoch);
            if (!retry) {
                Errors producer = checkProducer(e, producerId, epoch);
                if (producer != Errors.NONE) {
                    return done(ProducerIdAndEpoch.failed(producer));
                }
            }
            TxnState completed = commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
            TxnState prepared = commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
            ProducerIdAndEpoch current = new ProducerIdAndEpoch(Errors.NONE, m.producerId(), m.epoch());
            switch (m.state()) {
                case ONGOING -> {
                    if (retry) {
                        return done(ProducerIdAndEpoch.failed(Errors.PRODUCER_FENCED));
                    }
                    return end(e, prepared, v2);
                }
                case COMPLETE_COMMIT, COMPLETE_ABORT -> {
                    if (m.state() == completed && (retry || !v2)) {
                        return done(current); // a retry of the EndTxn that completed it
                    }
                    if (v2 && !commit && !retry) {
                        return end(e, prepared, true);
                    }
                    return done(ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE));
                }
                case PREPARE_COMMIT, PREPARE_ABORT -> {
                    return done(ProducerIdAndEpoch.failed(m.state() == prepared ? Errors.CONCURRENT_TRANSACTIONS
                            : Errors.INVALID_TXN_STATE));
                }
                case EMPTY -> {
                    if (v2 && !commit && !retry) {
                        // v2: an abort with nothing added still bumps the epoch (no markers to write).
                        return end(e, prepared, true);
                    }
                    return done(ProducerIdAndEpoch.failed(Errors.INVALID_TXN_STATE));
                }
                default -> {
                    return done(ProducerIdAndEpoch.failed(Errors.CONCURRENT_TRANSACTIONS));
                }
            }
        });
    }

    /** v2: the request names the epoch just replaced by an EndTxn (or the producer id an overflow replaced). */
    private static boolean isRetryOfV2End(TxnMetadata m, long producerId, short epoch) {
        return (m.producerId() == producerId && m.lastEpoch() == epoch && m.epoch() != epoch)
                || (m.prevProducerId() == producerId && m.prevProducerId() != RecordBatch.NO_PRODUCER_ID);
    }

    /**
     * Prepares the end of {@code e}'s transaction and answers with the producer id and epoch to use next.
     * In v2 the epoch is bumped; when it is exhausted the markers carry the last epoch and a new producer id
     * (allocated now, {@code nextProducerId}) takes over at epoch 0 on completion.
     */
    private CompletableFuture<ProducerIdAndEpoch> end(Entry e, TxnState prepared, boolean v2) {
        TxnMetadata m = e.metadata.withV2(v2);
        if (!v2) {
            return prepareEnd(e, m.to(prepared, now())).thenApply(err -> err == Errors.NONE
                    ? new ProducerIdAndEpoch(Errors.NONE, m.producerId(), m.epoch()) : ProducerIdAndEpoch.failed(err));
        }
        if (!m.epochExhausted()) {
            TxnMetadata next = bumped(m).to(prepared, now());
            return prepareEnd(e, next).thenApply(err -> err == Errors.NONE
                    ? new ProducerIdAndEpoch(Errors.NONE, next.producerId(), next.epoch())
                    : ProducerIdAndEpoch.failed(err));
        }
        e.busy = true; // until the new id is there
        return producerIds.get().thenComposeAsync(id -> {
            e.busy = false;
            TxnMetadata next = bumped(m).withProducerIds(m.prevProducerId(), id).to(prepared, now());
            return prepareEnd(e, next).thenApply(err -> err == Errors.NONE
                    ? new ProducerIdAndEpoch(Errors.NONE, id, (short) 0) : ProducerIdAndEpoch.failed(err));
        }, owner).exceptionallyAsync(err -> {
            e.busy = false;
            return ProducerIdAndEpoch.failed(Errors.COORDINATOR_NOT_AVAILABLE);
        }, owner);
    }

    /** Writes a prepared end ({@code prepared}), then the markers in the background. Owner thread. */
    private CompletableFuture<Errors> prepareEnd(Entry e, TxnMetadata prepared) {
        return persist(e, prepared).thenApplyAsync(err -> {
            if (err == Errors.NONE) {
                sendMarkers(e, loads.get(e.partition));
            }
            return err;
        }, owner);
    }

    /** Writes the markers of the prepared transaction of {@code e}, then its completion. Owner thread. */
    private void sendMarkers(Entry e, PartitionLoads.Load<TxnLog> st) {
        TxnMetadata m = e.metadata;
        boolean commit = m.state() == TxnState.PREPARE_COMMIT;
        sendMarkers(e, st, m, commit, m.partitions());
    }

    private void sendMarkers(Entry e, PartitionLoads.Load<TxnLog> st, TxnMetadata m, boolean commit, Set<TopicPartition> pending) {
        if (!loads.isCurrent(e.partition, st) || e.metadata != m) {
            return; // unloaded, or another change won: the new coordinator (or that change) takes over
        }
        if (pending.isEmpty()) {
            complete(e, st, m, commit);
            return;
        }
        markers.write(m.producerId(), m.epoch(), commit, st.log().coordinatorEpoch(), pending).whenCompleteAsync((r, err) -> {
            Set<TopicPartition> again = new java.util.TreeSet<>(TxnMetadata.ORDER);
            for (TopicPartition tp : pending) {
                Errors error = err != null || r == null ? Errors.UNKNOWN_SERVER_ERROR : r.getOrDefault(tp,
                        Errors.UNKNOWN_SERVER_ERROR);
                switch (error) {
                    case NONE, UNKNOWN_TOPIC_OR_PARTITION, INVALID_PRODUCER_EPOCH -> {
                        // written; or the topic is gone; or a newer epoch already ended it there
                    }
                    case TRANSACTION_COORDINATOR_FENCED -> {
                        LOG.warn("{}: a newer coordinator owns {}-{}; stopping its markers", m.transactionalId(),
                                TxnConfig.STATE_TOPIC, e.partition);
                        return;
                    }
                    default -> again.add(tp);
                }
            }
            if (again.isEmpty()) {
                sendMarkers(e, st, m, commit, again);
            } else {
                LOG.debug("{}: retrying markers for {}", m.transactionalId(), again);
                timer.schedule(() -> owner.execute(() -> sendMarkers(e, st, m, commit, again)), MARKER_RETRY_MS,
                        TimeUnit.MILLISECONDS);
            }
        }, owner);
    }

    private void complete(Entry e, PartitionLoads.Load<TxnLog> st, TxnMetadata m, boolean commit) {
        if (e.busy) {
            timer.schedule(() -> owner.execute(() -> complete(e, st, m, commit)), MARKER_RETRY_MS,
                    TimeUnit.MILLISECONDS);
            return;
        }
        TxnMetadata done = m.to(commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT, now());
        if (m.nextProducerId() != RecordBatch.NO_PRODUCER_ID) {
            // v2 epoch overflow: the producer id allocated at the end takes over.
            done = done.withProducer(m.nextProducerId(), (short) 0, RecordBatch.NO_PRODUCER_EPOCH)
                    .withProducerIds(m.producerId(), RecordBatch.NO_PRODUCER_ID);
        }
        persist(e, done).whenCompleteAsync((err, t) -> {
            if (err != Errors.NONE && loads.isCurrent(e.partition, st) && e.metadata == m) {
                timer.schedule(() -> owner.execute(() -> complete(e, st, m, commit)), MARKER_RETRY_MS,
                        TimeUnit.MILLISECONDS);
            }
        }, owner);
    }

    // ---------------------------------------------------------------- timers

    /** Loads newly opened partitions, aborts timed-out transactions, forgets expired ids. */
    public CompletableFuture<Void> tick() {
        return onOwner(() -> {
            loads.sync();
            long nowMs = now();
            if (nowMs >= nextAbortCheckMs) {
                nextAbortCheckMs = nowMs + config.abortCheckIntervalMs();
                abortTimedOut(nowMs);
            }
            if (nowMs >= nextExpirationCheckMs) {
                nextExpirationCheckMs = nowMs + config.expirationCheckIntervalMs();
                expireIdle(nowMs);
            }
            return done(null);
        });
    }

    private void abortTimedOut(long nowMs) {
        for (Entry e : List.copyOf(ids.values())) {
            TxnMetadata m = e.metadata;
            PartitionLoads.Load<TxnLog> st = loads.get(e.partition);
            if (st == null || !st.ready() || e.busy || m.state() != TxnState.ONGOING
                    || m.txnStartMs() + m.timeoutMs() > nowMs) {
                continue;
            }
            LOG.info("Aborting the transaction of {} (producer {} epoch {}): open {} ms, timeout {} ms",
                    m.transactionalId(), m.producerId(), m.epoch(), nowMs - m.txnStartMs(), m.timeoutMs());
            prepareEnd(e, bumped(m).to(TxnState.PREPARE_ABORT, nowMs));
        }
    }

    private void expireIdle(long nowMs) {
        for (Entry e : List.copyOf(ids.values())) {
            TxnMetadata m = e.metadata;
            PartitionLoads.Load<TxnLog> st = loads.get(e.partition);
            if (st != null && st.ready() && !e.busy && m.state().idle()
                    && m.lastUpdateMs() + config.idExpirationMs() <= nowMs) {
                LOG.info("Transactional id {} expired (idle since {})", m.transactionalId(), m.lastUpdateMs());
                persist(e, m.to(TxnState.DEAD, nowMs));
            }
        }
    }

    // ---------------------------------------------------------------- admin

    /** The ids of the loaded partitions matching the filters (empty filter: any), for ListTransactions. */
    public CompletableFuture<List<TxnMetadata>> list(Set<TxnState> states, Set<Long> producerIdFilter,
                                                     long minDurationMs) {
        return onOwner(() -> {
            loads.sync();
            long nowMs = now();
            List<TxnMetadata> out = new ArrayList<>();
            for (Entry e : ids.values()) {
                TxnMetadata m = e.metadata;
                PartitionLoads.Load<TxnLog> st = loads.get(e.partition);
                if (st == null || !st.ready() || m.state() == TxnState.DEAD) {
                    continue;
                }
                if (!states.isEmpty() && !states.contains(m.state())) {
                    continue;
                }
                if (!producerIdFilter.isEmpty() && !producerIdFilter.contains(m.producerId())) {
                    continue;
                }
                if (minDurationMs >= 0 && (!m.state().inTransaction() || nowMs - m.txnStartMs() < minDurationMs)) {
                    continue;
                }
                out.add(m);
            }
            out.sort(java.util.Comparator.comparing(TxnMetadata::transactionalId));
            return done(out);
        });
    }

    /** A transactional id's metadata for DescribeTransactions: the error, else the metadata. */
    public record Described(Errors error, TxnMetadata metadata) {
    }

    public CompletableFuture<Described> describe(String transactionalId) {
        return onOwner(() -> {
            Errors error = checkPartition(transactionalId);
            if (error != Errors.NONE) {
                return done(new Described(error, null));
            }
            Entry e = ids.get(transactionalId);
            return done(e == null ? new Described(Errors.TRANSACTIONAL_ID_NOT_FOUND, null)
                    : new Described(Errors.NONE, e.metadata));
        });
    }

    /** Whether this broker has {@code transactionalId}'s partition open (for FindCoordinator's answer). */
    public CompletableFuture<Boolean> isOpenHere(String transactionalId) {
        return CompletableFuture.completedFuture(logs.get(config.partitionFor(transactionalId)) != null);
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }

    @Override
    public void close() {
        owner.shutdownNow();
    }

    /** Visible for tests: the metadata of an id, or null. */
    CompletableFuture<TxnMetadata> metadataOf(String transactionalId) {
        return onOwner(() -> {
            Entry e = ids.get(transactionalId);
            return done(e == null ? null : e.metadata);
        });
    }
}
