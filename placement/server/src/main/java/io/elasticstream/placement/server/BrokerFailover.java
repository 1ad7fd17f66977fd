package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.Liveness.LiveBroker;
import io.elasticstream.placement.server.PlacementDriver.TxnConflict;
import io.elasticstream.placement.server.codec.Codecs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.IntConsumer;

import static io.elasticstream.placement.server.PlacementDriver.await;

/**
 * Partition ownership follows broker death: every partition whose owner is not live moves to the live
 * broker owning the fewest partitions ({@link PartitionAssigner}), with its stream epoch, and so its
 * leader epoch, raised by one. Raising the stream epoch fences the dead owner at PD (should it only have
 * been cut off, its next range create or seal fails); the new owner sees the move through
 * {@code watchPartitions}, opens the stream for write (raising the epoch again) and seals the range the
 * dead owner left open.
 *
 * <p>When no broker is live the partitions stay where they are; the next broker to register picks them
 * up, because {@link #reassignOrphans} also runs whenever a broker's session starts.
 *
 * <p>Each batch of at most {@link #BATCH_PARTITIONS} partitions moves in one guarded transaction that
 * holds only if the old owner is still dead, the new owner still live and neither the partition nor
 * its stream changed since they were read; a batch that loses such a race is re-read and re-decided in
 * the next turn. A large failover runs in short turns ({@link #reassignOrphans}), so the owner thread
 * keeps serving heartbeats in between. The partition records are read once per failover, not once per
 * turn: the first turn decides every orphan's new owner (one balanced assignment) and later turns carry
 * out that plan while the set of live brokers stays the same; a batch that loses a race drops the rest
 * of the plan, and the next turn reads again. (With 100,000 partitions on etcd, re-reading them every
 * turn made a 33,333-partition failover take 107 s.)
 *
 * <p>Threading: PD's owner thread only.
 */
