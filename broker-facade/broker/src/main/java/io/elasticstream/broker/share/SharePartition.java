package io.elasticstream.broker.share;

import io.elasticstream.common.Checks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.protocol.Errors;

/**
 * The delivery state of one partition for one share group (KIP-932's share-partition, Kafka's
 * {@code SharePartition}): which records are in flight to which member, and how far the group is through
 * the partition. Not thread-safe: its owner serialises calls; time is passed in, so it runs on a manual clock.
 *
 * <p>The <b>start offset</b> (SPSO) is the first offset not yet done with; the <b>end offset</b> (SPEO) the
 * first not yet handed out. Every offset in between is in flight in one of Kafka's record states:
 * <pre>
 *   AVAILABLE ──acquire──▶ ACQUIRED ──ACCEPT──▶ ACKNOWLEDGED
 *       ▲                    │  │  └──REJECT──▶ ARCHIVED
 *       └──RELEASE / lock ───┘  └──RELEASE / lock expiry, at the delivery-count limit──▶ ARCHIVED
 *                expiry                 RENEW: ACQUIRED with a new lock
 * </pre>
 * Acquiring counts a delivery and locks the record to the member for the lock duration
 * ({@code group.share.record.lock.duration.ms}); records released or whose lock expired are handed out
 * again before new ones, until their delivery count reaches {@code group.share.delivery.count.limit} and
 * they are archived instead (poison records). No more than {@code group.share.partition.max.record.locks}
 * records are in flight. The start offset moves past every ACKNOWLEDGED and ARCHIVED record at its head.
 *
 * <p>{@link #snapshot} is what survives the partition's owner: the start offset and the in-flight records
 * in runs of one state and delivery count. An ACQUIRED record is written AVAILABLE with the deliveries before
 * the one under way, as Kafka 4.4 keeps it (a broker restart hands such a record out again at the same delivery
 * count, as measured): no lock outlives the broker that granted it.
 */
public final class SharePartition {
    /** Kafka's record states, with the ids its persisted state and admin APIs use. */
    public enum RecordState {
        AVAILABLE((byte) 0), ACQUIRED((byte) 1), ACKNOWLEDGED((byte) 2), ARCHIVED((byte) 4);

        public final byte id;

        RecordState(byte id) {
            this.id = id;
        }

        boolean done() {
            return this == ACKNOWLEDGED || this == ARCHIVED;
        }

        /** The state with Kafka's id {@code id}; IllegalArgumentException for an id Kafka does not define. */
        public static RecordState forId(byte id) {
            for (RecordState s : values()) {
                if (s.id == id) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown record state " + id);
        }

    }

    /** Limits of one share group on a partition. */
    public record Limits(int deliveryCountLimit, long lockDurationMs, int maxInFlightRecords) {
        /** Kafka 4.4's defaults. */
        public static final Limits DEFAULTS = new Limits(5, 30_000, 2_000);

        public Limits {
            Checks.argument(deliveryCountLimit >= 1, "delivery count limit must be >= 1");
            Checks.argument(lockDurationMs >= 1, "lock duration must be >= 1 ms");
            Checks.argument(maxInFlightRecords >= 1, "max in-flight records must be >= 1");
        }
    }

    /** Records {@code [firstOffset, lastOffset]} handed to a member, at their delivery count. */
    public record Acquired(long firstOffset, long lastOffset, int deliveryCount) {
    }

    /** A member's acknowledgement of {@code [firstOffset, lastOffset]}; a null type is a gap (no record). */
    public record Acknowledgement(long firstOffset, long lastOffset, AcknowledgeType type) {
    }

    /** A run of in-flight offsets in one state at one delivery count, as persisted. */
    public record StateBatch(long firstOffset, long lastOffset, RecordState state, int deliveryCount) {
    }

    /** What survives the owner: the start offset and the in-flight runs. */
    public record State(long startOffset, List<StateBatch> batches) {
    }

    private static final class InFlight {
        RecordState state = RecordState.AVAILABLE;
        int deliveryCount;
        String memberId;
        long lockExpiryMs;
    }

    private final Limits limits;
    private long startOffset;
    private long endOffset;
    private final NavigableMap<Long, InFlight> inFlight = new TreeMap<>();

    /** A share-partition starting at {@code startOffset} (from {@code share.auto.offset.reset}), nothing in flight. */
    public SharePartition(Limits limits, long startOffset) {
        this.limits = limits;
        this.startOffset = startOffset;
        this.endOffset = startOffset;
    }

    public long startOffset() {
        return startOffset;
    }

    public long endOffset() {
        return endOffset;
    }

    /** The state of {@code offset}: null outside {@code [startOffset, endOffset)}. */
    public RecordState stateOf(long offset) {
        InFlight r = inFlight.get(offset);
        return r == null ? null : r.state;
    }

