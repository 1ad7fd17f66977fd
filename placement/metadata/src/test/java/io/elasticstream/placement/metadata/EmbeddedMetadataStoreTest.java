package io.elasticstream.placement.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.RangeResult;
import io.elasticstream.placement.metadata.MetadataStore.Watch;
import io.elasticstream.placement.metadata.MetadataStore.WatchEvent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract, plus what only the embedded store has: its files, recovery and restarts. */
class EmbeddedMetadataStoreTest extends MetadataStoreContractTest {
    @TempDir
    Path directory;

    private final ManualClock clock = new ManualClock();
    private EmbeddedMetadataStore.Config config = EmbeddedMetadataStore.Config.DEFAULT;

    @Override
    protected MetadataStore newStore() {
        return EmbeddedMetadataStore.open(directory, clock, config);
    }

    @Override
    protected void passLeaseTime(long millis) throws Exception {
        clock.advanceMillis(millis);
        await(embedded().expireLeases());
    }

    @Override
    protected void compactHistory(long revision) throws Exception {
        await(embedded().compactHistory(revision));
    }

    private EmbeddedMetadataStore embedded() {
        return (EmbeddedMetadataStore) store;
    }

    private void reopen() {
        store.close();
        store = newStore();
    }

    private void reopen(EmbeddedMetadataStore.Config newConfig) {
        config = newConfig;
        reopen();
    }

    // ---------------------------------------------------------------- restarts

    @Test
    void everythingSurvivesCloseAndReopen() throws Exception {
        await(store.put("a", bytes("1")));
        await(store.put("a", bytes("2")));
        await(store.put("b", bytes("1")));
        await(store.delete("b"));
        long lease = await(store.grantLease(60_000));
        await(store.txn(Txn.builder().success(Op.put("c", bytes("leased"), lease), Op.put("d", new byte[0])).build()));
        await(store.txn(Txn.builder().success(Op.deletePrefix("zzz")).build()));
        RangeResult before = await(store.getPrefix(""));

        reopen();

        RangeResult after = await(store.getPrefix(""));
        assertEquals(before.revision(), after.revision());
        assertEquals(describe(before.kvs()), describe(after.kvs()));
        assertEquals(before.revision() + 1, await(store.put("a", bytes("3"))));
        assertKv(get("a"), "3", 2, before.revision() + 1, 3);
        await(store.revokeLease(lease));
        assertEquals(Optional.empty(), await(store.get("c")), "the lease and its keys survived the restart");
        assertTrue(await(store.get("d")).isPresent());
    }

    @Test
    void reopenedStoreGivesSurvivingLeasesAFullTtlFromTheReopen() throws Exception {
        long lease = await(store.grantLease(1_000));
        await(store.txn(Txn.builder().success(Op.put("owner", bytes("me"), lease)).build()));
        clock.advanceMillis(900);
        reopen();
        passLeaseTime(900);
        assertTrue(await(store.get("owner")).isPresent(), "1800 ms after the grant but only 900 ms after the reopen");
        await(store.keepAlive(lease));
        passLeaseTime(1_100);
        assertEquals(Optional.empty(), await(store.get("owner")));
        assertInstanceOf(MetadataStoreException.LeaseNotFound.class, failure(store.keepAlive(lease)));
    }

    @Test
    void leaseIdsAreNotReusedAfterReopen() throws Exception {
        Set<Long> ids = new HashSet<>();
        for (int round = 0; round < 3; round++) {
            long id = await(store.grantLease(60_000));
            assertTrue(ids.add(id));
            await(store.revokeLease(id));
            reopen();
        }
        long id = await(store.grantLease(60_000));
        assertTrue(ids.add(id), "lease id " + id + " reused");
    }

    @Test
    void watchesAfterReopenStartNoEarlierThanTheReopenedRevision() throws Exception {
        for (int i = 0; i < 3; i++) {
            await(store.put("w/" + i, bytes("v")));
        }
        reopen();
        long reopenedAt = await(store.getPrefix("")).revision();
        assertEquals(4, reopenedAt);
        Recorder tooOld = new Recorder();
        store.watchPrefix("w/", reopenedAt, tooOld);
        assertInstanceOf(MetadataStoreException.Compacted.class, tooOld.awaitError());

        Recorder fromNext = new Recorder();
        try (Watch _ = store.watchPrefix("w/", reopenedAt + 1, fromNext)) {
            await(store.put("w/3", bytes("v")));
            assertEquals(List.of(reopenedAt + 1), fromNext.awaitEvents(1).stream().map(WatchEvent::revision).toList());
        }
    }

