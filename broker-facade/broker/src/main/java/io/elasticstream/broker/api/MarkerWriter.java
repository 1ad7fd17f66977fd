package io.elasticstream.broker.api;

import io.elasticstream.broker.partition.PartitionLog;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.txn.TxnMarkers;
import io.elasticstream.common.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Writes transaction markers: into the partitions open here directly ({@link #writeLocal}, also what
 * WriteTxnMarkers does), and, as the coordinator's {@link TxnMarkers}, into the others by sending
 * WriteTxnMarkers to their owners ({@link RemoteMarkers}). A marker written into a {@code __consumer_offsets}
 * partition is also told to the group coordinator, which makes the transaction's offsets visible or drops them.
 */
final class MarkerWriter implements TxnMarkers {
    /** Sends markers to the broker owning the partitions. */
    @FunctionalInterface
    interface RemoteMarkers {
        /** Completes with one error per partition, never exceptionally. */
        CompletableFuture<Map<TopicPartition, Errors>> write(int brokerId, long producerId, short producerEpoch,
                                                             boolean commit, int coordinatorEpoch,
                                                             Set<TopicPartition> partitions);

        /** No other brokers (or no way to reach them yet): every partition is NOT_LEADER_OR_FOLLOWER. */
        RemoteMarkers NONE = (broker, pid, epoch, commit, coordinatorEpoch, partitions) -> {
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            partitions.forEach(tp -> result.put(tp, Errors.NOT_LEADER_OR_FOLLOWER));
            return CompletableFuture.completedFuture(result);
        };
    }

    /** Hears of each marker written into a partition here (for {@code __consumer_offsets}). */
    @FunctionalInterface
    interface MarkerListener {
        void onMarker(TopicPartition tp, long producerId, boolean commit);
    }

    private final int nodeId;
    private final PartitionManager partitions;
    private final Clock clock;
    private final MarkerListener listener;
    private volatile RemoteMarkers remote = RemoteMarkers.NONE;

    MarkerWriter(int nodeId, PartitionManager partitions, Clock clock, MarkerListener listener) {
        this.nodeId = nodeId;
        this.partitions = partitions;
        this.clock = clock;
        this.listener = listener;
    }

    void remote(RemoteMarkers remoteMarkers) {
        this.remote = remoteMarkers;
    }

    /** Writes one marker into {@code tp} if it is open here; completes with Kafka's error, never exceptionally. */
    CompletableFuture<Errors> writeLocal(TopicPartition tp, long producerId, short producerEpoch, boolean commit,
                                         int coordinatorEpoch) {
        PartitionLog log = partitions.get(tp);
        if (log == null) {
            int owner = partitions.ownerOf(tp);
            return CompletableFuture.completedFuture(owner == -1 ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                    : Errors.NOT_LEADER_OR_FOLLOWER);
        }
        CompletableFuture<Long> written;
        try {
            written = log.appendMarker(producerId, producerEpoch, commit, coordinatorEpoch, clock.epochMillis());
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        return written.handle((offset, err) -> {
            if (err != null) {
                return ErrorMapper.toErrors(err);
            }
            listener.onMarker(tp, producerId, commit);
            return Errors.NONE;
        });
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> write(long producerId, short producerEpoch, boolean commit,
                                                                int coordinatorEpoch, Set<TopicPartition> targets) {
        Map<TopicPartition, CompletableFuture<Errors>> local = new LinkedHashMap<>();
        Map<Integer, Set<TopicPartition>> byOwner = new LinkedHashMap<>();
        for (TopicPartition tp : targets) {
            int owner = partitions.ownerOf(tp);
            if (owner == nodeId || owner == -1) {
                local.put(tp, writeLocal(tp, producerId, producerEpoch, commit, coordinatorEpoch));
            } else {
                byOwner.computeIfAbsent(owner, k -> new java.util.LinkedHashSet<>()).add(tp);
            }
        }
        Map<Integer, CompletableFuture<Map<TopicPartition, Errors>>> sent = new LinkedHashMap<>();
        byOwner.forEach((owner, tps) -> sent.put(owner, remote.write(owner, producerId, producerEpoch, commit,
                coordinatorEpoch, tps)));
        CompletableFuture<?>[] all = java.util.stream.Stream.concat(local.values().stream(), sent.values().stream())
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all).handle((v, err) -> {
            Map<TopicPartition, Errors> result = new LinkedHashMap<>();
            local.forEach((tp, f) -> result.put(tp, f.join()));
            sent.forEach((owner, f) -> {
                Map<TopicPartition, Errors> r = f.isCompletedExceptionally() ? Map.of() : f.join();
                byOwner.get(owner).forEach(tp -> result.put(tp, r.getOrDefault(tp, Errors.NOT_LEADER_OR_FOLLOWER)));
            });
            return result;
        });
    }
}