    /** Deliveries of {@code offset} so far (0 outside the in-flight window). */
    public int deliveryCountOf(long offset) {
        InFlight r = inFlight.get(offset);
        return r == null ? 0 : r.deliveryCount;
    }

    /**
     * Where a fetch for this share-partition reads from: the first record AVAILABLE again in the window, else
     * the end offset (the first record never handed out).
     */
    public long nextFetchOffset() {
        for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
            if (e.getValue().state == RecordState.AVAILABLE) {
                return e.getKey();
            }
        }
        return endOffset;
    }

    /**
     * Whether an acquisition could hand out a record now, the log holding records below {@code readableEnd}: one
     * is AVAILABLE in the window, or the window may grow (records past the end offset, locks to spare).
     */
    public boolean canAcquire(long readableEnd) {
        return nextFetchOffset() < endOffset
                || (endOffset < readableEnd && inFlight.size() < limits.maxInFlightRecords());
    }

    /**
     * Hands {@code memberId} up to {@code maxRecords} of the records at {@code logOffsets} (the offsets of the
     * records a read of the log returned, ascending; a gap in them is an offset with no record, such as a
     * marker's), in offset order: those AVAILABLE in the window, and new ones from the end offset within the
     * in-flight limit. Each is locked to the member until {@code nowMs} plus the lock duration.
     */
    public List<Acquired> acquire(String memberId, List<Long> logOffsets, int maxRecords, long nowMs) {
        return acquire(memberId, logOffsets, maxRecords, nowMs, 0);
    }

    /**
     * As {@link #acquire(String, List, int, long)}, the read having covered the log up to {@code readEnd}: when
     * nothing stopped it (records, locks), the offsets after the last record up to there, which hold nothing
     * to deliver (a marker, an aborted transaction's batches), are archived as gaps, so the window moves past
     * them and no fetch reads them again.
     */
    public List<Acquired> acquire(String memberId, List<Long> logOffsets, int maxRecords, long nowMs, long readEnd) {
        List<Long> taken = new ArrayList<>();
        boolean stopped = false;
        for (long offset : logOffsets) {
            if (taken.size() >= maxRecords) {
                stopped = true;
                break;
            }
            if (offset < startOffset) {
                continue;
            }
            if (offset < endOffset) {
                InFlight r = inFlight.get(offset);
                if (r != null && r.state == RecordState.AVAILABLE) {
                    lock(r, memberId, nowMs);
                    taken.add(offset);
                }
                continue;
            }
            if (inFlight.size() >= limits.maxInFlightRecords()) {
                stopped = true;
                break;
            }
            for (long gap = endOffset; gap < offset; gap++) {
                archivedGap(gap);
            }
            InFlight r = new InFlight();
            inFlight.put(offset, r);
            lock(r, memberId, nowMs);
            taken.add(offset);
            endOffset = offset + 1;
        }
        while (!stopped && endOffset < readEnd && inFlight.size() < limits.maxInFlightRecords()) {
            archivedGap(endOffset++);
        }
        advanceStart();
        return runs(taken);
    }

    private void lock(InFlight r, String memberId, long nowMs) {
        r.state = RecordState.ACQUIRED;
        r.deliveryCount++;
        r.memberId = memberId;
        r.lockExpiryMs = nowMs + limits.lockDurationMs();
    }

    private void archivedGap(long offset) {
        InFlight r = new InFlight();
        r.state = RecordState.ARCHIVED;
        inFlight.put(offset, r);
    }

    /** Consecutive offsets in {@code offsets} grouped into ranges of one delivery count. */
    private List<Acquired> runs(List<Long> offsets) {
        List<Acquired> out = new ArrayList<>();
        long first = -1;
        long last = -1;
        int count = -1;
        for (long offset : offsets) {
            int c = inFlight.get(offset).deliveryCount;
            if (first >= 0 && offset == last + 1 && c == count) {
                last = offset;
                continue;
            }
            if (first >= 0) {
                out.add(new Acquired(first, last, count));
            }
            first = offset;
            last = offset;
            count = c;
        }
        if (first >= 0) {
            out.add(new Acquired(first, last, count));
        }
        return out;
    }

