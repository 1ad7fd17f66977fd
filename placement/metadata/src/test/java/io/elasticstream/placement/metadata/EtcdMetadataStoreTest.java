package io.elasticstream.placement.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.metadata.MetadataStore.Watch;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.options.LeaseOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract against a real etcd (one process for the class, one key prefix per test), plus what only
 * etcd has: real lease TTLs and crash-restarts of the server under a live watch.
 */
class EtcdMetadataStoreTest extends MetadataStoreContractTest {
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();

    @TempDir
    static Path etcdDirectory;

    private static EtcdProcess etcd;
    /** A plain jetcd client for what the store deliberately does not offer: compaction, lease inspection. */
    private static Client admin;

    /** Lease id → monotonic nanos of its last grant or successful keep-alive through the store. */
    private final Map<Long, Long> leaseRefreshedNanos = new ConcurrentHashMap<>();

    @BeforeAll
    static void startEtcd() throws Exception {
        etcd = EtcdProcess.start(etcdDirectory);
        admin = Client.builder().endpoints(etcd.clientUri()).build();
    }

    @AfterAll
    static void stopEtcd() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    /** This test's key prefix: tests share one etcd but never see each other's keys. */
    private String keyPrefix;

    @Override
    protected MetadataStore newStore() {
        keyPrefix = "test-" + TEST_NUMBER.incrementAndGet() + "/";
        return new LeaseTrackingStore(connect(EtcdMetadataStore.Config.DEFAULT));
    }

    /** Another store over the same keys as {@link #store}. */
    private EtcdMetadataStore connect(EtcdMetadataStore.Config config) {
        return EtcdMetadataStore.connect(List.of(etcd.clientUri()), config.withKeyPrefix(keyPrefix));
    }

    @Override
    protected boolean startsAtRevisionOne() {
        return false;
    }

    /**
     * Real time passes; then every lease whose TTL has run out since its last refresh (as seen by this
     * client, so at or after etcd's own deadline) must be revoked by etcd, which checks every 500 ms.
     */
    @Override
    protected void passLeaseTime(long millis) throws Exception {
        Thread.sleep(millis);
        for (Map.Entry<Long, Long> lease : leaseRefreshedNanos.entrySet()) {
            LeaseTimeToLiveResponse ttl = timeToLive(lease.getKey());
            if (ttl.getTTL() == -1) {
                continue;
            }
            long sinceRefreshMs = (Clock.SYSTEM.nanoTime() - lease.getValue()) / 1_000_000;
            if (sinceRefreshMs >= ttl.getGrantedTTL() * 1_000) {
                awaitCondition(() -> timeToLive(lease.getKey()).getTTL() == -1, 5_000, "lease " + lease.getKey() + " revoked by etcd");
            }
        }
    }

    /** etcd's Compact(r) keeps revision r watchable; the contract's compactHistory(r) does not. */
    @Override
    protected void compactHistory(long revision) throws Exception {
        long current = await(store.getPrefix("")).revision();
        admin.getKVClient().compact(Math.min(revision + 1, current)).get(AWAIT_MS, TimeUnit.MILLISECONDS);
    }

    @AfterEach
    void revokeLeftoverLeases() {
        for (long lease : leaseRefreshedNanos.keySet()) {
            admin.getLeaseClient().revoke(lease).orTimeout(AWAIT_MS, TimeUnit.MILLISECONDS).handle((response, error) -> null).join();
        }
    }

    // ---------------------------------------------------------------- etcd only

    @Test
    void watchResumesAcrossAnEtcdCrashAndRestartWithoutLosingOrDuplicatingEvents() throws Exception {
        Recorder recorder = new Recorder();
        // The watching store waits 4 s before reconnecting, so the writes made right after the restart
        // are certainly done before the watch resumes: it must replay them, from where it stopped.
        try (MetadataStore watching = connect(EtcdMetadataStore.Config.DEFAULT.withWatchRetryDelayMs(4_000));
                MetadataStore impatient = connect(EtcdMetadataStore.Config.DEFAULT.withRequestTimeoutMs(300));
                Watch _ = watching.watchPrefix("e/", rev(2), recorder)) {
            for (int i = 0; i < 5; i++) {
                await(store.put("e/" + i, bytes("before")));
            }
            recorder.awaitEvents(5);

            etcd.kill();
            Throwable whileDown = failure(impatient.get("e/0"));
            assertInstanceOf(MetadataStoreException.Unavailable.class, whileDown, () -> whileDown + " caused by " + whileDown.getCause());
            etcd.restart();
            for (int i = 5; i < 10; i++) {
                await(store.put("e/" + i, bytes("after")));
            }
            assertEquals(5, recorder.events().size(), "the watch resumed before the writes: this test checks nothing");

            await(store.put("e/end", bytes("end")));
            recorder.awaitKey("e/end");
            List<WatchEvent> events = recorder.events();
            List<Long> expected = new ArrayList<>();
            for (int n = 2; n <= 12; n++) {
                expected.add(rev(n));
            }
            assertEquals(expected, events.stream().map(WatchEvent::revision).toList());
            assertEquals(List.of("e/0", "e/1", "e/2", "e/3", "e/4", "e/5", "e/6", "e/7", "e/8", "e/9", "e/end"),
                    events.stream().map(e -> e.kv().key()).toList());
            assertNull(recorder.error());
            assertEquals("after", string(get("e/9").value()));
        }
    }

