package io.elasticstream.broker.share;

import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The share-partitions of the partitions this broker leads, one per (share group, partition), each created
 * on its group's first fetch at the start offset {@code share.auto.offset.reset} gives. Calls on one
 * share-partition are serialised on it; {@link #expireLocks} (a timer calls it) releases the records whose
 * acquisition lock ran out. Thread-safe.
 *
 * <p>Not persisted yet: a share-partition lives as long as this broker leads its partition
 * ({@link #retainPartitions} drops the others), so a restart or a move starts the group again from
 * {@code share.auto.offset.reset} (docs/consumer-groups.md, "Share groups").
 */
public final class SharePartitions {
    /** One share-partition. */
    public record Key(String groupId, TopicIdPartition partition) {
    }

    private final SharePartition.Limits limits;
    private final Clock clock;
    private final Map<Key, SharePartition> partitions = new ConcurrentHashMap<>();

    public SharePartitions(SharePartition.Limits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    public SharePartition.Limits limits() {
        return limits;
    }

    /**
     * Runs {@code work} on the share-partition of {@code key}, created at {@code initialStart} if the group has
     * none there yet; serialised with every other call on it.
     */
    public <T> T apply(Key key, LongSupplier initialStart, Function<SharePartition, T> work) {
        SharePartition p = partitions.computeIfAbsent(key, k -> new SharePartition(limits, initialStart.getAsLong()));
        synchronized (p) {
            return work.apply(p);
        }
    }

    /** Acquires records for {@code memberId} from the read {@code logOffsets}; see {@link SharePartition#acquire}. */
    public List<SharePartition.Acquired> acquire(SharePartition p, String memberId, List<Long> logOffsets,
                                                 int maxRecords) {
        synchronized (p) {
            return p.acquire(memberId, logOffsets, maxRecords, clock.monotonicMillis());
        }
    }

    /**
     * Applies a member's acknowledgements to the share-partition of {@code key}: INVALID_RECORD_STATE when the
     * group has none there (nothing was acquired) or a record is not held by the member; else NONE.
     */
    public Errors acknowledge(Key key, String memberId, List<SharePartition.Acknowledgement> acknowledgements) {
        SharePartition p = partitions.get(key);
        if (p == null) {
            return Errors.INVALID_RECORD_STATE;
        }
        synchronized (p) {
            return p.acknowledge(memberId, acknowledgements, clock.monotonicMillis());
        }
    }

    /** The member's share session closed: the records it holds in {@code where} are released. */
    public void releaseMember(String groupId, String memberId, Collection<TopicIdPartition> where) {
        for (TopicIdPartition tp : where) {
            SharePartition p = partitions.get(new Key(groupId, tp));
            if (p != null) {
                synchronized (p) {
                    p.releaseMember(memberId);
                }
            }
        }
    }

    /** Releases the records whose lock expired; returns how many. */
    public int expireLocks() {
        long now = clock.monotonicMillis();
        int expired = 0;
        for (SharePartition p : partitions.values()) {
            synchronized (p) {
                expired += p.expireLocks(now);
            }
        }
        return expired;
    }

    /** Drops the share-partitions of partitions for which {@code ledHere} is false (moved away, deleted). */
    public void retainPartitions(Predicate<TopicIdPartition> ledHere) {
        partitions.keySet().removeIf(k -> !ledHere.test(k.partition()));
    }

    /** How many share-partitions are held here. */
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

    /** The wire id of a gap: an offset the consumer found no record at. */
    private static final byte GAP = 0;

    private static AcknowledgeType type(byte id) {
        try {
            return id == GAP ? null : AcknowledgeType.forId(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
