package io.elasticstream.placement.metadata;

import io.elasticstream.common.Checks;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.ClosedClientException;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataStore} on a real etcd v3 cluster through jetcd.
 *
 * <p>Every key is stored as {@code keyPrefix + key}; reads, watches and deletes only ever see keys under
 * the prefix, and the prefix is stripped from what callers get back. Revisions, versions and lease ids
 * are etcd's own: revisions are the cluster-wide etcd revision, so they are strictly increasing but do
 * not start at 1 and may jump by writes outside the prefix.
 *
 * <p>Lease TTLs are whole seconds in etcd: {@link #grantLease} rounds up, and etcd may raise a TTL to
 * its minimum (1.5 x election timeout, rounded up to a second).
 *
 * <p>Watches are resumed by this class, not by jetcd: after any transient error the jetcd watcher is
 * closed and a new one opened from the last delivered revision + 1 (events at or below it are dropped),
 * so a watch sees every revision once, across disconnects and etcd restarts, until it is closed or
 * the history it needs has been compacted.
 *
 * <p>Futures complete on the common fork-join pool, never on jetcd's event loop; watch listeners run on
 * one delivery thread per store.
 */
public final class EtcdMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdMetadataStore.class);
    /**
     * Largest response accepted from etcd. gRPC's default (4 MiB) is a prefix read of some 40,000 partition
     * records, which PD does whole (e.g. to balance partition owners); etcd itself sends any size.
     */
    static final int MAX_RESPONSE_BYTES = 256 << 20;

    /**
     * Connection settings. {@code keyPrefix} namespaces every key (e.g. {@code "/es/cluster-1/"});
     * {@code requestTimeoutMs} bounds each call (it then fails with {@link MetadataStoreException.Unavailable});
     * {@code watchRetryDelayMs} is the pause before a broken watch is reopened.
     */
    public record Config(String keyPrefix, long requestTimeoutMs, long watchRetryDelayMs) {
        public static final Config DEFAULT = new Config("", 10_000, 300);

        public Config {
            Checks.notNull(keyPrefix, "keyPrefix");
            Checks.argument(requestTimeoutMs > 0, "requestTimeoutMs must be positive: %s", requestTimeoutMs);
            Checks.argument(watchRetryDelayMs > 0, "watchRetryDelayMs must be positive: %s", watchRetryDelayMs);
        }

        public Config withKeyPrefix(String prefix) {
            return new Config(prefix, requestTimeoutMs, watchRetryDelayMs);
        }

        public Config withRequestTimeoutMs(long timeoutMs) {
            return new Config(keyPrefix, timeoutMs, watchRetryDelayMs);
        }

        public Config withWatchRetryDelayMs(long delayMs) {
            return new Config(keyPrefix, requestTimeoutMs, delayMs);
        }
    }

    private final Client client;
    private final Config config;
    private final byte[] prefixBytes;
    private final Executor callbacks = ForkJoinPool.commonPool();
    /** Runs every watch listener and every watch state change, in submission order. */
    private final ScheduledExecutorService delivery;
    private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile Thread deliveryThread;

    private EtcdMetadataStore(Client client, Config config) {
        this.client = client;
        this.config = config;
        this.prefixBytes = config.keyPrefix().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "etcd-metadata-watch");
            thread.setDaemon(true);
            deliveryThread = thread;
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.delivery = executor;
    }

    /** Connects to the etcd cluster at {@code endpoints} (e.g. {@code http://127.0.0.1:2379}); does not block. */
    public static EtcdMetadataStore connect(List<URI> endpoints, Config config) {
        Checks.argument(!endpoints.isEmpty(), "no etcd endpoints");
        long timeoutMs = config.requestTimeoutMs();
        // jetcd retries unavailable calls with backoff; its retry budget must exceed its delays
        long retryDelayMs = Math.max(1, Math.min(100, timeoutMs / 4));
        Client client = Client.builder()
                .endpoints(endpoints)
                .connectTimeout(Duration.ofMillis(Math.min(timeoutMs, 5_000)))
                .retryDelay(retryDelayMs)
                .retryMaxDelay(Math.max(retryDelayMs + 1, Math.min(2_500, timeoutMs / 2)))
                .retryMaxDuration(Duration.ofMillis(timeoutMs))
                .maxInboundMessageSize(MAX_RESPONSE_BYTES)
                .build();
        return new EtcdMetadataStore(client, config);
    }

    // ---------------------------------------------------------------- keys

    @Override
    public CompletableFuture<Optional<KeyValue>> get(String key) {
        return call(() -> client.getKVClient().get(fullKey(key)),
                response -> response.getKvs().stream().findFirst().map(this::toKeyValue), 0);
    }

    @Override
    public CompletableFuture<RangeResult> getPrefix(String prefix) {
        return call(() -> client.getKVClient().get(fullKey(prefix), GetOption.builder().isPrefix(true).build()),
                response -> new RangeResult(toKeyValues(response), response.getHeader().getRevision()), 0);
    }

    @Override
    public CompletableFuture<TxnResult> txn(Txn txn) {
        long leaseId = 0;
        for (Op op : concat(txn.success(), txn.failure())) {
            String key = switch (op) {
                case Op.Put put -> put.key();
                case Op.Delete delete -> delete.key();
                case Op.DeletePrefix _ -> "-";
                case Op.Get get -> get.prefix() ? "-" : get.key();
            };
            if (key.isEmpty()) {
                return CompletableFuture.failedFuture(new MetadataStoreException("empty key in " + op));
            }
            if (op instanceof Op.Put put && put.leaseId() != 0 && leaseId == 0) {
                leaseId = put.leaseId();
            }
        }
        List<Cmp> compares = txn.compares().stream().map(this::toCmp).toList();
        return call(() -> client.getKVClient().txn()
                        .If(compares.toArray(Cmp[]::new))
                        .Then(toOps(txn.success()))
                        .Else(toOps(txn.failure()))
                        .commit(),
                response -> toTxnResult(txn, response), leaseId);
    }

    // ---------------------------------------------------------------- leases

    @Override
    public CompletableFuture<Long> grantLease(long ttlMs) {
        Checks.argument(ttlMs > 0, "ttlMs must be positive: %s", ttlMs);
        long ttlSeconds = Math.max(1, (ttlMs + 999) / 1000);
        return call(() -> client.getLeaseClient().grant(ttlSeconds), response -> response.getID(), 0);
    }

    @Override
    public CompletableFuture<Void> keepAlive(long leaseId) {
        return call(() -> client.getLeaseClient().keepAliveOnce(leaseId), response -> null, leaseId);
    }

    @Override
    public CompletableFuture<Void> revokeLease(long leaseId) {
        return call(() -> client.getLeaseClient().revoke(leaseId), response -> (Void) null, leaseId)
                .exceptionallyCompose(error -> error instanceof MetadataStoreException.LeaseNotFound
                        || error.getCause() instanceof MetadataStoreException.LeaseNotFound
                        ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.failedFuture(error));
    }

    // ---------------------------------------------------------------- watches

    @Override
    public Watch watchPrefix(String prefix, long startRevision, WatchListener listener) {
        Checks.argument(startRevision >= 0, "startRevision must not be negative: %s", startRevision);
        if (closed) {
            CompletableFuture.runAsync(() -> listener.onError(unavailable()), callbacks);
            return () -> { };
        }
        EtcdWatch watch = new EtcdWatch(prefix, startRevision, listener);
        watches.add(watch);
        delivery.execute(watch::open);
        return watch;
    }

    /** One user watch: a sequence of jetcd watchers, each resuming where the previous one stopped. */
    private final class EtcdWatch implements Watch {
        private final String prefix;
        private final WatchListener listener;
        private volatile boolean watchClosed;
        // The fields below are only touched on the delivery thread.
        /** The last revision delivered (or known to be before the start); -1 while unknown ("from now"). */
        private long lastRevision;
        private int generation;
        private io.etcd.jetcd.Watch.Watcher watcher;

        EtcdWatch(String prefix, long startRevision, WatchListener listener) {
            this.prefix = prefix;
            this.listener = listener;
            this.lastRevision = startRevision == 0 ? -1 : startRevision - 1;
        }

        void open() {
            if (watchClosed || closed) {
                return;
            }
            int myGeneration = ++generation;
            WatchOption option = WatchOption.builder()
                    .isPrefix(true)
                    .withPrevKV(true)
                    .withCreateNotify(true)
                    .withRevision(lastRevision < 0 ? 0 : lastRevision + 1)
                    .build();
            io.etcd.jetcd.Watch.Listener jetcdListener = new io.etcd.jetcd.Watch.Listener() {
                @Override
                public void onNext(WatchResponse response) {
                    onDelivery(myGeneration, () -> received(response));
                }

                @Override
                public void onError(Throwable error) {
                    onDelivery(myGeneration, () -> failed(error));
                }

                @Override
                public void onCompleted() {
                    onDelivery(myGeneration, () -> failed(new MetadataStoreException("etcd ended the watch stream")));
                }
            };
            try {
                watcher = client.getWatchClient().watch(fullKey(prefix), option, jetcdListener);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        private void onDelivery(int fromGeneration, Runnable action) {
            try {
                delivery.execute(() -> {
                    if (fromGeneration == generation && !watchClosed) {
                        action.run();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the store is closed; close() already told the listener
            }
        }

        private void received(WatchResponse response) {
            if (response.getEvents().isEmpty()) {
                if (lastRevision < 0 && response.getHeader() != null) {
                    lastRevision = response.getHeader().getRevision(); // created "from now"
                }
                return;
            }
            List<WatchEvent> events = new ArrayList<>(response.getEvents().size());
            for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
                KeyValue kv = toKeyValue(event.getKeyValue());
                if (kv.modRevision() <= lastRevision) {
                    continue; // already delivered before a resume
                }
                KeyValue prev = event.getPrevKV() == null || event.getPrevKV().getKey().isEmpty()
                        ? null : toKeyValue(event.getPrevKV());
                WatchEvent.Type type = event.getEventType() == io.etcd.jetcd.watch.WatchEvent.EventType.DELETE
                        ? WatchEvent.Type.DELETE : WatchEvent.Type.PUT;
                events.add(new WatchEvent(type, kv, prev));
            }
            if (events.isEmpty()) {
                return;
            }
            lastRevision = events.getLast().revision();
            try {
                listener.onEvents(List.copyOf(events));
            } catch (RuntimeException e) {
                LOG.warn("watch listener on '{}' threw; the watch continues", prefix, e);
            }
        }

        private void failed(Throwable error) {
            stopWatcher();
            MetadataStoreException mapped = mapError(error, 0);
            Throwable cause = unwrap(error);
            boolean permanent = mapped instanceof MetadataStoreException.Compacted
                    || cause instanceof EtcdException ee && (ee.getErrorCode() == ErrorCode.INVALID_ARGUMENT
                            || ee.getErrorCode() == ErrorCode.PERMISSION_DENIED
                            || ee.getErrorCode() == ErrorCode.UNAUTHENTICATED);
            if (mapped instanceof MetadataStoreException.Compacted) {
                mapped = new MetadataStoreException.Compacted(lastRevision + 1,
                        ((CompactedException) cause).getCompactedRevision() - 1);
            }
            if (permanent || closed) {
                end(mapped);
                return;
            }
            LOG.info("watch on '{}' broke after revision {} ({}); resuming", prefix, lastRevision, cause.toString());
            delivery.schedule(this::open, config.watchRetryDelayMs(), TimeUnit.MILLISECONDS);
        }

        /** Ends the watch with {@code error} (on the delivery thread). */
        void end(MetadataStoreException error) {
            if (watchClosed) {
                return;
            }
            close();
            try {
                listener.onError(error);
            } catch (RuntimeException e) {
                LOG.warn("watch listener on '{}' threw from onError", prefix, e);
            }
        }

        private void stopWatcher() {
            generation++;
            io.etcd.jetcd.Watch.Watcher current = watcher;
            watcher = null;
            if (current != null) {
                try {
                    current.close();
                } catch (RuntimeException e) {
                    LOG.debug("closing a jetcd watcher failed", e);
                }
            }
        }

        @Override
        public void close() {
            if (watchClosed) {
                return;
            }
            watchClosed = true;
            watches.remove(this);
            try {
                delivery.execute(this::stopWatcher);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // store closed: its client is closed too
            }
        }
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (EtcdWatch watch : List.copyOf(watches)) {
            delivery.execute(() -> watch.end(unavailable()));
        }
        for (Iterator<CompletableFuture<?>> it = pending.iterator(); it.hasNext(); ) {
            it.next().completeExceptionally(unavailable());
            it.remove();
        }
        delivery.shutdown();
        if (Thread.currentThread() == deliveryThread) {
            client.close(); // closed from a listener: the queued notifications run after it returns
            return;
        }
        try {
            if (!delivery.awaitTermination(config.requestTimeoutMs(), TimeUnit.MILLISECONDS)) {
                LOG.warn("watch listeners did not finish within {} ms of close", config.requestTimeoutMs());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    // ---------------------------------------------------------------- plumbing

    /** Runs a jetcd call, maps its result and error, and completes off jetcd's threads. */
    private <T, R> CompletableFuture<R> call(Supplier<CompletableFuture<T>> request, Function<T, R> map, long leaseId) {
        CompletableFuture<R> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(unavailable());
            return result;
        }
        pending.add(result);
        result.whenComplete((value, error) -> pending.remove(result));
        CompletableFuture<T> started;
        try {
            started = request.get();
        } catch (RuntimeException e) {
            result.completeExceptionally(mapError(e, leaseId));
            return result;
        }
        started.orTimeout(config.requestTimeoutMs(), TimeUnit.MILLISECONDS).whenCompleteAsync((value, error) -> {
            if (error != null) {
                result.completeExceptionally(closed ? unavailable() : mapError(error, leaseId));
                return;
            }
            try {
                result.complete(map.apply(value));
            } catch (RuntimeException e) {
                result.completeExceptionally(mapError(e, leaseId));
            }
        }, callbacks);
        return result;
    }

    private static MetadataStoreException.Unavailable unavailable() {
        return new MetadataStoreException.Unavailable("metadata store is closed", null);
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Maps a jetcd / gRPC failure onto the store's exception types. */
    static MetadataStoreException mapError(Throwable error, long leaseId) {
        Throwable cause = unwrap(error);
        if (cause instanceof MetadataStoreException mse) {
            return mse;
        }
        if (cause instanceof TimeoutException) {
            return new MetadataStoreException.Unavailable("etcd did not answer in time", cause);
        }
        if (cause instanceof ClosedClientException) {
            return new MetadataStoreException.Unavailable("etcd client is closed", cause);
        }
        if (cause instanceof CompactedException compacted) {
            return new MetadataStoreException.Compacted(0, compacted.getCompactedRevision() - 1);
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("lease not found")) {
            return new MetadataStoreException.LeaseNotFound(leaseId);
        }
        if (cause instanceof EtcdException etcd) {
            return switch (etcd.getErrorCode()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, UNKNOWN, RESOURCE_EXHAUSTED, INTERNAL ->
                        new MetadataStoreException.Unavailable("etcd: " + message, cause);
                default -> new MetadataStoreException("etcd: " + message, cause);
            };
        }
        if (cause instanceof io.grpc.StatusRuntimeException || cause instanceof java.io.IOException) {
            return new MetadataStoreException.Unavailable("etcd: " + message, cause);
        }
        return new MetadataStoreException("etcd: " + message, cause);
    }

    private ByteSequence fullKey(String key) {
        byte[] suffix = key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] full = Arrays.copyOf(prefixBytes, prefixBytes.length + suffix.length);
        System.arraycopy(suffix, 0, full, prefixBytes.length, suffix.length);
        return ByteSequence.from(full);
    }

    private String userKey(ByteSequence key) {
        byte[] bytes = key.getBytes();
        return new String(bytes, prefixBytes.length, bytes.length - prefixBytes.length, java.nio.charset.StandardCharsets.UTF_8);
    }

    private KeyValue toKeyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(userKey(kv.getKey()), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getVersion(), kv.getLease());
    }

    private List<KeyValue> toKeyValues(GetResponse response) {
        return response.getKvs().stream().map(this::toKeyValue).toList();
    }

    private Cmp toCmp(Compare compare) {
        Cmp.Op op = switch (compare.result()) {
            case EQUAL -> Cmp.Op.EQUAL;
            case NOT_EQUAL -> Cmp.Op.NOT_EQUAL;
            case LESS -> Cmp.Op.LESS;
            case GREATER -> Cmp.Op.GREATER;
        };
        CmpTarget<?> target = switch (compare.target()) {
            case VERSION -> CmpTarget.version(compare.number());
            case CREATE_REVISION -> CmpTarget.createRevision(compare.number());
            case MOD_REVISION -> CmpTarget.modRevision(compare.number());
            case VALUE -> CmpTarget.value(ByteSequence.from(compare.value()));
        };
        return new Cmp(fullKey(compare.key()), op, target);
    }

    private io.etcd.jetcd.op.Op[] toOps(List<Op> ops) {
        return ops.stream().map(this::toOp).toArray(io.etcd.jetcd.op.Op[]::new);
    }

    private io.etcd.jetcd.op.Op toOp(Op op) {
        return switch (op) {
            case Op.Put put -> io.etcd.jetcd.op.Op.put(fullKey(put.key()), ByteSequence.from(put.value()),
                    PutOption.builder().withLeaseId(put.leaseId()).build());
            case Op.Delete delete -> io.etcd.jetcd.op.Op.delete(fullKey(delete.key()), DeleteOption.DEFAULT);
            case Op.DeletePrefix deletePrefix -> io.etcd.jetcd.op.Op.delete(fullKey(deletePrefix.prefix()),
                    DeleteOption.builder().isPrefix(true).build());
            case Op.Get get -> io.etcd.jetcd.op.Op.get(fullKey(get.key()),
                    get.prefix() ? GetOption.builder().isPrefix(true).build() : GetOption.DEFAULT);
        };
    }

    private TxnResult toTxnResult(Txn txn, TxnResponse response) {
        List<Op> branch = response.isSucceeded() ? txn.success() : txn.failure();
        Iterator<GetResponse> gets = response.getGetResponses().iterator();
        List<List<KeyValue>> results = new ArrayList<>(branch.size());
        for (Op op : branch) {
            results.add(op instanceof Op.Get ? toKeyValues(gets.next()) : List.of());
        }
        return new TxnResult(response.isSucceeded(), response.getHeader().getRevision(), List.copyOf(results));
    }

    private static List<Op> concat(List<Op> a, List<Op> b) {
        List<Op> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
