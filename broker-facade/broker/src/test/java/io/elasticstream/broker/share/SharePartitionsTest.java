package io.elasticstream.broker.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.common.ManualClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The share-partitions of a broker over a store whose writes complete when the test says: a share-partition
 * opens from its stored state or at its group's start, an acknowledgement is answered once a write holding it
 * is durable, changes made while a write runs ride on the next one, a failed write fails its acknowledgements
 * and a later change writes again; a group's share-partitions close when it has no session left here; the wire
 * form of acknowledgement batches.
 */
class SharePartitionsTest {
    private static final TopicIdPartition P0 = new TopicIdPartition(new Uuid(1, 1), 0, "queue");
    private static final SharePartitions.Key KEY = new SharePartitions.Key("g", P0);
    private static final SharePartition.Limits LIMITS = new SharePartition.Limits(3, 1_000, 100);
    private static final int LEADER_EPOCH = 6;

    /** A store holding one state; writes wait for {@link #complete}. */
    private static final class Store implements SharePartitions.StateStore {
        SharePartition.State stored;
        final List<SharePartition.State> writes = new ArrayList<>();
        final List<CompletableFuture<Void>> pending = new ArrayList<>();
        final List<Integer> epochs = new ArrayList<>();

        @Override
        public CompletableFuture<Optional<SharePartition.State>> read(String groupId, TopicIdPartition partition,
                                                                      int leaderEpoch) {
            return CompletableFuture.completedFuture(Optional.ofNullable(stored));
        }

        @Override
        public CompletableFuture<Void> write(String groupId, TopicIdPartition partition, int leaderEpoch,
                                             SharePartition.State state) {
            epochs.add(leaderEpoch);
            writes.add(state);
            CompletableFuture<Void> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }

        void complete(int i, Throwable failure) {
            if (failure == null) {
                stored = writes.get(i);
                pending.get(i).complete(null);
            } else {
                pending.get(i).completeExceptionally(failure);
            }
        }
    }

    private final ManualClock clock = new ManualClock();
    private final Store store = new Store();
    private final SharePartitions shares = new SharePartitions(clock, store);

    private SharePartition open(long start) {
        return shares.open(KEY, () -> CompletableFuture.completedFuture(new SharePartitions.Opening(start, LIMITS, LEADER_EPOCH)))
                .join();
    }

    private CompletableFuture<Errors> ack(long first, long last, AcknowledgeType type) {
        return shares.acknowledge(KEY, "m1", List.of(new SharePartition.Acknowledgement(first, last, type)));
    }

    @Test
    void anAcknowledgementIsAnsweredOnceAWriteHoldingItIsDurable() {
        SharePartition p = open(10);
        shares.acquire(p, "m1", List.of(10L, 11L, 12L), 10, 13, () -> true);
        CompletableFuture<Errors> first = ack(10, 10, AcknowledgeType.ACCEPT);
        assertFalse(first.isDone(), "not before the write");
        CompletableFuture<Errors> second = ack(11, 11, AcknowledgeType.ACCEPT);
        assertEquals(2, store.writes.size(), "the second write begins without waiting for the first");
        assertEquals(12, store.writes.get(1).startOffset(), "it carries both acknowledgements");
        store.complete(0, null);
        assertEquals(Errors.NONE, first.join());
        assertFalse(second.isDone(), "not held by the first write");
        store.complete(1, null);
        assertEquals(Errors.NONE, second.join());
    }

    @Test
    void changesMadeWhileTheLimitOfWritesRunsRideOnTheNext() {
        SharePartition p = open(0);
        List<Long> offsets = new ArrayList<>();
        for (long o = 0; o <= SharePartitions.MAX_WRITES_IN_FLIGHT + 1; o++) {
            offsets.add(o);
        }
        shares.acquire(p, "m1", offsets, 100, offsets.size(), () -> true);
        List<CompletableFuture<Errors>> acks = new ArrayList<>();
        for (long o : offsets) {
            acks.add(ack(o, o, AcknowledgeType.ACCEPT));
        }
        assertEquals(SharePartitions.MAX_WRITES_IN_FLIGHT, store.writes.size(), "no more writes at once");
        store.complete(0, null);
        assertEquals(SharePartitions.MAX_WRITES_IN_FLIGHT + 1, store.writes.size(), "the next begins");
        assertEquals(offsets.size(), store.writes.getLast().startOffset(), "with every change made meanwhile");
        for (int i = 1; i < store.writes.size(); i++) {
            store.complete(i, null);
        }
        acks.forEach(a -> assertEquals(Errors.NONE, a.join()));
    }

    @Test
    void aFailedWriteFailsItsAcknowledgementsAndTheNextChangeWritesAgain() {
        SharePartition p = open(0);
        shares.acquire(p, "m1", List.of(0L, 1L), 10, 2, () -> true);
        CompletableFuture<Errors> first = ack(0, 0, AcknowledgeType.ACCEPT);
        store.complete(0, new IllegalStateException("coordinator moved"));
        assertEquals(Errors.COORDINATOR_NOT_AVAILABLE, first.join(), "retriable for the member");
        CompletableFuture<Errors> next = ack(1, 1, AcknowledgeType.ACCEPT);
        store.complete(1, null);
        assertEquals(Errors.NONE, next.join());
        assertEquals(2, store.stored.startOffset(), "the write after the failure held both");
    }

