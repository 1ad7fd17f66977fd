package io.elasticstream.streamclient.sim;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The placement driver's stream and range rules (the same ones {@code PlacementDriver} enforces) over
 * in-memory state, answering after a random delay. Range servers count as live while they are up — what
 * PD learns from member sessions — so heartbeats are accepted and ignored.
 */
final class SimPlacement implements PlacementService {
    private final SimWorld world;
    private final Map<Integer, SimRangeServer> servers;
    private final int replicaCount;
    private final int ackCount;
    private final Map<Long, long[]> epochs = new HashMap<>();
    private final Map<Long, List<RangeInfo>> ranges = new HashMap<>();
    private final Map<Long, Long> startOffsets = new HashMap<>();
    private final Map<Long, ProducerSnapshot> producerSnapshots = new HashMap<>();
    private final Map<String, Map<String, String>> groupConfigs = new HashMap<>();
    /** Every seal PD ever recorded: stream/index -> end. A sealed range must never get another end. */
    final Map<String, Long> sealedEnds = new HashMap<>();

    SimPlacement(SimWorld world, Map<Integer, SimRangeServer> servers, int replicaCount, int ackCount) {
        this.world = world;
        this.servers = servers;
        this.replicaCount = replicaCount;
        this.ackCount = ackCount;
    }

    void createStream(long streamId) {
        epochs.put(streamId, new long[] {0});
        ranges.put(streamId, new ArrayList<>());
    }

    List<RangeInfo> rangesOf(long streamId) {
        return List.copyOf(ranges.get(streamId));
    }

    private <T> CompletableFuture<T> later(Supplier<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        world.schedule(() -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, world.delay(0, 3));
        return f;
    }

    private StreamInfo info(long streamId) {
        return new StreamInfo(streamId, epochs.get(streamId)[0], startOffsets.getOrDefault(streamId, 0L), replicaCount,
                ackCount, ranges.get(streamId));
    }

    private void checkEpoch(long streamId, long epoch) {
        long current = epochs.get(streamId)[0];
        if (epoch != current) {
            throw new PlacementException.FencedEpoch(streamId, epoch, current);
        }
    }

    @Override
    public CompletableFuture<StreamInfo> describeStream(long streamId) {
        return later(() -> info(streamId));
    }

    @Override
    public CompletableFuture<StreamInfo> openStreamForWrite(long streamId) {
        return later(() -> {
            epochs.get(streamId)[0]++;
            return info(streamId);
        });
    }

    @Override
    public CompletableFuture<RangeInfo> createRange(long streamId, long epoch, int index, long startOffset,
                                                    Set<Integer> avoidServerIds) {
        return later(() -> {
            checkEpoch(streamId, epoch);
            List<RangeInfo> list = ranges.get(streamId);
            RangeInfo last = list.isEmpty() ? null : list.getLast();
            if (last != null && last.index() == index && last.startOffset() == startOffset && last.epoch() == epoch) {
                return last;
            }
            int expected = last == null ? 0 : last.index() + 1;
            if (index != expected || (last != null && (!last.isSealed() || last.endOffset() != startOffset))) {
                throw new PlacementException.InvalidRangeState("stream " + streamId + ": cannot create range " + index
                        + " at " + startOffset + " after " + last);
            }
            List<RangeServerInfo> live = new ArrayList<>();
            for (SimRangeServer s : servers.values()) {
                if (s.isUp()) {
                    live.add(s.info);
                }
            }
            List<RangeServerInfo> trusted = live.stream().filter(s -> !avoidServerIds.contains(s.id())).toList();
            if (trusted.size() >= replicaCount) {
                live = new ArrayList<>(trusted);
            }
            if (live.size() < replicaCount) {
                throw new PlacementException.NotEnoughRangeServers(replicaCount, live.size());
            }
            Collections.shuffle(live, world.random);
            RangeInfo range = new RangeInfo(streamId, index, startOffset, RangeInfo.OPEN, epoch,
                    live.subList(0, replicaCount));
            list.add(range);
            return range;
        });
    }

