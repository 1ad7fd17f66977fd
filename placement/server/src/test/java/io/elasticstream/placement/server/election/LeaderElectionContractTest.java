package io.elasticstream.placement.server.election;

import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.server.PlacementConfig;
import io.elasticstream.placement.server.PlacementDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The election protocol, run against each metadata store implementation. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class LeaderElectionContractTest {
    static final String PREFIX = "/election-test/";
    static final long TTL_MS = 1_000;
    /** Lease expiry is checked by the store on its own schedule (etcd: every 500 ms), then the watch fires. */
    static final long TAKEOVER_SLACK_MS = 1_500;

    private final List<Candidate> candidates = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A store client for one more candidate (separate connections where the store has them). */
    abstract MetadataStore newClient() throws Exception;

    @AfterEach
    void closeAll() throws Exception {
        for (Candidate c : candidates) {
            c.election.close();
        }
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
    }

    @Test
    void exactlyOneOfThreeCandidatesLeadsAndAllAgreeOnIt() throws Exception {
        for (int i = 1; i <= 3; i++) {
            candidate("pd" + i);
        }
        Candidate leader = awaitSingleLeader(null);
        awaitTrue(() -> candidates.stream().allMatch(c -> c.election.knownLeader()
                .map(l -> l.id().equals(leader.id)).orElse(false)), 5_000, "every candidate knows the leader");
        assertEquals(1, candidates.stream().filter(c -> c.election.leadership().isPresent()).count());
        PdLeader known = candidates.get(0).election.knownLeader().orElseThrow();
        assertEquals("127.0.0.1:" + (9000 + Integer.parseInt(leader.id.substring(2))), known.address());
        assertEquals(leader.election.leadership().orElseThrow().term(), known.term());
    }

    @Test
    void resigningLeaderIsReplacedWithinTheLeaseTtl() throws Exception {
        candidate("pd1");
        candidate("pd2");
        Candidate first = awaitSingleLeader(null);
        long firstTerm = first.election.leadership().orElseThrow().term();
        long start = Clock.SYSTEM.monotonicMillis();
        first.election.close();
        assertTrue(first.deposed.poll(5, TimeUnit.SECONDS) != null, "the resigning leader is told");
        Candidate second = awaitSingleLeader(first);
        long takeoverMs = Clock.SYSTEM.monotonicMillis() - start;
        assertTrue(takeoverMs < TTL_MS, "took over in " + takeoverMs + " ms");
        assertTrue(second.election.leadership().orElseThrow().term() > firstTerm);
    }

    @Test
    void crashedLeaderIsReplacedOnceItsLeaseExpires() throws Exception {
        candidate("pd1");
        candidate("pd2");
        candidate("pd3");
        Candidate first = awaitSingleLeader(null);
        long firstTerm = first.election.leadership().orElseThrow().term();
        long start = Clock.SYSTEM.monotonicMillis();
        first.election.halt();
        Candidate second = awaitSingleLeader(first);
        long takeoverMs = Clock.SYSTEM.monotonicMillis() - start;
        assertTrue(takeoverMs < TTL_MS + TAKEOVER_SLACK_MS, "took over in " + takeoverMs + " ms");
        assertEquals(firstTerm + 1, second.election.leadership().orElseThrow().term());
    }

    @Test
    void stalledDeposedLeadersGuardedWriteFailsWithNotLeader() throws Exception {
        Candidate a = candidate("pd1");
        Leadership aLeads = a.elected.poll(10, TimeUnit.SECONDS);
        assertTrue(aLeads != null, "the only candidate is elected");
        Candidate b = candidate("pd2");
        PlacementConfig config = new PlacementConfig(PREFIX, 1, 1);
        try (PlacementDriver aDriver = new PlacementDriver(a.store, config, aLeads.guard())) {
            aDriver.registerBroker(new BrokerInfo(1, "h", 1)).join();

            // A stalls (its election stops, as in a long pause or a partition) and its lease ends; its
            // driver does not know and keeps writing.
            a.election.halt();
            b.store.revokeLease(aLeads.leaseId()).join();
            Leadership bLeads = b.elected.poll(10, TimeUnit.SECONDS);
            assertTrue(bLeads != null, "the other candidate takes over");
            assertNotEquals(aLeads.createRevision(), bLeads.createRevision());

            CompletionException failed = assertThrows(CompletionException.class,
                    () -> aDriver.registerBroker(new BrokerInfo(2, "h", 2)).join());
            assertInstanceOf(PlacementException.NotLeader.class, failed.getCause());
            try (PlacementDriver bDriver = new PlacementDriver(b.store, config, bLeads.guard())) {
                bDriver.registerBroker(new BrokerInfo(3, "h", 3)).join();
                assertEquals(List.of(1, 3), bDriver.brokers().join().stream().map(BrokerInfo::id).toList());
            }
        }
    }

    private Candidate candidate(String id) throws Exception {
        MetadataStore store = newClient();
        Candidate c = new Candidate(id, store);
        ElectionConfig config = new ElectionConfig(PREFIX, id, "127.0.0.1:" + (9000 + Integer.parseInt(id.substring(2))),
                TTL_MS);
        c.election = LeaderElection.start(store, config, Clock.SYSTEM, c);
        candidates.add(c);
        return c;
    }

    /** Waits until exactly one candidate other than {@code excluded} leads; returns it. */
    private Candidate awaitSingleLeader(Candidate excluded) throws InterruptedException {
        awaitTrue(() -> candidates.stream().filter(c -> c != excluded)
                .filter(c -> c.election.leadership().isPresent()).count() == 1, 10_000, "one leader");
        List<Candidate> leaders = candidates.stream().filter(c -> c != excluded)
                .filter(c -> c.election.leadership().isPresent()).toList();
        assertEquals(1, leaders.size());
        return leaders.get(0);
    }

    static void awaitTrue(BooleanSupplier condition, long timeoutMs, String what) throws InterruptedException {
        long deadline = Clock.SYSTEM.monotonicMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            assertTrue(Clock.SYSTEM.monotonicMillis() < deadline, "timed out waiting for: " + what);
            Thread.sleep(5);
        }
    }

    final class Candidate implements ElectionListener {
        final String id;
        final MetadataStore store;
        final LinkedBlockingQueue<Leadership> elected = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Leadership> deposed = new LinkedBlockingQueue<>();
        LeaderElection election;

        Candidate(String id, MetadataStore store) {
            this.id = id;
            this.store = store;
            if (!closeables.contains(store)) {
                closeables.add(store);
            }
        }

        @Override
        public void onElected(Leadership leadership) {
            elected.add(leadership);
        }

        @Override
        public void onDeposed(Leadership leadership, String reason) {
            deposed.add(leadership);
        }

        Optional<Leadership> leadership() {
            return election.leadership();
        }
    }
}
