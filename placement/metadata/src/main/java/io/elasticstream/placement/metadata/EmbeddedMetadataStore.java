package io.elasticstream.placement.metadata;

import io.elasticstream.common.Checks;
import io.elasticstream.common.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standalone {@link MetadataStore}: etcd v3 semantics in one process, persisted in a directory.
 *
 * <p>Threading: one owner thread holds the whole state ({@link KvState}) and the files
 * ({@link MetadataLog}). Every call becomes a task in a bounded queue; the owner takes the tasks
 * queued so far as a batch, applies them in order in memory, appends the log entries of the writes,
 * then fsyncs once for the whole batch (group commit) and only then completes the batch's futures and
 * publishes its watch events. Reads complete after that same fsync, so nobody ever observes a change
 * that is not yet durable. Futures complete on {@link ForkJoinPool#commonPool()}, never on the owner
 * thread, so a caller blocking in a dependent stage cannot stall the store. Watch listeners run on
 * one delivery thread ({@link WatchHub}).
 *
 * <p>Leases expire by the injected {@link Clock} (monotonic time): the owner checks deadlines after
 * every batch and at least every {@link Config#expiryTickMs}. After a restart every lease gets its
 * full TTL again, as etcd does after a leader change.
 *
 * <p>Watch history is kept in memory only: after a restart watches can start no earlier than the
 * revision the store reopened at + 1 (older ones fail with {@link MetadataStoreException.Compacted}).
 *
 * <p>Returned {@link KeyValue}s share their value arrays with the store: do not modify them.
 */
public final class EmbeddedMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMetadataStore.class);
    private static final int MAX_BATCH = 1024;
    private static final long CLOSE_WAIT_MS = 10_000;
    private static final Executor CALLBACKS = ForkJoinPool.commonPool();

    /**
     * Tuning of the embedded store.
     *
     * @param snapshotThresholdBytes the log is replaced by a snapshot once it grows past this size
     * @param watchHistoryEvents how many recent events watches can replay from
     * @param expiryTickMs the longest time between two checks for expired leases (real time)
     * @param maxQueuedRequests requests waiting for the owner thread; more fail with Unavailable
     */
    public record Config(long snapshotThresholdBytes, int watchHistoryEvents, long expiryTickMs, int maxQueuedRequests) {
        public static final Config DEFAULT = new Config(16L << 20, 100_000, 50, 65_536);

        public Config {
            Checks.argument(snapshotThresholdBytes > 0, "snapshotThresholdBytes %d", snapshotThresholdBytes);
            Checks.argument(watchHistoryEvents > 0, "watchHistoryEvents %d", watchHistoryEvents);
            Checks.argument(expiryTickMs > 0, "expiryTickMs %d", expiryTickMs);
            Checks.argument(maxQueuedRequests > 0, "maxQueuedRequests %d", maxQueuedRequests);
        }

        public Config withSnapshotThresholdBytes(long bytes) {
            return new Config(bytes, watchHistoryEvents, expiryTickMs, maxQueuedRequests);
        }

        public Config withWatchHistoryEvents(int events) {
            return new Config(snapshotThresholdBytes, events, expiryTickMs, maxQueuedRequests);
        }
    }

    private final Path directory;
    private final Clock clock;
    private final Config config;
    private final WatchHub watches;
    private final LinkedBlockingQueue<Task> inbox;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread owner;

    // Owner thread only.
    private final KvState state;
    private final MetadataLog log;
    private final List<Completion<?>> completions = new ArrayList<>();
    private final List<List<WatchEvent>> unpublished = new ArrayList<>();
    private Throwable fatal;
    private long compactAtBytes;
    private final Task expiryCheck = new Task() {
        @Override
        public void run() {
            expireDue();
        }

        @Override
        public void abort(MetadataStoreException error) {
        }
    };

    private EmbeddedMetadataStore(Path directory, Clock clock, Config config, KvState state, MetadataLog log) {
        this.directory = directory;
        this.clock = clock;
        this.config = config;
        this.state = state;
        this.log = log;
        this.inbox = new LinkedBlockingQueue<>(config.maxQueuedRequests());
        this.watches = new WatchHub(state.revision(), state.revision() == KvState.INITIAL_REVISION, config.watchHistoryEvents());
        this.compactAtBytes = config.snapshotThresholdBytes();
        this.owner = Thread.ofPlatform().name("metadata-store-owner").daemon(true).unstarted(this::runOwner);
    }

    /** Opens (creating if needed) the store persisted in {@code directory}. */
    public static EmbeddedMetadataStore open(Path directory, Clock clock) {
        return open(directory, clock, Config.DEFAULT);
    }

    public static EmbeddedMetadataStore open(Path directory, Clock clock, Config config) {
        Checks.notNull(directory, "directory");
        Checks.notNull(clock, "clock");
        Checks.notNull(config, "config");
        KvState state = new KvState();
        MetadataLog log;
        try {
            log = MetadataLog.open(directory, state);
        } catch (IOException e) {
            throw new MetadataStoreException("cannot open the metadata store in " + directory, e);
        }
        state.resetLeaseDeadlines(clock.monotonicMillis());
        EmbeddedMetadataStore store = new EmbeddedMetadataStore(directory, clock, config, state, log);
        store.owner.start();
        return store;
    }

    // ---------------------------------------------------------------- MetadataStore

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        if (key == null || key.isEmpty()) {
            return CompletableFuture.failedFuture(new MetadataStoreException("key is not provided"));
        }
        return submit(() -> Optional.ofNullable(state.get(key)));
    }

    @Override
    public CompletableFuture<RangeResult> getPrefix(String prefix) {
        if (prefix == null) {
            return CompletableFuture.failedFuture(new MetadataStoreException("prefix is null"));
        }
        return submit(() -> new RangeResult(state.range(prefix), state.revision()));
    }

    @Override
    public CompletableFuture<TxnResult> txn(Txn txn) {
        if (txn == null) {
            return CompletableFuture.failedFuture(new MetadataStoreException("txn is null"));
        }
        return submit(() -> record(state.txn(txn, clock.monotonicMillis())).result());
    }

    @Override
    public Watch watchPrefix(String prefix, long startRevision, WatchListener listener) {
        Checks.argument(startRevision >= 0, "startRevision %d", startRevision);
        WatchHub.WatchImpl watch = watches.newWatch(prefix, listener);
        enqueue(new Task() {
            @Override
            public void run() {
                watches.register(watch, startRevision);
            }

            @Override
            public void abort(MetadataStoreException error) {
                watches.failUnregistered(watch, error);
            }
        });
        return watch;
    }

    @Override
    public CompletableFuture<Long> grantLease(long ttlMs) {
        if (ttlMs <= 0) {
            return CompletableFuture.failedFuture(new MetadataStoreException("lease TTL must be positive, got " + ttlMs));
        }
        return submit(() -> record(state.grantLease(ttlMs, clock.monotonicMillis())).result());
    }

    @Override
    public CompletableFuture<Void> keepAlive(long leaseId) {
        return submit(() -> {
            state.keepAlive(leaseId, clock.monotonicMillis());
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> revokeLease(long leaseId) {
        return submit(() -> {
            KvState.Outcome<Void> outcome = state.revokeLease(leaseId);
            if (outcome != null) {
                record(outcome);
            }
            return null;
        });
    }

    /**
     * Closes the store: requests not yet applied have failed with {@link MetadataStoreException.Unavailable}
     * when this returns, applied ones are synced and complete normally (on the common pool, possibly just
     * after this returns), watches end with Unavailable, the threads stop and the directory is unlocked.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inbox.offer(WAKE);
        }
        try {
            if (Thread.currentThread() != owner) {
                owner.join(CLOSE_WAIT_MS);
                if (owner.isAlive()) {
                    LOG.warn("metadata store owner thread for {} did not stop within {} ms", directory, CLOSE_WAIT_MS);
                }
            }
            watches.awaitTermination(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- package-private hooks (tests, tools)

    /** Revokes every lease past its deadline now; completes with how many, once their deletes are durable. */
    CompletableFuture<Integer> expireLeases() {
        return submit(this::expireDue);
    }

    /** Forgets watch history up to and including {@code revision}, like etcd's compaction. */
    CompletableFuture<Void> compactHistory(long revision) {
        return submit(() -> {
            watches.compact(revision);
            return null;
        });
    }

    // ---------------------------------------------------------------- owner thread

    private void runOwner() {
        ArrayDeque<Task> batch = new ArrayDeque<>();
        try {
            while (!closed.get() && fatal == null) {
                Task first = inbox.poll(config.expiryTickMs(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    inbox.drainTo(batch, MAX_BATCH - 1);
                }
                Task task;
                while (fatal == null && !closed.get() && (task = batch.poll()) != null) {
                    runTask(task);
                }
                if (fatal == null && !closed.get()) {
                    runTask(expiryCheck);
                }
                flush();
            }
        } catch (InterruptedException e) {
            LOG.warn("metadata store owner thread for {} interrupted; closing", directory);
        } catch (RuntimeException | Error e) {
            fatal = e;
            LOG.error("metadata store in {} failed", directory, e);
        } finally {
            teardown(batch);
        }
    }

    private void runTask(Task task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // Only a bug gets here (bad requests fail with MetadataStoreException inside the task), and the
            // state may be half-changed: stop the store rather than serve it.
            LOG.error("metadata store in {} hit a bug and stops", directory, e);
            fatal = e;
            closed.set(true); // before abort, which may run callbacks that call back into the store
            task.abort(new MetadataStoreException.Unavailable("metadata store failed", e));
        }
    }

    private int expireDue() {
        List<KvState.Outcome<Void>> expired = state.expireLeases(clock.monotonicMillis());
        for (KvState.Outcome<Void> outcome : expired) {
            LOG.info("metadata lease {} expired", outcome.entry().revokes());
            record(outcome);
        }
        return expired.size();
    }

    /** Stages what a mutation must persist and publish. */
    private <T> KvState.Outcome<T> record(KvState.Outcome<T> outcome) {
        if (outcome.entry() != null) {
            log.append(LogCodec.encodeFrame(outcome.entry()));
        }
        if (!outcome.events().isEmpty()) {
            unpublished.add(outcome.events());
        }
        return outcome;
    }

    /** Makes the batch durable, then completes its futures and publishes its events. */
    private void flush() {
        try {
            log.sync();
        } catch (IOException e) {
            LOG.error("metadata log in {} cannot be written; the store stops", directory, e);
            fatal = e;
            failCompletions(new MetadataStoreException.Unavailable("metadata log write failed", e));
            unpublished.clear();
            return;
        }
        for (List<WatchEvent> events : unpublished) {
            watches.publish(events);
        }
        unpublished.clear();
        for (Completion<?> completion : completions) {
            completion.complete();
        }
        completions.clear();
        if (fatal == null && log.sizeBytes() >= compactAtBytes) {
            try {
                log.compact(state);
                compactAtBytes = config.snapshotThresholdBytes();
            } catch (IOException e) {
                // The logs still hold everything; try again once the log has grown by another threshold.
                compactAtBytes = log.sizeBytes() + config.snapshotThresholdBytes();
                LOG.warn("metadata snapshot in {} failed; keeping the log", directory, e);
            }
        }
    }

    private void failCompletions(MetadataStoreException error) {
        for (Completion<?> completion : completions) {
            fail(completion.future(), error);
        }
        completions.clear();
    }

    private void teardown(ArrayDeque<Task> batch) {
        closed.set(true);
        MetadataStoreException error = fatal == null
                ? closedError()
                : new MetadataStoreException.Unavailable("metadata store in " + directory + " failed", fatal);
        failCompletions(error);
        for (Task task : batch) {
            task.abort(error);
        }
        abortQueued(error);
        log.close();
        watches.close(error);
        LOG.info("metadata store in {} closed at revision {}", directory, state.revision());
    }

    // ---------------------------------------------------------------- queueing

    private <T> CompletableFuture<T> submit(Supplier<T> work) {
        Request<T> request = new Request<>(work);
        enqueue(request);
        return request.future;
    }

    private void enqueue(Task task) {
        if (closed.get()) {
            task.abort(closedError());
        } else if (!inbox.offer(task)) {
            task.abort(new MetadataStoreException.Unavailable("metadata store request queue is full", null));
        } else if (closed.get() && inbox.remove(task)) {
            task.abort(closedError()); // lost the race with close(): the owner will not see it
        }
    }

    private void abortQueued(MetadataStoreException error) {
        Task task;
        while ((task = inbox.poll()) != null) {
            task.abort(error);
        }
    }

    private MetadataStoreException closedError() {
        return new MetadataStoreException.Unavailable("metadata store in " + directory + " is closed", null);
    }

    private static <T> void fail(CompletableFuture<T> future, Throwable error) {
        CALLBACKS.execute(() -> future.completeExceptionally(error));
    }

    /** Work for the owner thread. */
    private interface Task {
        void run();

        /** The task will never run; fail whoever waits for it. */
        void abort(MetadataStoreException error);
    }

    private static final Task WAKE = new Task() {
        @Override
        public void run() {
        }

        @Override
        public void abort(MetadataStoreException error) {
        }
    };

    /** A call whose result is delivered once the batch it ran in is durable. */
    private final class Request<T> implements Task {
        final CompletableFuture<T> future = new CompletableFuture<>();
        private final Supplier<T> work;

        Request(Supplier<T> work) {
            this.work = work;
        }

        @Override
        public void run() {
            try {
                completions.add(new Completion<>(future, work.get(), null));
            } catch (MetadataStoreException e) {
                completions.add(new Completion<>(future, null, e));
            }
        }

        @Override
        public void abort(MetadataStoreException error) {
            // Synchronous: by the time close() returns every call that never ran has failed. Nothing can
            // block here on the store itself, since it no longer accepts work.
            future.completeExceptionally(error);
        }
    }

    private record Completion<T>(CompletableFuture<T> future, T value, Throwable error) {
        void complete() {
            if (error == null) {
                CALLBACKS.execute(() -> future.complete(value));
            } else {
                fail(future, error);
            }
        }
    }
}