final class BrokerFailover {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailover.class);

    /** Partitions moved per transaction: 2 puts and up to 4 compares each, well under etcd's 128 ops. */
    static final int BATCH_PARTITIONS = 24;
    /**
     * Transactions per turn on the owner thread: a turn is kept short so heartbeats and requests queued
     * behind a large failover wait milliseconds, not seconds (a wait past the session TTL would kill
     * live members).
     */
    static final int BATCHES_PER_TURN = 8;
    /** Turns in a row that lost every race before giving up (the next liveness change starts again). */
    static final int MAX_TURNS_WITHOUT_PROGRESS = 16;

    private final MetadataStore store;
    private final MetadataKeys keys;
    private final Liveness liveness;
    private final Liveness.Writer writer;
    /** Hears how many partitions each turn moved (for metrics). */
    private final IntConsumer onMoved;
    /** Owner thread only. */
    private int turnsWithoutProgress;
    /** The rest of the current failover: orphans and their new owners, from one read. Owner thread only. */
    private final ArrayDeque<PlannedMove> plan = new ArrayDeque<>();
    /** The live brokers {@link #plan} was made for; a change of them makes a new plan. */
    private Set<Integer> plannedFor = Set.of();

    BrokerFailover(MetadataStore store, MetadataKeys keys, Liveness liveness, Liveness.Writer writer,
                   IntConsumer onMoved) {
        this.onMoved = onMoved;
        this.store = store;
        this.keys = keys;
        this.liveness = liveness;
        this.writer = writer;
    }

    /**
     * One turn: moves up to {@link #BATCHES_PER_TURN} batches of partitions owned by brokers that are not
     * live. Returns true if another turn is needed (more orphans, or a batch lost a race).
     */
    boolean reassignOrphans() {
        Turn turn = turn();
        if (turn.moved > 0) {
            onMoved.accept(turn.moved);
        }
        if (!turn.more) {
            turnsWithoutProgress = 0;
            return false;
        }
        turnsWithoutProgress = turn.moved > 0 ? 0 : turnsWithoutProgress + 1;
        if (turnsWithoutProgress >= MAX_TURNS_WITHOUT_PROGRESS) {
            LOG.warn("partition failover lost every race {} turns in a row; the rest waits for the next liveness change",
                    turnsWithoutProgress);
            turnsWithoutProgress = 0;
            return false;
        }
        return true;
    }

    private record Turn(int moved, boolean more) {
    }

    private record Orphan(KeyValue partitionKv, PartitionInfo partition) {
    }

    /** An orphan and the live broker the plan gives it. */
    private record PlannedMove(Orphan orphan, int newOwner) {
    }

    private Turn turn() {
        SortedMap<Integer, LiveBroker> live = liveness.liveBrokers();
        if (live.isEmpty()) {
            plan.clear();
            return new Turn(0, false);
        }
        if (plan.isEmpty() || !plannedFor.equals(live.keySet())) {
            replan(live);
            if (plan.isEmpty()) {
                return new Turn(0, false);
            }
        }
        int moved = 0;
        boolean lostRace = false;
        for (int batches = 0; batches < BATCHES_PER_TURN && !plan.isEmpty() && !lostRace; batches++) {
            List<PlannedMove> batch = new ArrayList<>(BATCH_PARTITIONS);
            while (batch.size() < BATCH_PARTITIONS && !plan.isEmpty()) {
                batch.add(plan.pollFirst());
            }
            try {
                moved += moveBatch(batch, live);
            } catch (TxnConflict conflict) {
                lostRace = true;
                plan.clear(); // something changed underneath: read again next turn
            }
        }
        return new Turn(moved, lostRace || !plan.isEmpty());
    }

    /** Reads every partition record and plans a new owner for each partition owned by a broker not live. */
    private void replan(SortedMap<Integer, LiveBroker> live) {
        plan.clear();
        plannedFor = Set.copyOf(live.keySet());
        Map<Integer, Integer> owned = new HashMap<>();
        live.keySet().forEach(id -> owned.put(id, 0));
        List<Orphan> orphans = new ArrayList<>();
        for (KeyValue kv : await(store.getPrefix(keys.partitionsPrefix())).kvs()) {
            PartitionInfo partition = Codecs.PARTITION.decode(kv.value());
            if (owned.containsKey(partition.ownerBrokerId())) {
                owned.merge(partition.ownerBrokerId(), 1, Integer::sum);
            } else {
                orphans.add(new Orphan(kv, partition));
            }
        }
        List<Integer> newOwners = PartitionAssigner.assign(orphans.size(), owned);
        for (int i = 0; i < orphans.size(); i++) {
            plan.addLast(new PlannedMove(orphans.get(i), newOwners.get(i)));
        }
    }

    private int moveBatch(List<PlannedMove> planned, SortedMap<Integer, LiveBroker> live) {
        List<Orphan> batch = planned.stream().map(PlannedMove::orphan).toList();
        List<Integer> newOwners = planned.stream().map(PlannedMove::newOwner).toList();
        Op[] streamGets = batch.stream().map(o -> Op.get(keys.stream(o.partition().streamId()))).toArray(Op[]::new);
        List<List<KeyValue>> streams = await(store.txn(Txn.builder().success(streamGets).build())).results();
        Set<Compare> compares = new LinkedHashSet<>(); // the liveness compares repeat
        List<Op> ops = new ArrayList<>();
        List<String> moves = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PartitionInfo partition = batch.get(i).partition();
            if (streams.get(i).isEmpty()) {
                LOG.warn("partition {}/{} has no stream {}; not moving it", partition.topic(), partition.partition(),
                        partition.streamId());
                continue;
            }
            KeyValue streamKv = streams.get(i).getFirst();
            int newOwner = newOwners.get(i);
            compares.add(Compare.absent(keys.aliveBroker(partition.ownerBrokerId())));
            PartitionInfo moved = OwnerChange.add(batch.get(i).partitionKv(), partition, streamKv, newOwner,
                    live.get(newOwner).aliveKey(), compares, ops);
            long newEpoch = moved.leaderEpoch();
            moves.add(partition.topic() + "/" + partition.partition() + ": " + partition.ownerBrokerId() + " -> "
                    + newOwner + " (epoch " + newEpoch + ")");
        }
        if (ops.isEmpty()) {
            return 0;
        }
        writer.write("move " + moves.size() + " partitions off dead brokers", List.copyOf(compares), ops);
        LOG.info("moved partitions off dead brokers: {}", moves);
        return moves.size();
    }
}
