package io.elasticstream.placement.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.RangeResult;
import io.elasticstream.placement.metadata.MetadataStore.TxnResult;
import io.elasticstream.placement.metadata.MetadataStore.Watch;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every {@link MetadataStore} must have: etcd v3's. Runs against the embedded store and,
 * against etcd. {@link #newStore()} returns a store that looks empty (no keys). Revisions are asserted
 * relative to {@link #base}, the revision that store reports first: exactly 1 for a store that
 * {@link #startsAtRevisionOne()} (the embedded one), whatever etcd's global revision is otherwise.
 * The time hooks let an implementation with a manual clock run these without waiting.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
public abstract class MetadataStoreContractTest {
    static final long AWAIT_MS = 10_000;

    protected MetadataStore store;

    /** The revision of the empty store returned by {@link #newStore()}: the n-th revision is {@code rev(n)}. */
    protected long base;

    /** A new, empty store. */
    protected abstract MetadataStore newStore() throws Exception;

    /** Lets {@code millis} of lease time pass, then makes the store revoke the leases that expired. */
    protected abstract void passLeaseTime(long millis) throws Exception;

    /** Makes revisions up to and including {@code revision} unavailable to new watches (etcd's Compact). */
    protected abstract void compactHistory(long revision) throws Exception;

    /** Whether a new store is at revision 1 (true for a fresh store; a shared etcd is not). */
    protected boolean startsAtRevisionOne() {
        return true;
    }

    /** The store revision {@code n} counting the empty store as revision 1 (so {@code rev(1) == base}). */
    protected long rev(long n) {
        return base + n - 1;
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
        base = await(store.getPrefix("")).revision();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ---------------------------------------------------------------- keys, revisions, versions

    @Test
    void aPrefixReadReturnsEveryRecordEvenWhenTheyAddUpToManyMegabytes() throws Exception {
        byte[] value = new byte[100_000];
        java.util.Arrays.fill(value, (byte) 7);
        for (int i = 0; i < 80; i++) { // 8 MB, twice gRPC's default message limit
            await(store.put(String.format("big/%03d", i), value));
        }
        RangeResult all = await(store.getPrefix("big/"));
        assertEquals(80, all.kvs().size());
        for (KeyValue kv : all.kvs()) {
            assertArrayEquals(value, kv.value(), kv.key());
        }
    }

    @Test
    void emptyStoreIsAtRevisionOneWithNoKeys() throws Exception {
        RangeResult all = await(store.getPrefix(""));
        if (startsAtRevisionOne()) {
            assertEquals(1, all.revision());
        }
        assertTrue(all.revision() >= 1);
        assertEquals(base, all.revision());
        assertTrue(all.kvs().isEmpty());
        assertEquals(Optional.empty(), await(store.get("missing")));
    }

    @Test
    void eachWriteGetsTheNextRevisionAndVersionCountsPutsSinceCreation() throws Exception {
        assertEquals(rev(2), await(store.put("a", bytes("1"))));
        assertKv(get("a"), "1", rev(2), rev(2), 1);
        assertEquals(rev(3), await(store.put("a", bytes("2"))));
        assertKv(get("a"), "2", rev(2), rev(3), 2);
        assertEquals(rev(4), await(store.put("b", bytes("x"))));
        assertKv(get("a"), "2", rev(2), rev(3), 2);
        assertEquals(rev(5), await(store.delete("a")));
        assertEquals(Optional.empty(), await(store.get("a")));
        assertEquals(rev(6), await(store.put("a", bytes("3"))));
        assertKv(get("a"), "3", rev(6), rev(6), 1);
        assertEquals(rev(6), await(store.getPrefix("")).revision());
    }

    @Test
    void getPrefixReturnsOnlyKeysUnderThePrefixInKeyOrderWithTheReadRevision() throws Exception {
        for (String key : List.of("b/2", "a", "b/1", "b/10", "c", "b")) {
            await(store.put(key, bytes(key)));
        }
        RangeResult under = await(store.getPrefix("b/"));
        assertEquals(List.of("b/1", "b/10", "b/2"), keys(under.kvs()));
        assertEquals(rev(7), under.revision());
        assertEquals(List.of("a", "b", "b/1", "b/10", "b/2", "c"), keys(await(store.getPrefix("")).kvs()));
        assertTrue(await(store.getPrefix("d")).kvs().isEmpty());
    }

    @Test
    void txnWritingSeveralKeysGivesThemAllOneRevision() throws Exception {
        await(store.put("x", bytes("0")));
        TxnResult result = await(store.txn(Txn.builder()
                .success(Op.put("x", bytes("1")), Op.put("y", bytes("1")), Op.put("z", bytes("1")))
                .build()));
        assertTrue(result.succeeded());
        assertEquals(rev(3), result.revision());
        assertKv(get("x"), "1", rev(2), rev(3), 2);
        assertKv(get("y"), "1", rev(3), rev(3), 1);
        assertKv(get("z"), "1", rev(3), rev(3), 1);
    }

    // ---------------------------------------------------------------- compare-and-set

    @Test
    void createIfAbsentSucceedsOnceThenRunsTheFailureBranch() throws Exception {
        Txn createLeader = Txn.builder()
                .when(Compare.absent("leader"))
                .success(Op.put("leader", bytes("pd-1")))
                .failure(Op.get("leader"))
                .build();
        TxnResult first = await(store.txn(createLeader));
        assertTrue(first.succeeded());
        assertEquals(rev(2), first.revision());
        assertEquals(List.of(List.of()), first.results());

        TxnResult second = await(store.txn(createLeader));
        assertFalse(second.succeeded());
        assertEquals(rev(2), second.revision());
        assertEquals(1, second.results().size());
        assertKv(second.results().getFirst().getFirst(), "pd-1", rev(2), rev(2), 1);
        assertTrue(await(store.txn(Txn.builder().when(Compare.present("leader")).build())).succeeded());
    }

    @Test
    void modRevisionCompareRejectsAStaleWriter() throws Exception {
        long written = await(store.put("stream/1", bytes("epoch-1")));
        await(store.put("stream/1", bytes("epoch-2")));
        TxnResult stale = await(store.txn(Txn.builder()
                .when(Compare.modRevision("stream/1", written))
                .success(Op.put("stream/1", bytes("stale")))
                .failure(Op.put("conflicts", bytes("1")))
                .build()));
        assertFalse(stale.succeeded());
        assertEquals("epoch-2", string(get("stream/1").value()));
        assertEquals(rev(4), stale.revision(), "the failure branch wrote, so it got a revision");

        long current = get("stream/1").modRevision();
        TxnResult fresh = await(store.txn(Txn.builder()
                .when(Compare.modRevision("stream/1", current))
                .success(Op.put("stream/1", bytes("epoch-3")))
                .build()));
        assertTrue(fresh.succeeded());
        assertEquals("epoch-3", string(get("stream/1").value()));
        assertTrue(await(store.txn(Txn.builder().when(Compare.modRevision("never-written", 0)).build())).succeeded());
    }

    @Test
    void valueCompareMatchesExactBytesAndIsFalseOnAnAbsentKey() throws Exception {
        await(store.put("k", bytes("v1")));
        assertTrue(holds(Compare.valueEquals("k", bytes("v1"))));
        assertFalse(holds(Compare.valueEquals("k", bytes("v2"))));
        assertTrue(holds(new Compare("k", Compare.Target.VALUE, Compare.Result.NOT_EQUAL, 0, bytes("v2"))));
        assertTrue(holds(new Compare("k", Compare.Target.VALUE, Compare.Result.LESS, 0, bytes("v2"))));
        assertTrue(holds(new Compare("k", Compare.Target.VALUE, Compare.Result.GREATER, 0, bytes("v0"))));
        assertFalse(holds(Compare.valueEquals("absent", new byte[0])));
        assertFalse(holds(new Compare("absent", Compare.Target.VALUE, Compare.Result.NOT_EQUAL, 0, bytes("x"))));
    }

    @Test
    void versionAndRevisionComparesSeeAnAbsentKeyAsZero() throws Exception {
        assertTrue(holds(Compare.version("absent", Compare.Result.EQUAL, 0)));
        assertTrue(holds(new Compare("absent", Compare.Target.CREATE_REVISION, Compare.Result.EQUAL, 0, null)));
        assertTrue(holds(new Compare("absent", Compare.Target.MOD_REVISION, Compare.Result.LESS, 1, null)));
        await(store.put("k", bytes("a")));
        await(store.put("k", bytes("b")));
        assertTrue(holds(Compare.version("k", Compare.Result.EQUAL, 2)));
        assertTrue(holds(Compare.version("k", Compare.Result.GREATER, 1)));
        assertTrue(holds(new Compare("k", Compare.Target.CREATE_REVISION, Compare.Result.EQUAL, rev(2), null)));
        assertTrue(holds(new Compare("k", Compare.Target.MOD_REVISION, Compare.Result.EQUAL, rev(3), null)));
        assertFalse(holds(Compare.absent("k")));
        TxnResult bothNeeded = await(store.txn(Txn.builder()
                .when(Compare.present("k"), Compare.present("absent"))
                .success(Op.put("never", bytes("1")))
                .build()));
        assertFalse(bothNeeded.succeeded(), "every compare must hold");
        assertEquals(Optional.empty(), await(store.get("never")));
    }

    @Test
    void readOnlyTxnsAndDeletesOfAbsentKeysKeepTheRevision() throws Exception {
        await(store.put("k", bytes("v")));
        TxnResult reads = await(store.txn(Txn.builder().success(Op.get("k"), Op.getPrefix("")).build()));
        assertEquals(rev(2), reads.revision());
        TxnResult emptyBranch = await(store.txn(Txn.builder().when(Compare.absent("k")).success(Op.put("k", bytes("w"))).build()));
        assertFalse(emptyBranch.succeeded());
        assertEquals(rev(2), emptyBranch.revision());
        assertEquals(rev(2), await(store.delete("absent")));
        assertEquals(rev(2), await(store.txn(Txn.builder().success(Op.deletePrefix("nothing/")).build())).revision());
        assertEquals(rev(2), await(store.getPrefix("")).revision());
        assertEquals(rev(3), await(store.put("k2", bytes("v"))), "the next write still gets exactly the next revision");
    }

    @Test
    void txnHasOneResultListPerOpAndItsGetsSeeItsEarlierWrites() throws Exception {
        await(store.put("p/old", bytes("o")));
        TxnResult result = await(store.txn(Txn.builder()
                .success(Op.get("p/new"), Op.put("p/new", bytes("n")), Op.get("p/new"), Op.delete("p/old"), Op.getPrefix("p/"))
                .build()));
        assertEquals(5, result.results().size());
        assertEquals(List.of(), result.results().get(0));
        assertEquals(List.of(), result.results().get(1));
        assertKv(result.results().get(2).getFirst(), "n", rev(3), rev(3), 1);
        assertEquals(List.of(), result.results().get(3));
        assertEquals(List.of("p/new"), keys(result.results().get(4)));
        assertEquals(rev(3), result.revision());
    }

    @Test
    void deletePrefixDeletesEveryKeyUnderThePrefixInOneRevision() throws Exception {
        for (String key : List.of("ranges/1/0", "ranges/1/1", "ranges/10/0", "ranges/2/0", "ranges/1")) {
            await(store.put(key, bytes("r")));
        }
        TxnResult result = await(store.txn(Txn.builder().success(Op.deletePrefix("ranges/1/")).build()));
        assertEquals(rev(7), result.revision());
        assertEquals(List.of("ranges/1", "ranges/10/0", "ranges/2/0"), keys(await(store.getPrefix("")).kvs()));
    }

    @Test
    void txnThatWritesTheSameKeyTwiceFailsAndChangesNothing() throws Exception {
        assertInstanceOf(MetadataStoreException.class, failure(store.txn(Txn.builder()
                .success(Op.put("k", bytes("1")), Op.put("k", bytes("2"))).build())));
        assertInstanceOf(MetadataStoreException.class, failure(store.txn(Txn.builder()
                .success(Op.put("d/k", bytes("1")), Op.deletePrefix("d/")).build())));
        assertInstanceOf(MetadataStoreException.class, failure(store.put("", bytes("1"))));
        assertEquals(rev(1), await(store.getPrefix("")).revision());
        assertTrue(await(store.getPrefix("")).kvs().isEmpty());
    }

    @Test
    void putWithAnUnknownLeaseFailsWithLeaseNotFoundAndChangesNothing() throws Exception {
        Throwable error = failure(store.txn(Txn.builder()
                .success(Op.put("a", bytes("1")), Op.put("b", bytes("1"), 424242))
                .build()));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, error);
        assertEquals(Optional.empty(), await(store.get("a")));
        assertEquals(rev(1), await(store.getPrefix("")).revision());
    }

    // ---------------------------------------------------------------- watches

    @Test
    void watchDeliversPutsAndDeletesWithPrevKvInRevisionOrder() throws Exception {
        await(store.put("brokers/1", bytes("a")));
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("brokers/", rev(3), recorder)) {
            await(store.put("brokers/1", bytes("b")));
            await(store.put("brokers/2", bytes("c")));
            await(store.delete("brokers/1"));
            List<WatchEvent> events = recorder.awaitEvents(3);
            assertEquals(3, events.size());

            WatchEvent update = events.get(0);
            assertEquals(WatchEvent.Type.PUT, update.type());
            assertKv(update.kv(), "b", rev(2), rev(3), 2);
            assertKv(update.prevKv(), "a", rev(2), rev(2), 1);
            assertEquals(rev(3), update.revision());

            WatchEvent create = events.get(1);
            assertEquals(WatchEvent.Type.PUT, create.type());
            assertKv(create.kv(), "c", rev(4), rev(4), 1);
            assertNull(create.prevKv());

            WatchEvent delete = events.get(2);
            assertEquals(WatchEvent.Type.DELETE, delete.type());
            assertEquals("brokers/1", delete.kv().key());
            assertEquals(rev(5), delete.revision());
            assertKv(delete.prevKv(), "b", rev(2), rev(3), 2);
        }
    }

    @Test
    void watchDeliversTheEventsOfOneTxnTogetherAndOnlyThoseUnderItsPrefix() throws Exception {
        await(store.put("a/0", bytes("0")));
        long next = await(store.getPrefix("")).revision() + 1;
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("a/", next, recorder)) {
            await(store.txn(Txn.builder()
                    .success(Op.put("a/1", bytes("1")), Op.put("b/1", bytes("1")), Op.delete("a/0"), Op.put("a/2", bytes("2")))
                    .build()));
            recorder.awaitEvents(3);
            List<List<WatchEvent>> batches = recorder.batches();
            assertEquals(1, batches.size());
            List<WatchEvent> batch = batches.getFirst();
            assertEquals(List.of("a/1", "a/0", "a/2"), batch.stream().map(e -> e.kv().key()).toList());
            assertEquals(List.of(WatchEvent.Type.PUT, WatchEvent.Type.DELETE, WatchEvent.Type.PUT),
                    batch.stream().map(WatchEvent::type).toList());
            assertTrue(batch.stream().allMatch(e -> e.revision() == next));
        }
    }

    @Test
    void watchFromAPastRevisionReplaysThenContinuesWithoutGapsOrDuplicates() throws Exception {
        for (int i = 1; i <= 5; i++) {
            await(store.put("s/" + i, bytes("v" + i)));
        }
        // A watcher saw up to revision 3 (s/2), disconnected, and resumes from 4.
        Recorder resumed = new Recorder();
        try (Watch _ = store.watchPrefix("s/", rev(4), resumed)) {
            for (int i = 6; i <= 8; i++) {
                await(store.put("s/" + i, bytes("v" + i)));
            }
            List<WatchEvent> events = resumed.awaitEvents(6);
            assertEquals(List.of(rev(4), rev(5), rev(6), rev(7), rev(8), rev(9)), events.stream().map(WatchEvent::revision).toList());
            assertEquals(List.of("s/3", "s/4", "s/5", "s/6", "s/7", "s/8"), events.stream().map(e -> e.kv().key()).toList());
            assertNull(resumed.error());
        }
    }

    @Test
    void watchFromNowSkipsEarlierChanges() throws Exception {
        await(store.put("k/old", bytes("1")));
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("k/", 0, recorder)) {
            // The watch may register before or after this barrier is applied; the one after it is certainly seen.
            await(store.put("k/barrier", bytes("1")));
            await(store.put("k/new", bytes("1")));
            recorder.awaitKey("k/new");
            assertFalse(recorder.keys().contains("k/old"));
        }
    }

    @Test
    void watchFromACompactedRevisionFailsWithCompacted() throws Exception {
        for (int i = 0; i < 5; i++) {
            await(store.put("c/" + i, bytes("v")));
        }
        compactHistory(rev(4));
        Recorder tooOld = new Recorder();
        store.watchPrefix("c/", rev(3), tooOld);
        assertInstanceOf(MetadataStoreException.Compacted.class, tooOld.awaitError());
        assertTrue(tooOld.events().isEmpty());

        Recorder recent = new Recorder();
        try (Watch _ = store.watchPrefix("c/", rev(5), recent)) {
            assertEquals(List.of(rev(5), rev(6)), recent.awaitEvents(2).stream().map(WatchEvent::revision).toList());
        }
    }

    @Test
    void closedWatchReceivesNothingMore() throws Exception {
        Recorder closed = new Recorder();
        Watch watch = store.watchPrefix("w/", rev(2), closed);
        await(store.put("w/1", bytes("1")));
        closed.awaitEvents(1);
        watch.close();
        watch.close();
        long next = await(store.getPrefix("")).revision() + 1;
        Recorder open = new Recorder();
        try (Watch _ = store.watchPrefix("w/", next, open)) {
            await(store.put("w/2", bytes("2")));
            open.awaitEvents(1);
            assertEquals(1, closed.events().size());
        }
    }

    @Test
    void listenerThatThrowsDoesNotStopOtherWatches() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        MetadataStore.WatchListener throwing = events -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug (expected by the test)");
        };
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("t/", rev(2), throwing); Watch _ = store.watchPrefix("t/", rev(2), recorder)) {
            await(store.put("t/1", bytes("1")));
            await(store.put("t/2", bytes("2")));
            assertEquals(2, recorder.awaitEvents(2).size());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
            while (calls.get() < 1 && System.nanoTime() < deadline) { // its watch delivers on its own schedule
                Thread.onSpinWait();
            }
            assertTrue(calls.get() >= 1, "the throwing listener was called");
        }
    }

    // ---------------------------------------------------------------- leases

    @Test
    void leaseExpiryDeletesItsKeysInOneRevisionWithEvents() throws Exception {
        long lease = await(store.grantLease(1_000));
        await(store.txn(Txn.builder()
                .success(Op.put("nodes/1", bytes("a"), lease), Op.put("nodes/2", bytes("b"), lease))
                .build()));
        await(store.put("nodes/3", bytes("forever")));
        assertEquals(lease, get("nodes/1").leaseId());
        assertEquals(0, get("nodes/3").leaseId());
        long before = await(store.getPrefix("")).revision();
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("nodes/", before + 1, recorder)) {
            passLeaseTime(1_500);
            List<WatchEvent> events = recorder.awaitEvents(2);
            assertEquals(List.of("nodes/1", "nodes/2"), events.stream().map(e -> e.kv().key()).toList());
            assertTrue(events.stream().allMatch(e -> e.type() == WatchEvent.Type.DELETE && e.revision() == before + 1));
            assertEquals(1, recorder.batches().size());
            assertEquals("a", string(events.getFirst().prevKv().value()));
        }
        assertEquals(List.of("nodes/3"), keys(await(store.getPrefix("nodes/")).kvs()));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.keepAlive(lease)));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.txn(Txn.builder()
                .success(Op.put("nodes/1", bytes("again"), lease)).build())));
    }

    @Test
    void keepAliveExtendsTheLeaseAndFailsOnceItHasExpired() throws Exception {
        long lease = await(store.grantLease(1_000));
        await(store.txn(Txn.builder().success(Op.put("live", bytes("1"), lease)).build()));
        passLeaseTime(600);
        await(store.keepAlive(lease));
        passLeaseTime(600);
        assertTrue(await(store.get("live")).isPresent(), "kept alive 600 ms ago with a 1000 ms TTL");
        passLeaseTime(500);
        assertEquals(Optional.empty(), await(store.get("live")));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.keepAlive(lease)));
    }

    @Test
    void revokeDeletesTheLeaseKeysAndRevokingAnUnknownLeaseSucceeds() throws Exception {
        long lease = await(store.grantLease(60_000));
        await(store.txn(Txn.builder().success(Op.put("r/1", bytes("1"), lease), Op.put("r/2", bytes("2"), lease)).build()));
        long before = await(store.getPrefix("")).revision();
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("r/", before + 1, recorder)) {
            await(store.revokeLease(lease));
            assertTrue(await(store.getPrefix("r/")).kvs().isEmpty());
            assertEquals(before + 1, await(store.getPrefix("")).revision());
            List<WatchEvent> events = recorder.awaitEvents(2);
            assertTrue(events.stream().allMatch(e -> e.type() == WatchEvent.Type.DELETE && e.revision() == before + 1));
        }
        await(store.revokeLease(lease));
        await(store.revokeLease(987_654));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.keepAlive(lease)));
        long empty = await(store.grantLease(60_000));
        await(store.revokeLease(empty));
        assertEquals(before + 1, await(store.getPrefix("")).revision(), "revoking a lease without keys changes no key");
    }

    @Test
    void putWithoutALeaseDetachesTheKeyFromItsLease() throws Exception {
        long lease = await(store.grantLease(60_000));
        await(store.txn(Txn.builder().success(Op.put("k", bytes("1"), lease)).build()));
        await(store.put("k", bytes("2")));
        assertEquals(0, get("k").leaseId());
        await(store.revokeLease(lease));
        assertEquals("2", string(get("k").value()));
    }

    @Test
    void leaseIdsAreNeverReused() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            long id = await(store.grantLease(60_000));
            assertNotEquals(0, id);
            assertTrue(ids.add(id), "lease id " + id + " reused");
            await(store.revokeLease(id));
        }
    }

    // ---------------------------------------------------------------- close

    @Test
    void callsAfterCloseFailWithUnavailableAndCloseIsIdempotent() throws Exception {
        Recorder watcher = new Recorder();
        store.watchPrefix("", 0, watcher);
        await(store.put("k", bytes("v")));
        store.close();
        store.close();
        assertInstanceOf(MetadataStoreException.Unavailable.class, watcher.awaitError());
        assertInstanceOf(MetadataStoreException.Unavailable.class, failure(store.get("k")));
        assertInstanceOf(MetadataStoreException.Unavailable.class, failure(store.put("k", bytes("w"))));
        assertInstanceOf(MetadataStoreException.Unavailable.class, failure(store.grantLease(1_000)));
        Recorder late = new Recorder();
        store.watchPrefix("", 0, late);
        assertInstanceOf(MetadataStoreException.Unavailable.class, late.awaitError());
    }

    // ---------------------------------------------------------------- helpers

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String string(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    static List<String> keys(List<KeyValue> kvs) {
        return kvs.stream().map(KeyValue::key).toList();
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(AWAIT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("operation failed", e.getCause());
        }
    }

    /** The error the future failed with; fails the test if it succeeds. */
    static Throwable failure(CompletableFuture<?> future) throws InterruptedException, TimeoutException {
        try {
            Object value = future.get(AWAIT_MS, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    KeyValue get(String key) throws Exception {
        return await(store.get(key)).orElseThrow(() -> new AssertionError(key + " is absent"));
    }

    boolean holds(Compare compare) throws Exception {
        return await(store.txn(Txn.builder().when(compare).build())).succeeded();
    }

    static void assertKv(KeyValue kv, String value, long createRevision, long modRevision, long version) {
        assertArrayEquals(bytes(value), kv.value(), () -> kv.key() + " value");
        assertEquals(createRevision, kv.createRevision(), () -> kv.key() + " createRevision");
        assertEquals(modRevision, kv.modRevision(), () -> kv.key() + " modRevision");
        assertEquals(version, kv.version(), () -> kv.key() + " version");
    }

    /** Records what a watch delivers; the await methods wait (with a deadline) for deliveries. */
    static final class Recorder implements MetadataStore.WatchListener {
        private final List<List<WatchEvent>> batches = new ArrayList<>();
        private Throwable error;

        @Override
        public synchronized void onEvents(List<WatchEvent> events) {
            batches.add(events);
            notifyAll();
        }

        @Override
        public synchronized void onError(Throwable e) {
            error = e;
            notifyAll();
        }

        synchronized List<List<WatchEvent>> batches() {
            return List.copyOf(batches);
        }

        synchronized List<WatchEvent> events() {
            return batches.stream().flatMap(List::stream).toList();
        }

        synchronized List<String> keys() {
            return events().stream().map(e -> e.kv().key()).toList();
        }

        synchronized Throwable error() {
            return error;
        }

        synchronized List<WatchEvent> awaitEvents(int count) throws InterruptedException {
            awaitCondition(() -> events().size() >= count, count + " events");
            return events();
        }

        synchronized void awaitKey(String key) throws InterruptedException {
            awaitCondition(() -> keys().contains(key), "an event on " + key);
        }

        private void awaitCondition(BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
            while (!condition.getAsBoolean()) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    fail("expected " + what + ", got " + events() + (error == null ? "" : ", error " + error));
                }
                wait(leftMs);
            }
        }

        synchronized Throwable awaitError() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(AWAIT_MS);
            while (error == null) {
                long leftMs = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (leftMs <= 0) {
                    fail("expected the watch to fail");
                }
                wait(leftMs);
            }
            return error;
        }
    }
}
