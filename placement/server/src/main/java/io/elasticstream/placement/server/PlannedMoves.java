package io.elasticstream.placement.server;

import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PartitionMoveResult.Outcome;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.Liveness.LiveBroker;
import io.elasticstream.placement.server.PlacementDriver.TxnConflict;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.TopicRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import static io.elasticstream.placement.server.PlacementDriver.await;

/**
 * Planned partition moves ({@link io.elasticstream.placement.api.PlacementService#movePartitions}): each
 * requested partition moves to its target broker through {@link OwnerChange}, like a failover move but
 * with the old owner alive. Moves are validated one by one (unknown partition, target not live, listed
 * twice), and the valid ones applied in guarded transactions of at most {@link #BATCH_PARTITIONS}
 * partitions; a batch that loses a race with another writer is re-read and re-decided, at most
 * {@link PlacementDriver#MAX_TXN_ATTEMPTS} times.
 *
 * <p>Threading: PD's owner thread only.
 */
final class PlannedMoves {
    private static final Logger LOG = LoggerFactory.getLogger(PlannedMoves.class);

    /** Partitions moved per transaction, as in {@link BrokerFailover}. */
    static final int BATCH_PARTITIONS = BrokerFailover.BATCH_PARTITIONS;

    private final MetadataStore store;
    private final MetadataKeys keys;
    private final Liveness liveness;
    private final Liveness.Writer writer;

    PlannedMoves(MetadataStore store, MetadataKeys keys, Liveness liveness, Liveness.Writer writer) {
        this.store = store;
        this.keys = keys;
        this.liveness = liveness;
        this.writer = writer;
    }

    /** One result per move, in request order. */
    List<PartitionMoveResult> move(List<PartitionMove> moves) {
        PartitionMoveResult[] results = new PartitionMoveResult[moves.size()];
        List<Integer> firstOfEach = new ArrayList<>(moves.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < moves.size(); i++) {
            PartitionMove move = moves.get(i);
            if (seen.add(move.topic() + "\u0000" + move.partition())) {
                firstOfEach.add(i);
            } else {
                results[i] = new PartitionMoveResult(move, Outcome.DUPLICATE,
                        "partition " + move.topic() + "-" + move.partition() + " is listed more than once");
            }
        }
        for (int from = 0; from < firstOfEach.size(); from += BATCH_PARTITIONS) {
            List<Integer> batch = firstOfEach.subList(from, Math.min(firstOfEach.size(), from + BATCH_PARTITIONS));
            List<PartitionMove> batchMoves = batch.stream().map(moves::get).toList();
            List<PartitionMoveResult> batchResults = moveBatchRetrying(batchMoves);
            for (int j = 0; j < batch.size(); j++) {
                results[batch.get(j)] = batchResults.get(j);
            }
        }
        return Arrays.asList(results);
    }

    private List<PartitionMoveResult> moveBatchRetrying(List<PartitionMove> batch) {
        for (int attempts = 1; ; attempts++) {
            try {
                return moveBatch(batch);
            } catch (TxnConflict conflict) {
                if (attempts >= PlacementDriver.MAX_TXN_ATTEMPTS) {
                    throw new PlacementException("move " + batch.size() + " partitions: metadata kept changing "
                            + "underneath, gave up after " + attempts + " attempts");
                }
            }
        }
    }

    /** A move that passed validation, with what it was decided on. */
    private record Candidate(int index, PartitionMove move, String partitionKey) {
    }