    @Test
    void aFencedWriteAnswersItsAcknowledgementsNotLeaderAndDropsTheSharePartition() {
        SharePartition p = open(0);
        shares.acquire(p, "m1", List.of(0L), 10, 1, () -> true);
        CompletableFuture<Errors> accepted = ack(0, 0, AcknowledgeType.ACCEPT);
        assertEquals(List.of(LEADER_EPOCH), store.epochs, "written at this broker's leader epoch");
        store.complete(0, new FencedLeaderEpochException("a newer leader read the state"));
        assertEquals(Errors.NOT_LEADER_OR_FOLLOWER, accepted.join(), "the consumer looks for the new leader");
        assertEquals(0, shares.size(), "what this broker held is stale");
    }

    @Test
    void aSharePartitionOpensFromItsStoredStateElseAtItsGroupsStart() {
        store.stored = new SharePartition.State(4, List.of());
        assertEquals(4, open(99).startOffset(), "the stored state wins");
        shares.retainPartitions(tp -> false);
        assertEquals(0, shares.size(), "dropped when not led here");
        store.stored = null;
        assertEquals(99, open(99).startOffset());
    }

    @Test
    void aGroupWithoutSessionsClosesItsSharePartitionsOnceNothingIsHeldOrUnwritten() {
        SharePartition p = open(0);
        shares.acquire(p, "m1", List.of(0L, 1L), 10, 2, () -> true);
        CompletableFuture<Errors> accepted = ack(0, 0, AcknowledgeType.ACCEPT);
        boolean[] idle = {true};
        shares.closeGroup("g", () -> idle[0]);
        assertEquals(1, shares.size(), "kept while m1 holds offset 1 and the acceptance is unwritten");
        shares.releaseMember("g", "m1", List.of(P0));
        store.complete(0, null);
        assertEquals(Errors.NONE, accepted.join());
        assertEquals(1, shares.size(), "the release is not written yet");
        store.complete(1, null);
        assertEquals(0, shares.size(), "closed once its last change is durable");

        store.stored = new SharePartition.State(7, List.of());
        assertEquals(7, open(0).startOffset(), "the next fetch reads the state afresh (say, as an admin altered it)");
        idle[0] = false;
        shares.closeGroup("g", () -> idle[0]);
        assertEquals(1, shares.size(), "not while a session of the group opened meanwhile");
    }

    @Test
    void aFetchWaitingOnAFullWindowIsWokenByTheAcknowledgementThatFreesIt() {
        SharePartitions narrow = new SharePartitions(clock, store);
        SharePartition p = narrow.open(KEY, () -> CompletableFuture.completedFuture(new SharePartitions.Opening(0,
                new SharePartition.Limits(3, 1_000, 2), LEADER_EPOCH))).join();
        narrow.acquire(p, "m1", List.of(0L, 1L), 10, 2, () -> true);
        assertFalse(narrow.canAcquire(KEY, 5), "both locks taken, nothing available");
        boolean[] woken = {false};
        narrow.awaitChange(KEY, () -> woken[0] = true);
        narrow.acknowledge(KEY, "m1", List.of(new SharePartition.Acknowledgement(0, 0, AcknowledgeType.ACCEPT)));
        assertTrue(woken[0], "the acknowledgement wakes the waiting fetch");
        assertTrue(narrow.canAcquire(KEY, 5), "offset 0 done: the window may take offset 2");
    }

    @Test
    void aMemberWhoseSessionEndedWhileItsFetchWaitedAcquiresNothing() {
        SharePartition p = open(0);
        assertEquals(List.of(), shares.acquire(p, "m1", List.of(0L, 1L), 10, 2, () -> false));
        assertEquals(0, p.endOffset(), "nothing taken: left for the members still here");
    }

    @Test
    void acknowledgementsOfAPartitionNeverFetchedAreInvalid() {
        assertEquals(Errors.INVALID_RECORD_STATE, ack(0, 0, AcknowledgeType.ACCEPT).join());
    }

    @Test
    void expiredLocksAreWrittenBack() {
        SharePartition p = open(0);
        shares.acquire(p, "m1", List.of(0L), 10, 1, () -> true);
        clock.advanceMillis(LIMITS.lockDurationMs());
        assertEquals(1, shares.expireLocks());
        assertEquals(1, store.writes.size());
        assertEquals(SharePartition.RecordState.AVAILABLE, store.writes.getFirst().batches().getFirst().state());
    }

    @Test
    void wireAcknowledgementBatchesBecomeRunsOfOneType() {
        assertEquals(List.of(new SharePartition.Acknowledgement(5, 7, AcknowledgeType.ACCEPT)),
                SharePartitions.acknowledgements(5, 7, List.of((byte) 1)));
        assertEquals(List.of(new SharePartition.Acknowledgement(5, 6, AcknowledgeType.ACCEPT),
                        new SharePartition.Acknowledgement(7, 7, null), new SharePartition.Acknowledgement(8, 8,
                                AcknowledgeType.REJECT)),
                SharePartitions.acknowledgements(5, 8, List.of((byte) 1, (byte) 1, (byte) 0, (byte) 3)), "0 is a gap");
        assertNull(SharePartitions.acknowledgements(5, 8, List.of((byte) 1, (byte) 2)), "neither one nor one per offset");
        assertNull(SharePartitions.acknowledgements(5, 5, List.of((byte) 9)), "no such type");
        assertNull(SharePartitions.acknowledgements(6, 5, List.of((byte) 1)), "an inverted range");
        assertNull(SharePartitions.acknowledgements(0, 0, List.of((byte) 0)).getFirst().type(), "a gap has no type");
    }
}