    @Test
    void watchHistoryKeepsOnlyTheConfiguredNumberOfRecentEvents() throws Exception {
        reopen(config.withWatchHistoryEvents(5));
        for (int i = 0; i < 10; i++) {
            await(store.put("h/" + i, bytes("v"))); // revisions 2..11
        }
        Recorder evicted = new Recorder();
        store.watchPrefix("h/", 6, evicted);
        assertInstanceOf(MetadataStoreException.Compacted.class, evicted.awaitError());

        Recorder kept = new Recorder();
        try (Watch _ = store.watchPrefix("h/", 7, kept)) {
            assertEquals(List.of(7L, 8L, 9L, 10L, 11L), kept.awaitEvents(5).stream().map(WatchEvent::revision).toList());
        }
    }

    @Test
    void leasesExpireOnTheirOwnOnceTheClockPassesTheirDeadline() throws Exception {
        long lease = await(store.grantLease(1_000));
        await(store.txn(Txn.builder().success(Op.put("session", bytes("1"), lease)).build()));
        Recorder recorder = new Recorder();
        try (Watch _ = store.watchPrefix("session", 3, recorder)) {
            clock.advanceMillis(1_000);
            WatchEvent event = recorder.awaitEvents(1).getFirst();
            assertEquals(WatchEvent.Type.DELETE, event.type());
        }
    }

    // ---------------------------------------------------------------- recovery

    @Test
    void recoveryTruncatesATornTailAndKeepsEveryCompletedTxn() throws Exception {
        for (int i = 0; i < 10; i++) {
            await(store.put("k" + i, bytes("v" + i)));
        }
        store.close();
        Path log = lastLog();
        long size = Files.size(log);
        truncate(log, size - 5); // the last put was being written when the power went out

        store = newStore();
        assertEquals(10, await(store.getPrefix("")).revision());
        for (int i = 0; i < 9; i++) {
            assertKv(get("k" + i), "v" + i, i + 2, i + 2, 1);
        }
        assertEquals(Optional.empty(), await(store.get("k9")));
        assertTrue(Files.size(log) < size - 5, "the torn entry was cut off");

        assertEquals(11, await(store.put("k9", bytes("again"))));
        reopen();
        assertEquals(11, await(store.getPrefix("")).revision());
        assertKv(get("k9"), "again", 11, 11, 1);
    }