    /**
     * Applies {@code memberId}'s acknowledgements, all or none, as Kafka 4.4 answers them: INVALID_REQUEST if
     * any reaches past the end offset (nothing was handed out there), INVALID_RECORD_STATE if any acknowledged
     * record in the window is not acquired by this member; else NONE. Offsets below the start offset are done
     * with already and are passed over; a gap is accepted for any offset in flight that is not a record the
     * member holds. Nothing changes unless NONE is answered.
     */
    public Errors acknowledge(String memberId, List<Acknowledgement> acknowledgements, long nowMs) {
        for (Acknowledgement a : acknowledgements) {
            if (a.firstOffset() > a.lastOffset() || a.lastOffset() >= endOffset) {
                return Errors.INVALID_REQUEST;
            }
            for (long o = Math.max(a.firstOffset(), startOffset); o <= a.lastOffset(); o++) {
                InFlight r = inFlight.get(o);
                boolean held = r != null && r.state == RecordState.ACQUIRED && memberId.equals(r.memberId);
                if (a.type() != null && !held) {
                    return Errors.INVALID_RECORD_STATE;
                }
            }
        }
        for (Acknowledgement a : acknowledgements) {
            for (long o = Math.max(a.firstOffset(), startOffset); o <= a.lastOffset(); o++) {
                InFlight r = inFlight.get(o); // every offset of the window is in flight
                if (a.type() == null) {
                    if (r.state == RecordState.ACQUIRED && memberId.equals(r.memberId)) {
                        r.state = RecordState.ARCHIVED; // no record there after all
                    }
                    continue; // another member's record, or done with: a gap changes nothing
                }
                switch (a.type()) {
                    case ACCEPT -> r.state = RecordState.ACKNOWLEDGED;
                    case REJECT -> r.state = RecordState.ARCHIVED;
                    case RELEASE -> release(r);
                    case RENEW -> r.lockExpiryMs = nowMs + limits.lockDurationMs();
                }
            }
        }
        advanceStart();
        return Errors.NONE;
    }

    /** A delivery ended without success: available again, or archived at the delivery-count limit. */
    private void release(InFlight r) {
        r.state = r.deliveryCount >= limits.deliveryCountLimit() ? RecordState.ARCHIVED : RecordState.AVAILABLE;
        r.memberId = null;
    }

    /** Releases the records whose lock expired by {@code nowMs}; returns how many. */
    public int expireLocks(long nowMs) {
        int expired = 0;
        for (InFlight r : inFlight.values()) {
            if (r.state == RecordState.ACQUIRED && r.lockExpiryMs <= nowMs) {
                release(r);
                expired++;
            }
        }
        advanceStart();
        return expired;
    }

    /** Whether any member holds records here. */
    public boolean anyAcquired() {
        for (InFlight r : inFlight.values()) {
            if (r.state == RecordState.ACQUIRED) {
                return true;
            }
        }
        return false;
    }

    /** The member left or was fenced: the records it holds are released. */
    public void releaseMember(String memberId) {
        for (InFlight r : inFlight.values()) {
            if (r.state == RecordState.ACQUIRED && memberId.equals(r.memberId)) {
                release(r);
            }
        }
        advanceStart();
    }

    /**
     * The log's start moved to {@code logStartOffset} (retention, DeleteRecords): records below it are gone,
     * and so done with.
     */
    public void onLogStartOffset(long logStartOffset) {
        if (logStartOffset <= startOffset) {
            return;
        }
        inFlight.headMap(logStartOffset, false).clear();
        startOffset = logStartOffset;
        endOffset = Math.max(endOffset, logStartOffset);
    }

    private void advanceStart() {
        while (!inFlight.isEmpty() && inFlight.firstKey() == startOffset && inFlight.firstEntry().getValue().state.done()) {
            inFlight.pollFirstEntry();
            startOffset++;
        }
        if (inFlight.isEmpty()) {
            startOffset = endOffset;
        }
    }

    /**
     * What to persist: the start offset, and the in-flight records in runs of one state and count, acquired
     * ones as available with their deliveries before the current one.
     */
    public State snapshot() {
        List<StateBatch> batches = new ArrayList<>();
        StateBatch open = null;
        for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
            long o = e.getKey();
            InFlight r = e.getValue();
            // a delivery still under way is not counted: the record may never have reached its member
            RecordState state = r.state == RecordState.ACQUIRED ? RecordState.AVAILABLE : r.state;
            int count = r.state == RecordState.ACQUIRED ? r.deliveryCount - 1 : r.deliveryCount;
            if (open != null && open.lastOffset() == o - 1 && open.state() == state && open.deliveryCount() == count) {
                open = new StateBatch(open.firstOffset(), o, state, count);
                continue;
            }
            if (open != null) {
                batches.add(open);
            }
            open = new StateBatch(o, o, state, count);
        }
        if (open != null) {
            batches.add(open);
        }
        return new State(startOffset, batches);
    }

    /** A share-partition from its persisted {@code state}; acquired records are available again. */
    public static SharePartition restore(Limits limits, State state) {
        SharePartition p = new SharePartition(limits, state.startOffset());
        for (StateBatch b : state.batches()) {
            for (long o = Math.max(b.firstOffset(), state.startOffset()); o <= b.lastOffset(); o++) {
                InFlight r = new InFlight();
                r.state = b.state() == RecordState.ACQUIRED ? RecordState.AVAILABLE : b.state();
                r.deliveryCount = b.deliveryCount();
                p.inFlight.put(o, r);
                p.endOffset = Math.max(p.endOffset, o + 1);
            }
        }
        p.advanceStart();
        return p;
    }
}