    private List<PartitionMoveResult> moveBatch(List<PartitionMove> batch) {
        SortedMap<Integer, LiveBroker> live = liveness.liveBrokers();
        Map<String, Optional<TopicRecord>> topics = readTopics(batch);
        PartitionMoveResult[] results = new PartitionMoveResult[batch.size()];
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            PartitionMove move = batch.get(i);
            Optional<TopicRecord> topic = topics.get(move.topic());
            if (topic.isEmpty() || move.partition() < 0 || move.partition() >= topic.get().partitionCount()) {
                results[i] = unknown(move);
            } else if (!live.containsKey(move.targetBrokerId())) {
                results[i] = new PartitionMoveResult(move, Outcome.BROKER_NOT_LIVE,
                        "broker " + move.targetBrokerId() + " is not live");
            } else {
                candidates.add(new Candidate(i, move, keys.partition(topic.get().topicId(), move.partition())));
            }
        }
        List<List<KeyValue>> partitionKvs = read(candidates.stream().map(c -> Op.get(c.partitionKey())).toList());
        List<PartitionInfo> partitions = new ArrayList<>(candidates.size());
        for (List<KeyValue> kv : partitionKvs) {
            partitions.add(kv.isEmpty() ? null : Codecs.PARTITION.decode(kv.getFirst().value()));
        }
        // Streams of the partitions found; an absent partition reads as an absent stream.
        List<List<KeyValue>> found = read(partitions.stream().filter(Objects::nonNull)
                .map(p -> Op.get(keys.stream(p.streamId()))).toList());
        List<List<KeyValue>> streamKvs = new ArrayList<>(partitions.size());
        int next = 0;
        for (PartitionInfo partition : partitions) {
            streamKvs.add(partition == null ? List.of() : found.get(next++));
        }
        Set<Compare> compares = new LinkedHashSet<>(); // the liveness compares repeat
        List<Op> ops = new ArrayList<>();
        List<String> moved = new ArrayList<>();
        for (int c = 0; c < candidates.size(); c++) {
            Candidate candidate = candidates.get(c);
            PartitionMove move = candidate.move();
            PartitionInfo partition = partitions.get(c);
            if (partition == null || streamKvs.get(c).isEmpty()) {
                results[candidate.index()] = unknown(move);
            } else if (partition.ownerBrokerId() == move.targetBrokerId()) {
                results[candidate.index()] = new PartitionMoveResult(move, Outcome.ALREADY_OWNER, "");
            } else {
                PartitionInfo after = OwnerChange.add(partitionKvs.get(c).getFirst(), partition,
                        streamKvs.get(c).getFirst(), move.targetBrokerId(), live.get(move.targetBrokerId()).aliveKey(),
                        compares, ops);
                results[candidate.index()] = new PartitionMoveResult(move, Outcome.MOVED, "");
                moved.add(partition.topic() + "-" + partition.partition() + ": " + partition.ownerBrokerId() + " -> "
                        + after.ownerBrokerId() + " (epoch " + after.leaderEpoch() + ")");
            }
        }
        if (!ops.isEmpty()) {
            writer.write("move " + moved.size() + " partitions as planned", List.copyOf(compares), ops);
            LOG.info("moved partitions as planned: {}", moved);
        }
        return Arrays.asList(results);
    }

    private static PartitionMoveResult unknown(PartitionMove move) {
        return new PartitionMoveResult(move, Outcome.UNKNOWN_PARTITION,
                "topic '" + move.topic() + "' has no partition " + move.partition());
    }

    private Map<String, Optional<TopicRecord>> readTopics(List<PartitionMove> batch) {
        List<String> names = batch.stream().map(PartitionMove::topic).distinct().toList();
        List<List<KeyValue>> read = read(names.stream().map(name -> Op.get(keys.topic(name))).toList());
        Map<String, Optional<TopicRecord>> topics = HashMap.newHashMap(names.size());
        for (int i = 0; i < names.size(); i++) {
            topics.put(names.get(i), read.get(i).stream().findFirst().map(kv -> Codecs.TOPIC.decode(kv.value())));
        }
        return topics;
    }

    /** Several gets at one revision. */
    private List<List<KeyValue>> read(List<Op> gets) {
        if (gets.isEmpty()) {
            return List.of();
        }
        return await(store.txn(Txn.builder().success(gets.toArray(Op[]::new)).build())).results();
    }
}
