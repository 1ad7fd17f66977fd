package io.elasticstream.broker.share;

import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share-partitions of the partitions this broker leads, one per (share group, partition). A share-partition
 * is opened on its group's first fetch here: from the state last written for it ({@link StateStore}, kept by
 * the group's coordinator), or, when there is none, at the start offset {@code share.auto.offset.reset} gives,
 * with its group's limits ({@code share.record.lock.duration.ms}, {@code share.delivery.count.limit},
 * {@code share.partition.max.record.locks}) as they are when it opens.
 * Calls on one share-partition are serialised on it. What acknowledgements, lock expiries and released members
 * change is written back, a few writes at a time per share-partition, each carrying every change made before it
 * began; an acknowledgement is answered once a write holding it is durable, as Kafka answers it once its share
 * coordinator has it. Acquisitions are not written (as in Kafka): after a move, records acquired but not
 * acknowledged are available again, their last written delivery counts kept. {@link #expireLocks} (a timer
 * calls it) releases the records whose acquisition lock ran out. Thread-safe.
 *
 * <p>Reads and writes carry this broker's leader epoch of the partition: once a newer leader read the state,
 * a write from here fails (FencedLeaderEpochException, as Kafka's share coordinator fences it), the
 * acknowledgements it held are answered NOT_LEADER_OR_FOLLOWER and the share-partition is dropped here.
 */
public final class SharePartitions {
    /** Writes of one share-partition's state in flight at once. */
    static final int MAX_WRITES_IN_FLIGHT = 4;
    /** The wire id of a gap: an offset the consumer found no record at. */
    private static final byte GAP = 0;

    /** One share-partition. */
    public record Key(String groupId, TopicIdPartition partition) {
    }

    /**
     * Where share-partition states are kept. Each call carries the epoch of this broker's leadership of the
     * partition: a read fences the leaders of older epochs, whose later writes fail with
     * FencedLeaderEpochException.
     */
    public interface StateStore {
        /** The state last written for {@code partition} of {@code groupId}; empty when none was. */
        CompletableFuture<Optional<SharePartition.State>> read(String groupId, TopicIdPartition partition,
                                                               int leaderEpoch);

        /** Writes the state; completes once it is durable. */
        CompletableFuture<Void> write(String groupId, TopicIdPartition partition, int leaderEpoch,
                                      SharePartition.State state);
    }

    /** A share-partition being opened or open, and its writes. */
    private static final class Entry {
        final CompletableFuture<SharePartition> ready;
        /** The partition's leader epoch here, once opened. */
        volatile int leaderEpoch = -1;
        long changes;
        /** The changes the last write begun holds. */
        long startedUpTo;
        int writesInFlight;
        final List<Waiter> waiters = new ArrayList<>();
        /** Set while the group has no session here: once nothing is held or unwritten, the entry goes. */
        BooleanSupplier closeWhenIdle;

        Entry(CompletableFuture<SharePartition> ready) {
            this.ready = ready;
        }
    }

    private record Waiter(long change, CompletableFuture<Void> durable) {
    }

    private final Clock clock;
    private final StateStore store;
    private final Map<Key, Entry> partitions = new ConcurrentHashMap<>();
    /** Fetches waiting for a share-partition to change (a record released, a lock freed), run once each. */
    private final Map<Key, Queue<Runnable>> changeWaiters = new ConcurrentHashMap<>();

    public SharePartitions(Clock clock, StateStore store) {
        this.clock = clock;
        this.store = store;
    }

    /**
     * How a share-partition opens: its group's limits, where it starts when it has no stored state, and the
     * epoch of this broker's leadership of the partition.
     */
    public record Opening(long initialStart, SharePartition.Limits limits, int leaderEpoch) {
    }

    /**
     * The share-partition of {@code key}, opened (the first time) from its stored state or, if it has none, at
     * the start {@code opening} gives, with {@code opening}'s limits; fails (and is tried again by the next call)
     * when either cannot be had.
     */
    public CompletableFuture<SharePartition> open(Key key, Supplier<CompletableFuture<Opening>> opening) {
        Entry e = partitions.computeIfAbsent(key, k -> {
            CompletableFuture<SharePartition> ready = new CompletableFuture<>();
            Entry created = new Entry(ready);
            opening.get().thenCompose(o -> store.read(k.groupId(), k.partition(), o.leaderEpoch()).thenApply(state -> {
                created.leaderEpoch = o.leaderEpoch();
                return state.map(st -> SharePartition.restore(o.limits(), st))
                        .orElseGet(() -> new SharePartition(o.limits(), o.initialStart()));
            })).whenComplete((p, err) -> {
                if (err != null) {
                    ready.completeExceptionally(err);
                } else {
                    ready.complete(p);
                }
            });
            return created;
        });
        synchronized (e) {
            e.closeWhenIdle = null;
        }
        e.ready.whenComplete((p, err) -> {
            if (err != null) {
                partitions.remove(key, e);
            }
        });
        return e.ready;
    }

    /** Runs {@code work} on an open share-partition, serialised with every other call on it. */
    public <T> T apply(SharePartition p, Function<SharePartition, T> work) {
        synchronized (p) {
            return work.apply(p);
        }
    }

    /**
     * Whether the open share-partition of {@code key} could hand out a record now, its log readable below
     * {@code readableEnd} (false while it is not open); see {@link SharePartition#canAcquire}.
     */
    public boolean canAcquire(Key key, long readableEnd) {
        Entry e = partitions.get(key);
        SharePartition p = e == null ? null : e.ready.getNow(null);
        if (p == null) {
            return false;
        }
        synchronized (p) {
            return p.canAcquire(readableEnd);
        }
    }

    /**
     * Runs {@code waiter} once, at the next change of the share-partition of {@code key}: an acknowledgement, a
     * release, a lock expiry (what may let a waiting fetch acquire records with no new data in the log).
     */
    public void awaitChange(Key key, Runnable waiter) {
        changeWaiters.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(waiter);
    }

    private void wakeWaiters(Key key) {
        Queue<Runnable> waiting = changeWaiters.get(key);
        Runnable w;
        while (waiting != null && (w = waiting.poll()) != null) {
            w.run();
        }
    }

    /**
     * Acquires records for {@code memberId} from the read {@code logOffsets}, the read having covered the log up
     * to {@code readEnd}; see {@link SharePartition#acquire(String, List, int, long, long)}. Nothing while
     * {@code memberActive} is false (its share session ended while the fetch waited): checked under the
     * share-partition's lock, so a member whose session ends meanwhile has what it got released by
     * {@link #releaseMember}, never left locked to a member that is gone.
     */
    public List<SharePartition.Acquired> acquire(SharePartition p, String memberId, List<Long> logOffsets,
                                                 int maxRecords, long readEnd, BooleanSupplier memberActive) {
        synchronized (p) {
            if (!memberActive.getAsBoolean()) {
                return List.of();
            }
            return p.acquire(memberId, logOffsets, maxRecords, clock.monotonicMillis(), readEnd);
        }
    }

    /**
     * Applies a member's acknowledgements to the share-partition of {@code key}; completes once they are
     * durable with NONE, or with Kafka's error: INVALID_RECORD_STATE when the group has none there (nothing was
     * acquired) or a record is not held by the member, INVALID_REQUEST past its end offset.
     */
    public CompletableFuture<Errors> acknowledge(Key key, String memberId,
                                                 List<SharePartition.Acknowledgement> acknowledgements) {
        Entry e = partitions.get(key);
        SharePartition p = e == null ? null : e.ready.getNow(null);
        if (p == null) {
            return CompletableFuture.completedFuture(Errors.INVALID_RECORD_STATE);
        }
        Errors error;
        synchronized (p) {
            error = p.acknowledge(memberId, acknowledgements, clock.monotonicMillis());
        }
        if (error != Errors.NONE) {
            return CompletableFuture.completedFuture(error);
        }
        return changed(key, e, p).handle((v, err) -> err == null ? Errors.NONE
                : isFenced(err) ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.COORDINATOR_NOT_AVAILABLE);
    }

    /** The member's share session closed: the records it holds in {@code where} are released. */
    public void releaseMember(String groupId, String memberId, Collection<TopicIdPartition> where) {
        for (TopicIdPartition tp : where) {
            Key key = new Key(groupId, tp);
            Entry e = partitions.get(key);
            SharePartition p = e == null ? null : e.ready.getNow(null);
            if (p != null) {
                synchronized (p) {
                    p.releaseMember(memberId);
                }
                changed(key, e, p);
            }
        }
    }

    /** Releases the records whose lock expired; returns how many. */
    public int expireLocks() {
        long now = clock.monotonicMillis();
        int expired = 0;
        for (Map.Entry<Key, Entry> e : partitions.entrySet()) {
            SharePartition p = e.getValue().ready.getNow(null);
            if (p == null) {
                continue;
            }
            int n;
            synchronized (p) {
                n = p.expireLocks(now);
            }
            if (n > 0) {
                changed(e.getKey(), e.getValue(), p);
                expired += n;
            }
        }
        return expired;
    }

    /**
     * A change to {@code p}: completes when a write begun after it is durable. A write begins at once, up to
     * {@link #MAX_WRITES_IN_FLIGHT} at a time per share-partition (the coordinator appends them in order, and
     * its log commits those that meet in one sync); changes made while that many run ride on the next.
     */
    private CompletableFuture<Void> changed(Key key, Entry e, SharePartition p) {
        wakeWaiters(key);
        CompletableFuture<Void> durable = new CompletableFuture<>();
        synchronized (e) {
            e.changes++;
            e.waiters.add(new Waiter(e.changes, durable));
            if (e.writesInFlight < MAX_WRITES_IN_FLIGHT) {
                write(key, e, p);
            }
        }
        return durable;
    }

    /** Starts a write of everything changed so far; called holding {@code e}'s lock. */
    private void write(Key key, Entry e, SharePartition p) {
        long upTo = e.changes;
        SharePartition.State state;
        synchronized (p) {
            state = p.snapshot();
        }
        e.startedUpTo = upTo;
        e.writesInFlight++;
        store.write(key.groupId(), key.partition(), e.leaderEpoch, state).whenComplete((v, err) -> {
            List<Waiter> done = new ArrayList<>();
            synchronized (e) {
                e.writesInFlight--;
                e.waiters.removeIf(w -> w.change() <= upTo && done.add(w));
                if (err != null && isFenced(err)) {
                    partitions.remove(key, e); // a newer leader has the partition: what this one holds is stale
                    done.addAll(e.waiters);
                    e.waiters.clear();
                } else if (e.changes > e.startedUpTo) {
                    write(key, e, p); // what changed while the limit of writes ran (tried even after a failure)
                } else if (e.writesInFlight == 0) {
                    closeIfIdle(key, e);
                }
            }
            done.forEach(w -> {
                if (err == null) {
                    w.durable().complete(null);
                } else {
                    w.durable().completeExceptionally(err);
                }
            });
        });
    }

    /**
     * The last share session of {@code groupId} here closed: its share-partitions are dropped once no member
     * holds records in them and their changes are written, while {@code stillIdle} holds (no session opened
     * meanwhile). The next fetch reads the state afresh, as Kafka's leader does when a group empties, so what
     * AlterShareGroupOffsets or DeleteShareGroupOffsets changed while the group was empty takes effect.
     */
    public void closeGroup(String groupId, BooleanSupplier stillIdle) {
        partitions.forEach((key, e) -> {
            if (key.groupId().equals(groupId)) {
                synchronized (e) {
                    e.closeWhenIdle = stillIdle;
                    if (e.writesInFlight == 0) {
                        closeIfIdle(key, e);
                    }
                }
            }
        });
    }

    /** Drops {@code e} if it is to close and is idle; called holding {@code e}'s lock, no write running. */
    private void closeIfIdle(Key key, Entry e) {
        if (e.closeWhenIdle == null || !e.closeWhenIdle.getAsBoolean()) {
            return;
        }
        SharePartition p = e.ready.getNow(null);
        boolean held;
        if (p == null) {
            held = !e.ready.isDone();
        } else {
            synchronized (p) {
                held = p.anyAcquired();
            }
        }
        if (!held) {
            partitions.remove(key, e);
        }
    }

    /** Whether a write failed because a newer leader of the partition read or wrote the state since. */
    private static boolean isFenced(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        return cause instanceof FencedLeaderEpochException;
    }

    /** Drops the share-partitions of partitions for which {@code ledHere} is false (moved away, deleted). */
    public void retainPartitions(Predicate<TopicIdPartition> ledHere) {
        partitions.keySet().removeIf(k -> !ledHere.test(k.partition()));
        changeWaiters.keySet().removeIf(k -> !ledHere.test(k.partition()));
    }

    /** How many share-partitions are held here (open or opening). */
    public int size() {
        return partitions.size();
    }

    /**
     * A wire acknowledgement batch as runs of one type: {@code types} has one type for the whole range or one
     * per offset, 0 being a gap (no record there). Null when it is malformed (INVALID_REQUEST): an empty or
     * inverted range, a type list of another length, or a type Kafka does not define.
     */
    public static List<SharePartition.Acknowledgement> acknowledgements(long firstOffset, long lastOffset,
                                                                       List<Byte> types) {
        long length = lastOffset - firstOffset + 1;
        if (firstOffset < 0 || length <= 0 || types.isEmpty() || (types.size() != 1 && types.size() != length)) {
            return null;
        }
        List<SharePartition.Acknowledgement> out = new ArrayList<>();
        if (types.size() == 1) {
            AcknowledgeType t = type(types.getFirst());
            if (t == null && types.getFirst() != GAP) {
                return null;
            }
            out.add(new SharePartition.Acknowledgement(firstOffset, lastOffset, t));
            return out;
        }
        for (int i = 0; i < types.size(); i++) {
            byte id = types.get(i);
            AcknowledgeType t = type(id);
            if (t == null && id != GAP) {
                return null;
            }
            long o = firstOffset + i;
            SharePartition.Acknowledgement last = out.isEmpty() ? null : out.getLast();
            if (last != null && last.type() == t && last.lastOffset() == o - 1) {
                out.set(out.size() - 1, new SharePartition.Acknowledgement(last.firstOffset(), o, t));
            } else {
                out.add(new SharePartition.Acknowledgement(o, o, t));
            }
        }
        return out;
    }

    private static AcknowledgeType type(byte id) {
        try {
            return id == GAP ? null : AcknowledgeType.forId(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
