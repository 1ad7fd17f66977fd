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
 * keeps serving heartbeats in between.
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

    private Turn turn() {
        SortedMap<Integer, LiveBroker> live = liveness.liveBrokers();
        if (live.isEmpty()) {
            return new Turn(0, false);
        }
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
        if (orphans.isEmpty()) {
            return new Turn(0, false);
        }
        int thisTurn = Math.min(orphans.size(), BATCH_PARTITIONS * BATCHES_PER_TURN);
        List<Integer> newOwners = PartitionAssigner.assign(thisTurn, owned);
        int moved = 0;
        boolean lostRace = false;
        for (int from = 0; from < thisTurn; from += BATCH_PARTITIONS) {
            int to = Math.min(thisTurn, from + BATCH_PARTITIONS);
            try {
                moved += moveBatch(orphans.subList(from, to), newOwners.subList(from, to), live);
            } catch (TxnConflict conflict) {
                lostRace = true;
            }
        }
        return new Turn(moved, lostRace || thisTurn < orphans.size());
    }

    private int moveBatch(List<Orphan> batch, List<Integer> newOwners, SortedMap<Integer, LiveBroker> live) {
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