    @Override
    public CompletableFuture<RangeInfo> sealRange(long streamId, long epoch, int index, long endOffset) {
        return later(() -> {
            checkEpoch(streamId, epoch);
            List<RangeInfo> list = ranges.get(streamId);
            RangeInfo r = list.stream().filter(x -> x.index() == index).findFirst()
                    .orElseThrow(() -> new PlacementException.InvalidRangeState("no range " + index));
            if (r.isSealed()) {
                if (r.endOffset() != endOffset) {
                    throw new PlacementException.InvalidRangeState("range " + index + " sealed at " + r.endOffset());
                }
                return r;
            }
            if (endOffset < r.startOffset()) {
                throw new PlacementException.InvalidRangeState("end " + endOffset + " before start");
            }
            RangeInfo sealed = r.sealedAt(endOffset);
            list.set(list.indexOf(r), sealed);
            Long previous = sealedEnds.put(streamId + "/" + index, endOffset);
            if (previous != null && previous != endOffset) {
                throw new AssertionError("range " + index + " sealed twice, at " + previous + " and " + endOffset);
            }
            return sealed;
        });
    }

    @Override
    public CompletableFuture<Long> trimStream(long streamId, long epoch, long newStartOffset) {
        return later(() -> {
            checkEpoch(streamId, epoch);
            RangeInfo last = ranges.get(streamId).isEmpty() ? null : ranges.get(streamId).getLast();
            if (last == null || (last.isSealed() && last.endOffset() < newStartOffset)) {
                throw new PlacementException.InvalidRangeState("stream " + streamId + " cannot start at " + newStartOffset);
            }
            return startOffsets.merge(streamId, newStartOffset, Math::max);
        });
    }

    @Override
    public CompletableFuture<Void> putProducerSnapshot(long streamId, long epoch, ProducerSnapshot snapshot) {
        return later(() -> {
            checkEpoch(streamId, epoch);
            producerSnapshots.put(streamId, snapshot);
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<ProducerSnapshot>> producerSnapshot(long streamId) {
        return later(() -> Optional.ofNullable(producerSnapshots.get(streamId)));
    }

    /** As PD: the overrides are replaced whole, and an empty map removes them. */
    @Override
    public CompletableFuture<Map<String, String>> alterGroupConfigs(String groupId, Map<String, String> configs) {
        Map<String, String> copy = Map.copyOf(configs);
        return later(() -> {
            if (copy.isEmpty()) {
                groupConfigs.remove(groupId);
            } else {
                groupConfigs.put(groupId, copy);
            }
            return copy;
        });
    }

    @Override
    public CompletableFuture<Map<String, String>> groupConfigs(String groupId) {
        return later(() -> groupConfigs.getOrDefault(groupId, Map.of()));
    }

    // ---- not needed by the stream client ---------------------------------------------------------

    @Override
    public CompletableFuture<Void> alterScramCredentials(List<ScramCredential> upserts,
                                                         List<ScramCredential.Key> deletions) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials(String user) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> registerRangeServer(RangeServerInfo server) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerInfo broker) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> heartbeatBroker(int brokerId, BrokerLoad load) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> heartbeatRangeServer(int serverId, RangeServerLoad load) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<BrokerInfo>> brokers() {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<TopicInfo> createTopic(NewTopic topic) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Optional<TopicInfo>> topic(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<List<TopicInfo>> topics() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Subscription watchPartitions(PartitionListener listener) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<TopicInfo> alterTopicConfigs(String name, Map<String, String> configs) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<TopicInfo> createPartitions(String name, int newCount) {
        throw new UnsupportedOperationException();
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        throw new UnsupportedOperationException(); // the simulation has no brokers
    }

    @Override
    public CompletableFuture<List<PartitionMoveResult>> movePartitions(List<PartitionMove> moves) {
        throw new UnsupportedOperationException(); // the simulation has no partitions
    }

    @Override
    public CompletableFuture<Long> allocateProducerIds(int count) {
        throw new UnsupportedOperationException();
    }
}