    @Test
    void recoveryDropsGarbageAfterTheLastCompleteEntry() throws Exception {
        for (int i = 0; i < 10; i++) {
            await(store.put("k" + i, bytes("v" + i)));
        }
        store.close();
        Path log = lastLog();
        long size = Files.size(log);
        try (FileChannel channel = FileChannel.open(log, StandardOpenOption.APPEND)) {
            channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5, 6, 7}));
        }

        store = newStore();
        assertEquals(11, await(store.getPrefix("")).revision());
        assertEquals(10, await(store.getPrefix("k")).kvs().size());
        assertEquals(size, Files.size(log));
    }

    @Test
    void recoveryDropsALastEntryWhoseChecksumDoesNotMatch() throws Exception {
        for (int i = 0; i < 3; i++) {
            await(store.put("k" + i, bytes("v" + i)));
        }
        store.close();
        Path log = lastLog();
        byte[] content = Files.readAllBytes(log);
        content[content.length - 1] ^= 0x5a; // the lease id of the last put: still decodable, but the CRC says no
        Files.write(log, content);

        store = newStore();
        assertEquals(3, await(store.getPrefix("")).revision());
        assertEquals(List.of("k0", "k1"), keys(await(store.getPrefix("")).kvs()));
    }

    @Test
    void closeCompletesEveryPendingCallAndKeepsEveryWriteItReportedDone() throws Exception {
        List<CompletableFuture<Long>> puts = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            puts.add(store.put("p/" + i, bytes("v")));
        }
        store.close();
        List<Boolean> doneAtClose = puts.stream().map(CompletableFuture::isDone).toList();
        Set<Long> revisions = new HashSet<>();
        for (int i = 0; i < puts.size(); i++) {
            try {
                assertTrue(revisions.add(puts.get(i).get(AWAIT_MS, TimeUnit.MILLISECONDS)));
            } catch (ExecutionException e) {
                assertInstanceOf(MetadataStoreException.Unavailable.class, e.getCause());
                assertTrue(doneAtClose.get(i), "a call that never ran has failed by the time close() returns");
            }
        }
        store = newStore();
        RangeResult all = await(store.getPrefix("p/"));
        assertEquals(1 + revisions.size(), all.revision());
        assertEquals(revisions.size(), all.kvs().size());
    }

    @Test
    void concurrentWritersEachGetADistinctRevisionAndAllSurviveReopen() throws Exception {
        int writers = 4;
        int putsEach = 250;
        ConcurrentLinkedQueue<Long> revisions = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            threads.add(Thread.ofPlatform().start(() -> {
                List<CompletableFuture<Long>> mine = new ArrayList<>();
                for (int i = 0; i < putsEach; i++) {
                    mine.add(store.put("c/" + writer + "/" + i, bytes("v")));
                }
                mine.forEach(f -> revisions.add(f.join()));
            }));
        }
        for (Thread thread : threads) {
            thread.join(AWAIT_MS);
            assertFalse(thread.isAlive());
        }
        long total = (long) writers * putsEach;
        assertEquals(total, new HashSet<>(revisions).size());
        assertEquals(List.of(2L, 1 + total), List.of(revisions.stream().min(Long::compare).orElseThrow(),
                revisions.stream().max(Long::compare).orElseThrow()));
        reopen();
        assertEquals(1 + total, await(store.getPrefix("")).revision());
        assertEquals(total, await(store.getPrefix("c/")).kvs().size());
    }

    @Test
    void snapshotReplacesTheLogAndRecoveryRoundTrips() throws Exception {
        reopen(config.withSnapshotThresholdBytes(2_048));
        long lease = await(store.grantLease(60_000));
        for (int i = 0; i < 300; i++) {
            await(store.put("s/" + (i % 20), bytes("value-" + i)));
        }
        await(store.txn(Txn.builder().success(Op.put("s/leased", bytes("x"), lease), Op.delete("s/0")).build()));
        assertTrue(Files.exists(directory.resolve("snapshot")));
        assertEquals(1, logFiles().size(), "older logs are deleted once the snapshot is in place");
        assertTrue(Files.size(lastLog()) < 2_048 + 512);
        RangeResult before = await(store.getPrefix(""));

        reopen();
        RangeResult after = await(store.getPrefix(""));
        assertEquals(before.revision(), after.revision());
        assertEquals(describe(before.kvs()), describe(after.kvs()));
        assertKv(get("s/19"), "value-299", 21, 301, 15);

        for (int i = 0; i < 100; i++) {
            await(store.put("t/" + i, bytes("more")));
        }
        long newLease = await(store.grantLease(60_000));
        assertTrue(newLease > lease);
        RangeResult later = await(store.getPrefix(""));
        reopen();
        assertEquals(describe(later.kvs()), describe(await(store.getPrefix("")).kvs()));
        assertEquals(later.revision(), await(store.getPrefix("")).revision());
        await(store.revokeLease(lease));
        assertEquals(Optional.empty(), await(store.get("s/leased")));
    }

    @Test
    void recoveryIgnoresTheLeftoversOfAnInterruptedCompaction() throws Exception {
        reopen(config.withSnapshotThresholdBytes(1_024));
        for (int i = 0; i < 100; i++) {
            await(store.put("k/" + (i % 7), bytes("value-" + i)));
        }
        RangeResult before = await(store.getPrefix(""));
        assertTrue(Files.exists(directory.resolve("snapshot")));
        assertFalse(logFiles().contains(directory.resolve("log-0000000000000001")), "compacted more than once");
        store.close();
        Files.write(directory.resolve("snapshot.tmp"), bytes("half a snapshot"));
        Files.write(directory.resolve("log-0000000000000001"), bytes("an old log that was about to be deleted"));

        store = newStore();
        assertEquals(before.revision(), await(store.getPrefix("")).revision());
        assertEquals(describe(before.kvs()), describe(await(store.getPrefix("")).kvs()));
        assertFalse(Files.exists(directory.resolve("snapshot.tmp")));
        assertFalse(Files.exists(directory.resolve("log-0000000000000001")));
    }

    @Test
    void aSecondStoreOnTheSameDirectoryIsRefused() {
        MetadataStoreException error = assertThrows(MetadataStoreException.class, () -> EmbeddedMetadataStore.open(directory, clock));
        assertTrue(error.getMessage().contains("in use"), error.getMessage());
    }

    // ---------------------------------------------------------------- helpers

    private List<Path> logFiles() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().startsWith("log-")).sorted().toList();
        }
    }

    private Path lastLog() throws IOException {
        return logFiles().getLast();
    }

    private static void truncate(Path file, long sizeBytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(sizeBytes);
        }
    }

    private static List<String> describe(List<KeyValue> kvs) {
        return kvs.stream()
                .map(kv -> kv.key() + "=" + string(kv.value()) + " c" + kv.createRevision() + " m" + kv.modRevision()
                        + " v" + kv.version() + " l" + kv.leaseId())
                .toList();
    }
}