    @Test
    void leaseWithoutKeepAlivesExpiresAfterItsRealTtlAndKeepAlivesHoldItOpen() throws Exception {
        long kept = await(store.grantLease(1_000));
        long abandoned = await(store.grantLease(1_000));
        assertEquals(1, timeToLive(abandoned).getGrantedTTL(), "etcd granted the 1 s TTL (its minimum with these timings)");
        await(store.txn(Txn.builder()
                .success(Op.put("kept", bytes("1"), kept), Op.put("abandoned", bytes("1"), abandoned))
                .build()));
        long start = Clock.SYSTEM.monotonicMillis();

        // "kept" gets a keep-alive every 200 ms for 2.5 TTLs; "abandoned" gets none
        long abandonedGoneAfterMs = -1;
        while (Clock.SYSTEM.monotonicMillis() - start < 2_500) {
            await(store.keepAlive(kept));
            assertTrue(await(store.get("kept")).isPresent(), "a kept-alive lease expired");
            if (abandonedGoneAfterMs < 0 && await(store.get("abandoned")).isEmpty()) {
                abandonedGoneAfterMs = Clock.SYSTEM.monotonicMillis() - start;
            }
            Thread.sleep(200);
        }
        assertTrue(abandonedGoneAfterMs >= 900, "the abandoned lease expired after " + abandonedGoneAfterMs + " ms (TTL 1 s)");
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.keepAlive(abandoned)));
        assertEquals(Optional.of("1"), await(store.get("kept")).map(kv -> string(kv.value())));
        awaitCondition(() -> await(store.get("kept")).isEmpty(), 5_000, "the kept lease's key to go once keep-alives stop");
    }

    // ---------------------------------------------------------------- helpers

    private static LeaseTimeToLiveResponse timeToLive(long leaseId) throws Exception {
        return admin.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT).get(AWAIT_MS, TimeUnit.MILLISECONDS);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitCondition(Condition condition, long timeoutMs, String what) throws Exception {
        long deadline = Clock.SYSTEM.monotonicMillis() + timeoutMs;
        while (!condition.holds()) {
            if (Clock.SYSTEM.monotonicMillis() > deadline) {
                throw new AssertionError("timed out after " + timeoutMs + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The store under test, noting when each lease was last refreshed so passLeaseTime knows which must be gone. */
    private final class LeaseTrackingStore implements MetadataStore {
        private final MetadataStore delegate;

        LeaseTrackingStore(MetadataStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public CompletableFuture<Optional<KeyValue>> get(String key) {
            return delegate.get(key);
        }

        @Override
        public CompletableFuture<RangeResult> getPrefix(String prefix) {
            return delegate.getPrefix(prefix);
        }

        @Override
        public CompletableFuture<TxnResult> txn(Txn txn) {
            return delegate.txn(txn);
        }

        @Override
        public Watch watchPrefix(String prefix, long startRevision, WatchListener listener) {
            return delegate.watchPrefix(prefix, startRevision, listener);
        }

        @Override
        public CompletableFuture<Long> grantLease(long ttlMs) {
            return delegate.grantLease(ttlMs).thenApply(id -> {
                leaseRefreshedNanos.put(id, Clock.SYSTEM.nanoTime());
                return id;
            });
        }

        @Override
        public CompletableFuture<Void> keepAlive(long leaseId) {
            return delegate.keepAlive(leaseId).thenRun(() -> leaseRefreshedNanos.put(leaseId, Clock.SYSTEM.nanoTime()));
        }

        @Override
        public CompletableFuture<Void> revokeLease(long leaseId) {
            return delegate.revokeLease(leaseId);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
