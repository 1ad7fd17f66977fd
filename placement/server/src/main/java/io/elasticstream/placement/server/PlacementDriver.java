package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
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
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.MetadataStore.TxnResult;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.GroupConfigsRecord;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import io.elasticstream.placement.server.codec.TopicRecord;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The placement driver: the only writer of placement metadata, kept in a {@link MetadataStore} under
 * the layout of {@link MetadataKeys}.
 *
 * <p>Threading: every request runs, one at a time, on the single {@code pd-owner} thread, which reads
 * the store, decides, and writes with one transaction through {@link #guardedTxn}. Waiting for the
 * store there is deliberate: the owner thread is PD's own, never a store callback thread, and handling
 * one request at a time keeps every decision simple. Results are handed to callers on the common pool,
 * so a caller's continuations never run on (or block) the owner thread.
 *
 * <p>Consistency: every transaction compares the {@code modRevision} of each record the decision was
 * based on; if another writer moved one, the request is re-read and re-decided, at most
 * {@link #MAX_TXN_ATTEMPTS} times. Reads that span several keys are taken in one read-only transaction,
 * so they see one revision.
 *
 * <p>Liveness and failover: brokers and range servers are live while their session lease lives
 * ({@link Liveness}); placement considers live members only ({@link PartitionAssigner},
 * {@link RangePlacer}); partitions of a dead broker move to live brokers ({@link BrokerFailover}, started
 * by {@link BrokerLivenessWatch}), and so do partitions an operator moves ({@link PlannedMoves}). PD seals nothing itself: a range left open on a dead range server is
 * sealed by its writer, and a range left open by a dead writer by the partition's new owner when it
 * opens the stream for write (see the package documentation). Sealed ranges that lost a replica, or
 * have a short one, are copied by {@link RangeRepairer}, on a thread of its own, which also has old range
 * records compacted into runs ({@link StoredRanges} is how every method here reads them).
 */
public final class PlacementDriver implements PlacementService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementDriver.class);

    /** Attempts at one request whose transaction keeps losing to concurrent writers. */
    static final int MAX_TXN_ATTEMPTS = 16;
    /** Longest PD waits for one store operation before failing the request. */
    static final long STORE_TIMEOUT_MS = 30_000;

    private final MetadataStore store;
    private final PlacementConfig config;
    private final MetadataKeys keys;
    private final ExecutorService owner;
    /** Compares proving this PD still leads, appended to every write; empty when no election runs. */
    private final List<Compare> leaderGuard;
    private final Executor callbacks = ForkJoinPool.commonPool();
    private final Set<PartitionWatch> watches = ConcurrentHashMap.newKeySet();
    private final Liveness liveness;
    private final BrokerFailover failover;
    private final PlannedMoves plannedMoves;
    private final BrokerLivenessWatch brokerLivenessWatch;
    private final AtomicBoolean failoverPending = new AtomicBoolean();
    private volatile boolean closed;
    private final PlacementMetrics metrics;
    private final OwnerCounts ownerCounts;
    private final RangeCounts rangeCounts;
    private final RangeMaintenance rangeMaintenance;
    /** Null when this driver does not re-replicate (no copier, e.g. standalone mode). */
    private final RangeRepairer rangeRepairer;

    /**
     * A driver over {@code store}; the caller keeps ownership of the store and closes it after this
     * driver. Several drivers may share one store (each transaction is guarded), though only one is
     * meant to run per cluster.
     */
    public PlacementDriver(MetadataStore store, PlacementConfig config) {
        this(store, config, List.of(), PlacementMetrics.unregistered());
    }

    /**
     * A driver whose every write also requires {@code leaderGuard} (the compares of an election's
     * leadership); a write whose guard fails completes with {@link PlacementException.NotLeader}.
     */
    public PlacementDriver(MetadataStore store, PlacementConfig config, List<Compare> leaderGuard) {
        this(store, config, leaderGuard, PlacementMetrics.unregistered());
    }

    /** As above, counting requests in {@code metrics}. */
    public PlacementDriver(MetadataStore store, PlacementConfig config, List<Compare> leaderGuard,
                           PlacementMetrics metrics) {
        this(store, config, leaderGuard, metrics, null);
    }

    /**
     * As above; with a {@code rangeCopier}, sealed ranges that lost a replica to a dead range server are
     * copied to another live one every {@code config.rangeRepairIntervalMs()} ({@link RangeRepairer}).
     * The copier belongs to the caller.
     */
    public PlacementDriver(MetadataStore store, PlacementConfig config, List<Compare> leaderGuard,
                           PlacementMetrics metrics, RangeCopier rangeCopier) {
        this.leaderGuard = List.copyOf(leaderGuard);
        this.metrics = Checks.notNull(metrics, "metrics");
        this.store = Checks.notNull(store, "store");
        this.config = Checks.notNull(config, "config");
        this.keys = new MetadataKeys(config.clusterPrefix());
        this.ownerCounts = new OwnerCounts(() ->
                decodePartitions(await(store.getPrefix(keys.partitionsPrefix())).kvs()));
        this.rangeCounts = new RangeCounts(() ->
                StoredRanges.ranges(await(store.getPrefix(keys.rangesPrefix())).kvs()));
        this.owner = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("pd-owner").daemon().factory());
        this.liveness = new Liveness(store, keys, config.memberSessionTtlMs(), this::guardedTxn);
        this.failover = new BrokerFailover(store, keys, liveness, this::guardedTxn,
                moved -> metrics.onPartitionsMoved(moved, false));
        this.plannedMoves = new PlannedMoves(store, keys, liveness, this::guardedTxn);
        this.brokerLivenessWatch = new BrokerLivenessWatch(store, keys, this::scheduleFailover,
                metrics::onBrokerSessionEnded);
        brokerLivenessWatch.start();
        this.rangeMaintenance = new RangeMaintenance(store, keys, liveness, this::guardedTxn, metrics,
                RangeRepairer.MAX_SCRUBS_PER_ROUND);
        this.rangeRepairer = rangeCopier == null ? null : new RangeRepairer(new RepairPlanner(), rangeCopier, metrics,
                RpcRangeCopier.DEFAULT_COPY_TIMEOUT_MS);
        if (rangeRepairer != null && config.rangeRepairIntervalMs() > 0) {
            rangeRepairer.start(config.rangeRepairIntervalMs());
        }
        // First on the owner thread, so before any request: finish what an earlier leader's crash interrupted.
        runOnOwner("sweep half-written topics", this::sweepHalfWrittenTopics).exceptionally(error -> {
            LOG.warn("could not sweep half-written topics (the next leader will): {}", error.getMessage());
            return 0;
        });
    }

    public PlacementConfig config() {
        return config;
    }

    // ---- membership -------------------------------------------------------------------------

    // Sessions and who is live: Liveness. Partitions of dead brokers: BrokerFailover.

    @Override
    public CompletableFuture<Void> registerRangeServer(RangeServerInfo server) {
        return onOwner("register range server " + server, () -> {
            Checks.argument(server.id() >= 0, "range server id %d must not be negative", server.id());
            liveness.registerRangeServer(server);
            LOG.info("registered range server {}", server);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> registerBroker(BrokerInfo broker) {
        return onOwner("register broker " + broker, () -> {
            Checks.argument(broker.id() >= 0, "broker id %d must not be negative", broker.id());
            liveness.registerBroker(broker);
            LOG.info("registered broker {}", broker);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> heartbeatBroker(int brokerId, BrokerLoad load) {
        Checks.notNull(load, "load");
        return onOwner("heartbeat of broker " + brokerId, () -> {
            liveness.heartbeatBroker(brokerId, load);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> heartbeatRangeServer(int serverId, RangeServerLoad load) {
        Checks.notNull(load, "load");
        return onOwner("heartbeat of range server " + serverId, () -> {
            liveness.heartbeatRangeServer(serverId, load);
            return null;
        });
    }

    @Override
    public CompletableFuture<Void> unregisterBroker(int brokerId) {
        CompletableFuture<Void> done = onOwner("unregister broker " + brokerId, () -> {
            liveness.unregisterBroker(brokerId);
            return null;
        });
        // The liveness watch would start the failover too; starting it here saves the watch's round trip.
        return done.thenRun(this::scheduleFailover);
    }

    @Override
    public CompletableFuture<List<BrokerInfo>> brokers() {
        return onOwner("list brokers", () -> liveness.liveBrokers().values().stream()
                .map(Liveness.LiveBroker::info)
                .toList());
    }

    /** Runs {@link BrokerFailover} on the owner thread soon, turn by turn; triggers meanwhile share a turn. */
    private void scheduleFailover() {
        if (closed || !failoverPending.compareAndSet(false, true)) {
            return;
        }
        runOnOwner("move partitions off dead brokers", () -> {
            failoverPending.set(false);
            ownerCounts.forget();
            return failover.reassignOrphans();
        }).whenComplete((more, error) -> {
            if (error != null && !closed) { // e.g. the store was unreachable: try again a little later
                CompletableFuture.delayedExecutor(BrokerLivenessWatch.RETRY_DELAY_MS, TimeUnit.MILLISECONDS)
                        .execute(this::scheduleFailover);
            } else if (error == null && more) { // the next turn, behind whatever queued meanwhile
                scheduleFailover();
            }
        });
    }

    // ---- topics and partitions --------------------------------------------------------------

    @Override
    public CompletableFuture<TopicInfo> createTopic(NewTopic topic) {
        String what = "create topic '" + topic.name() + "'";
        return onOwner(what, () -> {
            Checks.argument(!topic.name().isEmpty(), "topic name must not be empty");
            Checks.argument(topic.partitionCount() >= 1, "partition count %d must be >= 1", topic.partitionCount());
            TopicId topicId = TopicId.random();
            return retrying(what, () -> attemptCreateTopic(what, topic, topicId));
        });
    }

    private TopicInfo attemptCreateTopic(String what, NewTopic topic, TopicId topicId) {
        String topicKey = keys.topic(topic.name());
        if (await(store.get(topicKey)).isPresent()) {
            throw new PlacementException.TopicExists(topic.name());
        }
        SortedMap<Integer, Liveness.LiveBroker> live = liveness.liveBrokers();
        List<Integer> ownerIds = PartitionAssigner.assign(topic.partitionCount(), ownerCounts.of(live.keySet()));
        String counterKey = keys.streamIdCounter();
        Optional<KeyValue> counterKv = await(store.get(counterKey));
        long lastStreamId = counterKv.map(kv -> Codecs.COUNTER.decode(kv.value())).orElse(0L);
        int count = topic.partitionCount();
        Checks.state(lastStreamId >= 0 && lastStreamId + count > lastStreamId, "stream ids exhausted at %d",
                lastStreamId);

        // 1. Reserve the stream ids.
        guardedTxn(what, List.of(Compare.absent(topicKey),
                        Compare.modRevision(counterKey, counterKv.map(KeyValue::modRevision).orElse(0L))),
                List.of(Op.put(counterKey, Codecs.COUNTER.encode(lastStreamId + count))));
        // 2. Streams and partitions, in parts (a topic may have more than one transaction can hold); no
        //    client sees them before the topic record exists.
        List<PartitionInfo> partitions = newPartitions(topic.name(), topicId, 0, lastStreamId + 1, ownerIds);
        List<Compare> compares = new ArrayList<>();
        compares.add(Compare.absent(topicKey));
        compares.addAll(ownersStillLive(partitions, live));
        // 3. The topic record: from here on the topic exists.
        writePartitionsThen(what, partitions, compares, List.of(Op.put(topicKey, Codecs.TOPIC.encode(
                new TopicRecord(topic.name(), topicId, count, topic.configs())))));
        ownerCounts.created(partitions);
        metrics.onPartitionsAssigned(count);
        LOG.info("created topic '{}' ({}) with {} partitions on streams {}..{}", topic.name(),
                MetadataKeys.topicIdString(topicId), count, lastStreamId + 1, lastStreamId + count);
        return new TopicInfo(topic.name(), topicId, topic.configs(), partitions);
    }

    /**
     * New partitions {@code firstPartition, firstPartition + 1, ...} of a topic, one per owner in
     * {@code ownerIds}, on consecutive new streams from {@code firstStreamId}, at leader epoch 0.
     */
    private static List<PartitionInfo> newPartitions(String topic, TopicId topicId, int firstPartition,
                                                     long firstStreamId, List<Integer> ownerIds) {
        List<PartitionInfo> partitions = new ArrayList<>(ownerIds.size());
        for (int i = 0; i < ownerIds.size(); i++) {
            partitions.add(new PartitionInfo(topic, topicId, firstPartition + i, firstStreamId + i, ownerIds.get(i),
                    0));
        }
        return partitions;
    }

    /** That every owner of {@code partitions} is still live (one compare per distinct owner). */
    private static List<Compare> ownersStillLive(List<PartitionInfo> partitions,
                                                 SortedMap<Integer, Liveness.LiveBroker> live) {
        return partitions.stream().map(PartitionInfo::ownerBrokerId).collect(Collectors.toCollection(TreeSet::new))
                .stream().map(id -> Liveness.stillLive(live.get(id).aliveKey())).toList();
    }

    /** Partitions per transaction when a topic's partition records are written or deleted in parts. */
    static final int PARTITIONS_PER_TXN = 30;

    /**
     * Writes the stream and partition records of {@code partitions} in parts, then {@code finalOps} if
     * {@code finalCompares} hold. If they do not, deletes the records written and throws {@link TxnConflict}
     * (a crash in between leaves them to {@link #sweepHalfWrittenTopics}).
     */
    private TxnResult writePartitionsThen(String what, List<PartitionInfo> partitions, List<Compare> finalCompares,
                                          List<Op> finalOps) {
        List<List<Op>> records = new ArrayList<>(partitions.size());
        for (PartitionInfo partition : partitions) {
            StreamRecord stream = new StreamRecord(partition.streamId(), 0, 0, config.defaultReplicaCount(),
                    config.defaultAckCount(), partition.topicId(), partition.partition());
            records.add(List.of(Op.put(keys.stream(partition.streamId()), Codecs.STREAM.encode(stream)),
                    Op.put(keys.partition(partition.topicId(), partition.partition()),
                            Codecs.PARTITION.encode(partition))));
        }
        writeInParts(what, records);
        try {
            return guardedTxn(what, finalCompares, finalOps);
        } catch (TxnConflict conflict) {
            writeInParts(what + ": undo", partitions.stream().map(this::deletePartitionOps).toList());
            throw conflict;
        }
    }

    /** Deletes a partition's record with its stream's records (stream, ranges, producer snapshot). */
    private List<Op> deletePartitionOps(PartitionInfo partition) {
        return List.of(Op.delete(keys.stream(partition.streamId())),
                Op.deletePrefix(keys.rangesPrefix(partition.streamId())),
                Op.delete(keys.producerSnapshot(partition.streamId())),
                Op.delete(keys.partition(partition.topicId(), partition.partition())));
    }

    /** Applies each partition's ops, {@link #PARTITIONS_PER_TXN} partitions a transaction, guarded by leadership only. */
    private void writeInParts(String what, List<List<Op>> perPartition) {
        for (int from = 0; from < perPartition.size(); from += PARTITIONS_PER_TXN) {
            List<Op> ops = new ArrayList<>();
            perPartition.subList(from, Math.min(from + PARTITIONS_PER_TXN, perPartition.size())).forEach(ops::addAll);
            guardedTxn(what, List.of(), ops);
        }
    }

    /**
     * Deletes what a topic creation, partition addition or topic deletion interrupted by a crash (or a lost
     * leadership) left: partition records, with their streams, of no topic or beyond their topic's
     * partition count. Runs when a driver starts, before any request. Returns how many were deleted.
     */
    private int sweepHalfWrittenTopics() {
        List<List<KeyValue>> read = readTxn(List.of(), Op.getPrefix(keys.topicsPrefix()),
                Op.getPrefix(keys.partitionsPrefix()));
        Map<TopicId, Integer> partitionCounts = new HashMap<>();
        for (KeyValue kv : read.get(0)) {
            TopicRecord topic = Codecs.TOPIC.decode(kv.value());
            partitionCounts.put(topic.topicId(), topic.partitionCount());
        }
        List<List<Op>> orphans = new ArrayList<>();
        for (KeyValue kv : read.get(1)) {
            PartitionInfo partition = Codecs.PARTITION.decode(kv.value());
            Integer count = partitionCounts.get(partition.topicId());
            if (count == null || partition.partition() >= count) {
                orphans.add(deletePartitionOps(partition));
            }
        }
        ownerCounts.forget();
        writeInParts("sweep half-written topics", orphans);
        if (!orphans.isEmpty()) {
            LOG.warn("deleted {} partition(s) and their streams left by an interrupted topic creation or deletion",
                    orphans.size());
        }
        return orphans.size();
    }

    @Override
    public CompletableFuture<TopicInfo> alterTopicConfigs(String name, Map<String, String> configs) {
        String what = "alter configs of topic '" + name + "'";
        Map<String, String> copy = Map.copyOf(configs);
        return onOwner(what, () -> retrying(what, () -> {
            String topicKey = keys.topic(name);
            KeyValue topicKv = await(store.get(topicKey)).orElseThrow(() -> new PlacementException.UnknownTopic(name));
            TopicRecord topic = Codecs.TOPIC.decode(topicKv.value());
            TopicRecord altered = new TopicRecord(topic.name(), topic.topicId(), topic.partitionCount(), copy);
            TxnResult result = guardedTxn(what, List.of(Compare.modRevision(topicKey, topicKv.modRevision())),
                    List.of(Op.put(topicKey, Codecs.TOPIC.encode(altered)),
                            Op.getPrefix(keys.partitionsPrefix(topic.topicId()))));
            LOG.info("altered configs of topic '{}' to {}", name, copy);
            return toTopicInfo(altered, decodePartitions(result.results().getLast()));
        }));
    }

    @Override
    public CompletableFuture<TopicInfo> createPartitions(String name, int newCount) {
        String what = "raise partitions of topic '" + name + "' to " + newCount;
        return onOwner(what, () -> retrying(what, () -> attemptCreatePartitions(what, name, newCount)));
    }

    private TopicInfo attemptCreatePartitions(String what, String name, int newCount) {
        String topicKey = keys.topic(name);
        KeyValue topicKv = await(store.get(topicKey)).orElseThrow(() -> new PlacementException.UnknownTopic(name));
        TopicRecord topic = Codecs.TOPIC.decode(topicKv.value());
        int current = topic.partitionCount();
        if (newCount <= current) {
            throw new PlacementException.InvalidPartitionCount(name, current, newCount);
        }
        SortedMap<Integer, Liveness.LiveBroker> live = liveness.liveBrokers();
        List<Integer> ownerIds = PartitionAssigner.assign(newCount - current, ownerCounts.of(live.keySet()));
        String counterKey = keys.streamIdCounter();
        Optional<KeyValue> counterKv = await(store.get(counterKey));
        long lastStreamId = counterKv.map(kv -> Codecs.COUNTER.decode(kv.value())).orElse(0L);
        int added = newCount - current;
        Checks.state(lastStreamId >= 0 && lastStreamId + added > lastStreamId, "stream ids exhausted at %d",
                lastStreamId);
        guardedTxn(what, List.of(Compare.modRevision(topicKey, topicKv.modRevision()),
                        Compare.modRevision(counterKey, counterKv.map(KeyValue::modRevision).orElse(0L))),
                List.of(Op.put(counterKey, Codecs.COUNTER.encode(lastStreamId + added))));
        List<PartitionInfo> partitions = newPartitions(topic.name(), topic.topicId(), current, lastStreamId + 1,
                ownerIds);
        List<Compare> compares = new ArrayList<>();
        compares.add(Compare.modRevision(topicKey, topicKv.modRevision()));
        compares.addAll(ownersStillLive(partitions, live));
        TopicRecord raised = new TopicRecord(topic.name(), topic.topicId(), newCount, topic.configs());
        TxnResult result = writePartitionsThen(what, partitions, compares, List.of(
                Op.put(topicKey, Codecs.TOPIC.encode(raised)), Op.getPrefix(keys.partitionsPrefix(topic.topicId()))));
        ownerCounts.created(partitions);
        metrics.onPartitionsAssigned(added);
        LOG.info("topic '{}': partitions {}..{} created on streams {}..{}", name, current, newCount - 1,
                lastStreamId + 1, lastStreamId + added);
        return toTopicInfo(raised, decodePartitions(result.results().getLast()));
    }

    @Override
    public CompletableFuture<Void> deleteTopic(String name) {
        String what = "delete topic '" + name + "'";
        return onOwner(what, () -> retrying(what, () -> {
            String topicKey = keys.topic(name);
            KeyValue topicKv = await(store.get(topicKey))
                    .orElseThrow(() -> new PlacementException.UnknownTopic(name));
            TopicRecord topic = Codecs.TOPIC.decode(topicKv.value());
            ownerCounts.forget();
            // The topic goes first, at once; its partitions and streams follow in parts (a crash in
            // between leaves them to the next driver's sweepHalfWrittenTopics).
            TxnResult deleted = guardedTxn(what, List.of(Compare.modRevision(topicKey, topicKv.modRevision())),
                    List.of(Op.delete(topicKey), Op.getPrefix(keys.partitionsPrefix(topic.topicId()))));
            writeInParts(what, decodePartitions(deleted.results().getLast()).stream()
                    .map(this::deletePartitionOps).toList());
            LOG.info("deleted topic '{}' ({})", name, MetadataKeys.topicIdString(topic.topicId()));
            return null;
        }));
    }

    @Override
    public CompletableFuture<List<PartitionMoveResult>> movePartitions(List<PartitionMove> moves) {
        List<PartitionMove> copy = List.copyOf(moves);
        return onOwner("move " + copy.size() + " partitions as planned", () -> {
            ownerCounts.forget();
            List<PartitionMoveResult> results = plannedMoves.move(copy);
            metrics.onPartitionsMoved((int) results.stream()
                    .filter(r -> r.outcome() == PartitionMoveResult.Outcome.MOVED).count(), true);
            return results;
        });
    }

    @Override
    public CompletableFuture<Optional<TopicInfo>> topic(String name) {
        String what = "describe topic '" + name + "'";
        return onOwner(what, () -> retrying(what, () -> {
            String topicKey = keys.topic(name);
            Optional<KeyValue> topicKv = await(store.get(topicKey));
            if (topicKv.isEmpty()) {
                return Optional.empty();
            }
            TopicRecord topic = Codecs.TOPIC.decode(topicKv.get().value());
            List<List<KeyValue>> read = readTxn(
                    List.of(Compare.modRevision(topicKey, topicKv.get().modRevision())),
                    Op.getPrefix(keys.partitionsPrefix(topic.topicId())));
            return Optional.of(toTopicInfo(topic, decodePartitions(read.get(0))));
        }));
    }

    @Override
    public CompletableFuture<List<TopicInfo>> topics() {
        return onOwner("list topics", () -> {
            List<List<KeyValue>> read = readTxn(List.of(), Op.getPrefix(keys.topicsPrefix()),
                    Op.getPrefix(keys.partitionsPrefix()));
            Map<TopicId, List<PartitionInfo>> partitionsByTopic = new HashMap<>();
            for (PartitionInfo partition : decodePartitions(read.get(1))) {
                partitionsByTopic.computeIfAbsent(partition.topicId(), id -> new ArrayList<>()).add(partition);
            }
            return read.get(0).stream()
                    .map(kv -> Codecs.TOPIC.decode(kv.value()))
                    .sorted(Comparator.comparing(TopicRecord::name))
                    .map(topic -> toTopicInfo(topic, partitionsByTopic.getOrDefault(topic.topicId(), List.of())))
                    .toList();
        });
    }

    private static TopicInfo toTopicInfo(TopicRecord topic, List<PartitionInfo> partitions) {
        List<PartitionInfo> ordered = partitions.stream()
                .sorted(Comparator.comparingInt(PartitionInfo::partition)).toList();
        Checks.state(ordered.size() == topic.partitionCount(), "topic '%s' has %d partition records, expected %d",
                topic.name(), ordered.size(), topic.partitionCount());
        return new TopicInfo(topic.name(), topic.topicId(), topic.configs(), ordered);
    }

    private static List<PartitionInfo> decodePartitions(List<KeyValue> kvs) {
        return kvs.stream().map(kv -> Codecs.PARTITION.decode(kv.value())).toList();
    }

    @Override
    public Subscription watchPartitions(PartitionListener listener) {
        Checks.notNull(listener, "listener");
        if (closed) {
            throw new PlacementException("placement driver is closed");
        }
        PartitionWatch watch = new PartitionWatch(store, keys, listener, watches::remove);
        watches.add(watch);
        watch.start();
        return watch;
    }

    // ---- group configs -----------------------------------------------------------------------

    @Override
    public CompletableFuture<Map<String, String>> alterGroupConfigs(String groupId, Map<String, String> configs) {
        String what = "alter configs of group '" + groupId + "'";
        Map<String, String> copy = Map.copyOf(configs);
        return onOwner(what, () -> {
            String key = keys.groupConfigs(groupId);
            // A plain replacement, like a topic's: the caller read, changed and validated the whole set.
            guardedTxn(what, List.of(), List.of(copy.isEmpty() ? Op.delete(key)
                    : Op.put(key, Codecs.GROUP_CONFIGS.encode(new GroupConfigsRecord(groupId, copy)))));
            LOG.info("altered configs of group '{}' to {}", groupId, copy);
            return copy;
        });
    }

    @Override
    public CompletableFuture<Map<String, String>> groupConfigs(String groupId) {
        String what = "read configs of group '" + groupId + "'";
        return onOwner(what, () -> {
            Optional<KeyValue> kv = await(store.get(keys.groupConfigs(groupId)));
            if (kv.isEmpty()) {
                return Map.<String, String>of();
            }
            GroupConfigsRecord record = Codecs.GROUP_CONFIGS.decode(kv.get().value());
            Checks.state(record.groupId().equals(groupId), "configs of group '%s' stored under group '%s'",
                    record.groupId(), groupId);
            return record.configs();
        });
    }

    // ---- SCRAM credentials -------------------------------------------------------------------

    @Override
    public CompletableFuture<Void> alterScramCredentials(List<ScramCredential> upserts,
                                                         List<ScramCredential.Key> deletions) {
        String what = "alter SCRAM credentials";
        List<ScramCredential> upsertsCopy = List.copyOf(upserts);
        List<ScramCredential.Key> deletionsCopy = List.copyOf(deletions);
        return onOwner(what, () -> {
            // Read-modify-write of each user's record on the owner thread, in one guarded transaction.
            List<Op> ops = ScramCredentialRecords.changes(keys, upsertsCopy, deletionsCopy,
                    user -> await(store.get(keys.scramCredentials(user))));
            if (!ops.isEmpty()) {
                guardedTxn(what, List.of(), ops);
            }
            LOG.info("altered SCRAM credentials: {} upserted, {} deleted", upsertsCopy.size(), deletionsCopy.size());
            return null;
        });
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials() {
        return onOwner("read SCRAM credentials",
                () -> ScramCredentialRecords.decodeAll(await(store.getPrefix(keys.scramCredentialsPrefix())).kvs()));
    }

    @Override
    public CompletableFuture<List<ScramCredential>> scramCredentials(String user) {
        return onOwner("read SCRAM credentials of '" + user + "'", () -> List.copyOf(
                ScramCredentialRecords.decodeUser(user, await(store.get(keys.scramCredentials(user)))).values()));
    }

    // ---- producer ids ------------------------------------------------------------------------

    @Override
    public CompletableFuture<Long> allocateProducerIds(int count) {
        String what = "allocate " + count + " producer ids";
        return onOwner(what, () -> {
            Checks.argument(count > 0, "producer id block size %d must be positive", count);
            return retrying(what, () -> {
                String counterKey = keys.producerIdCounter();
                Optional<KeyValue> counterKv = await(store.get(counterKey));
                long first = counterKv.map(kv -> Codecs.COUNTER.decode(kv.value())).orElse(0L);
                Checks.state(first >= 0 && first + count > first, "producer ids exhausted at %d", first);
                guardedTxn(what, List.of(Compare.modRevision(counterKey, counterKv.map(KeyValue::modRevision).orElse(0L))),
                        List.of(Op.put(counterKey, Codecs.COUNTER.encode(first + count))));
                return first;
            });
        });
    }

    // ---- streams and ranges ------------------------------------------------------------------

    @Override
    public CompletableFuture<StreamInfo> describeStream(long streamId) {
        return onOwner("describe stream " + streamId, () -> {
            List<List<KeyValue>> read = readTxn(List.of(), Op.get(keys.stream(streamId)),
                    Op.getPrefix(keys.rangesPrefix(streamId)), Op.getPrefix(keys.rangeServersPrefix()));
            if (read.get(0).isEmpty()) {
                throw new PlacementException.UnknownStream(streamId);
            }
            StreamRecord stream = Codecs.STREAM.decode(read.get(0).get(0).value());
            return toStreamInfo(stream, read.get(1), rangeServersById(read.get(2)));
        });
    }

    @Override
    public CompletableFuture<StreamInfo> openStreamForWrite(long streamId) {
        String what = "open stream " + streamId + " for write";
        return onOwner(what, () -> retrying(what, () -> {
            String streamKey = keys.stream(streamId);
            KeyValue streamKv = await(store.get(streamKey))
                    .orElseThrow(() -> new PlacementException.UnknownStream(streamId));
            StreamRecord stream = Codecs.STREAM.decode(streamKv.value());
            long newEpoch = stream.epoch() + 1;
            // The Kafka leader epoch is the stream epoch, and Kafka's is an int32.
            Checks.state(newEpoch <= Integer.MAX_VALUE, "stream %d: epoch %d exhausted", streamId, stream.epoch());
            StreamRecord opened = stream.withEpoch(newEpoch);

            String partitionKey = keys.partition(stream.topicId(), stream.partition());
            Optional<KeyValue> partitionKv = await(store.get(partitionKey));
            List<Compare> compares = List.of(Compare.modRevision(streamKey, streamKv.modRevision()),
                    Compare.modRevision(partitionKey, partitionKv.map(KeyValue::modRevision).orElse(0L)));
            List<Op> ops = new ArrayList<>();
            ops.add(Op.put(streamKey, Codecs.STREAM.encode(opened)));
            if (partitionKv.isPresent()) {
                PartitionInfo partition = Codecs.PARTITION.decode(partitionKv.get().value());
                ops.add(Op.put(partitionKey, Codecs.PARTITION.encode(new PartitionInfo(partition.topic(),
                        partition.topicId(), partition.partition(), partition.streamId(),
                        partition.ownerBrokerId(), (int) newEpoch))));
            }
            // Read the ranges in the same transaction, so they are exactly those as of the new epoch.
            ops.add(Op.getPrefix(keys.rangesPrefix(streamId)));
            ops.add(Op.getPrefix(keys.rangeServersPrefix()));
            TxnResult result = guardedTxn(what, compares, ops);
            List<List<KeyValue>> results = result.results();
            LOG.info("stream {} opened for write at epoch {}", streamId, newEpoch);
            return toStreamInfo(opened, results.get(results.size() - 2),
                    rangeServersById(results.get(results.size() - 1)));
        }));
    }

    @Override
    public CompletableFuture<RangeInfo> createRange(long streamId, long epoch, int index, long startOffset,
                                                    Set<Integer> avoidServerIds) {
        String what = "create range " + streamId + "/" + index + " at " + startOffset + " (epoch " + epoch + ")";
        Set<Integer> avoid = Set.copyOf(avoidServerIds);
        return onOwner(what, () -> {
            Checks.argument(index >= 0, "range index %d must not be negative", index);
            Checks.argument(startOffset >= 0, "start offset %d must not be negative", startOffset);
            return retrying(what, () -> attemptCreateRange(what, streamId, epoch, index, startOffset, avoid));
        });
    }

    private RangeInfo attemptCreateRange(String what, long streamId, long epoch, int index, long startOffset,
                                         Set<Integer> avoid) {
        String streamKey = keys.stream(streamId);
        List<List<KeyValue>> read = readTxn(List.of(), Op.get(streamKey), Op.getPrefix(keys.rangesPrefix(streamId)),
                Op.getPrefix(keys.rangeServersPrefix()));
        KeyValue streamKv = checkEpoch(streamId, epoch, read.get(0));
        StreamRecord stream = Codecs.STREAM.decode(streamKv.value());
        Map<Integer, RangeServerInfo> servers = rangeServersById(read.get(2));
        KeyValue lastKv = null;
        RangeRecord last = null;
        for (StoredRanges.Stored stored : StoredRanges.expand(read.get(1))) { // in key order, which is index order
            RangeRecord range = stored.range();
            if (range.index() == index) {
                if (range.startOffset() == startOffset && range.epoch() == epoch) {
                    return toRangeInfo(range, servers); // a retry of a create that succeeded
                }
                throw new PlacementException.InvalidRangeState("stream " + streamId + ": range " + index
                        + " already exists as " + range);
            }
            lastKv = stored.holder();
            last = range;
        }
        int expectedIndex = last == null ? 0 : last.index() + 1;
        if (index != expectedIndex) {
            throw new PlacementException.InvalidRangeState("stream " + streamId + ": the next range is "
                    + expectedIndex + ", not " + index);
        }
        if (last != null && !last.isSealed()) {
            throw new PlacementException.InvalidRangeState("stream " + streamId + ": range " + last.index()
                    + " is still open");
        }
        if (last != null && last.endOffset() != startOffset) {
            throw new PlacementException.InvalidRangeState("stream " + streamId + ": range " + last.index()
                    + " ends at " + last.endOffset() + ", so range " + index + " cannot start at " + startOffset);
        }
        if (last == null && startOffset < stream.startOffset()) {
            throw new PlacementException.InvalidRangeState("stream " + streamId + " starts at "
                    + stream.startOffset() + ", so range " + index + " cannot start at " + startOffset);
        }

        SortedMap<Integer, Liveness.LiveRangeServer> live = liveness.liveRangeServers();
        List<RangePlacer.Candidate> candidates = rangeCandidates(live);
        List<RangePlacer.Candidate> trusted = candidates.stream().filter(c -> !avoid.contains(c.serverId())).toList();
        if (trusted.size() >= stream.ackCount()) {
            candidates = trusted; // what the writer just saw fail may still look live here until its session expires
        }
        List<Integer> replicaIds = RangePlacer.choose(stream.replicaCount(), stream.ackCount(), candidates);
        if (replicaIds.size() < stream.replicaCount()) {
            LOG.warn("stream {}: range {} placed on only {} of {} replicas: no more live range servers", streamId,
                    index, replicaIds.size(), stream.replicaCount());
        }
        RangeRecord range = new RangeRecord(streamId, index, startOffset, RangeInfo.OPEN, epoch, replicaIds);
        String rangeKey = keys.range(streamId, index);
        List<Compare> compares = new ArrayList<>();
        compares.add(Compare.modRevision(streamKey, streamKv.modRevision()));
        compares.add(Compare.absent(rangeKey));
        if (lastKv != null) {
            compares.add(Compare.modRevision(lastKv.key(), lastKv.modRevision()));
        }
        for (int id : replicaIds) {
            Liveness.LiveRangeServer server = live.get(id);
            compares.add(Liveness.stillLive(server.aliveKey()));
            compares.add(Compare.modRevision(server.registration().key(), server.registration().modRevision()));
            servers.put(id, server.info());
        }
        guardedTxn(what, compares, List.of(StoredRanges.single(rangeKey, range)));
        rangeCounts.placed(replicaIds);
        metrics.onRangePlaced();
        LOG.info("stream {}: created range {} at {} on range servers {} (epoch {})", streamId, index, startOffset,
                replicaIds, epoch);
        return toRangeInfo(range, servers);
    }

    /** Every live range server with the number of ranges it holds ({@link RangeCounts}) and its free disk. */
    private List<RangePlacer.Candidate> rangeCandidates(SortedMap<Integer, Liveness.LiveRangeServer> live) {
        return live.values().stream()
                .map(server -> new RangePlacer.Candidate(server.info().id(), rangeCounts.held(server.info().id()),
                        server.load().diskFreeBytes()))
                .toList();
    }

    @Override
    public CompletableFuture<RangeInfo> sealRange(long streamId, long epoch, int index, long endOffset) {
        String what = "seal range " + streamId + "/" + index + " at " + endOffset + " (epoch " + epoch + ")";
        return onOwner(what, () -> {
            Checks.argument(index >= 0, "range index %d must not be negative", index);
            return retrying(what, () -> {
                String streamKey = keys.stream(streamId);
                List<List<KeyValue>> read = readTxn(List.of(), Op.get(streamKey),
                        Op.getPrefix(keys.rangesPrefix(streamId)), Op.getPrefix(keys.rangeServersPrefix()));
                KeyValue streamKv = checkEpoch(streamId, epoch, read.get(0));
                Map<Integer, RangeServerInfo> servers = rangeServersById(read.get(2));
                StoredRanges.Stored stored = StoredRanges.find(read.get(1), index).orElseThrow(() ->
                        new PlacementException.InvalidRangeState("stream " + streamId + ": range " + index
                                + " does not exist"));
                KeyValue rangeKv = stored.holder();
                RangeRecord range = stored.range();
                if (range.isSealed()) {
                    if (range.endOffset() == endOffset) {
                        return toRangeInfo(range, servers); // a retry of a seal that succeeded
                    }
                    throw new PlacementException.InvalidRangeState("stream " + streamId + ": range " + index
                            + " is already sealed at " + range.endOffset() + ", not " + endOffset);
                }
                if (endOffset < range.startOffset()) {
                    throw new PlacementException.InvalidRangeState("stream " + streamId + ": range " + index
                            + " starts at " + range.startOffset() + ", so it cannot end at " + endOffset);
                }
                RangeRecord sealed = range.sealedAt(endOffset);
                guardedTxn(what, List.of(Compare.modRevision(streamKey, streamKv.modRevision()),
                                Compare.modRevision(rangeKv.key(), rangeKv.modRevision())),
                        List.of(StoredRanges.replace(rangeKv, sealed)));
                LOG.info("stream {}: sealed range {} at {} (epoch {})", streamId, index, endOffset, epoch);
                return toRangeInfo(sealed, servers);
            });
        });
    }

    @Override
    public CompletableFuture<Long> trimStream(long streamId, long epoch, long newStartOffset) {
        String what = "trim stream " + streamId + " to " + newStartOffset + " (epoch " + epoch + ")";
        return onOwner(what, () -> {
            Checks.argument(newStartOffset >= 0, "start offset %d must not be negative", newStartOffset);
            return retrying(what, () -> {
                String streamKey = keys.stream(streamId);
                List<List<KeyValue>> read = readTxn(List.of(), Op.get(streamKey),
                        Op.getPrefix(keys.rangesPrefix(streamId)));
                KeyValue streamKv = checkEpoch(streamId, epoch, read.get(0));
                StreamRecord stream = Codecs.STREAM.decode(streamKv.value());
                if (newStartOffset <= stream.startOffset()) {
                    return stream.startOffset();
                }
                List<KeyValue> rangeKvs = read.get(1);
                RangeRecord last = rangeKvs.isEmpty() ? null
                        : Codecs.RANGES.decode(rangeKvs.getLast().value()).getLast();
                if (last == null || (last.isSealed() && last.endOffset() < newStartOffset)) {
                    throw new PlacementException.InvalidRangeState("stream " + streamId + " ends at "
                            + (last == null ? stream.startOffset() : last.endOffset()) + ", so it cannot start at "
                            + newStartOffset);
                }
                // Range records (runs) wholly below the new start go too (never the one holding the last range:
                // the next range's index follows it), so a stream's metadata stays as small as its live data.
                // Their replicas are trimmed by the writer, which holds the list.
                List<List<Op>> dropped = new ArrayList<>();
                for (KeyValue kv : rangeKvs.subList(0, rangeKvs.size() - 1)) {
                    RangeRecord range = Codecs.RANGES.decode(kv.value()).getLast();
                    if (range.isSealed() && range.endOffset() <= newStartOffset) {
                        dropped.add(List.of(Op.delete(kv.key())));
                    }
                }
                List<Op> ops = new ArrayList<>();
                ops.add(Op.put(streamKey, Codecs.STREAM.encode(stream.withStartOffset(newStartOffset))));
                int inFirst = Math.min(dropped.size(), Txn.MAX_OPS - 1);
                dropped.subList(0, inFirst).forEach(ops::addAll);
                guardedTxn(what, List.of(Compare.modRevision(streamKey, streamKv.modRevision())), ops);
                writeInParts(what, dropped.subList(inFirst, dropped.size())); // after a crash: the next trim
                LOG.info("stream {}: start offset {} -> {} (epoch {}), {} range record(s) below it dropped", streamId,
                        stream.startOffset(), newStartOffset, epoch, dropped.size());
                return newStartOffset;
            });
        });
    }

    @Override
    public CompletableFuture<Void> putProducerSnapshot(long streamId, long epoch, ProducerSnapshot snapshot) {
        String what = "store the producer snapshot of stream " + streamId + " at " + snapshot.offset() + " (epoch "
                + epoch + ")";
        byte[] encoded = Codecs.PRODUCER_SNAPSHOT.encode(snapshot);
        return onOwner(what, () -> retrying(what, () -> {
            String streamKey = keys.stream(streamId);
            List<List<KeyValue>> read = readTxn(List.of(), Op.get(streamKey));
            KeyValue streamKv = checkEpoch(streamId, epoch, read.get(0));
            guardedTxn(what, List.of(Compare.modRevision(streamKey, streamKv.modRevision())),
                    List.of(Op.put(keys.producerSnapshot(streamId), encoded)));
            LOG.debug("stream {}: producer snapshot at {} with {} producers (epoch {})", streamId, snapshot.offset(),
                    snapshot.producers().size(), epoch);
            return null;
        }));
    }

    @Override
    public CompletableFuture<Optional<ProducerSnapshot>> producerSnapshot(long streamId) {
        String what = "read the producer snapshot of stream " + streamId;
        return onOwner(what, () -> retrying(what, () -> {
            List<List<KeyValue>> read = readTxn(List.of(), Op.get(keys.stream(streamId)),
                    Op.get(keys.producerSnapshot(streamId)));
            if (read.get(0).isEmpty()) {
                throw new PlacementException.UnknownStream(streamId);
            }
            return read.get(1).isEmpty() ? Optional.<ProducerSnapshot>empty()
                    : Optional.of(Codecs.PRODUCER_SNAPSHOT.decode(read.get(1).get(0).value()));
        }));
    }

    /** The stream's record if {@code epoch} is its current epoch. */
    private static KeyValue checkEpoch(long streamId, long epoch, List<KeyValue> streamRead) {
        if (streamRead.isEmpty()) {
            throw new PlacementException.UnknownStream(streamId);
        }
        KeyValue kv = streamRead.get(0);
        long current = Codecs.STREAM.decode(kv.value()).epoch();
        if (epoch != current) {
            throw new PlacementException.FencedEpoch(streamId, epoch, current);
        }
        return kv;
    }

    private static Map<Integer, RangeServerInfo> rangeServersById(List<KeyValue> kvs) {
        Map<Integer, RangeServerInfo> servers = new LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            RangeServerInfo server = Codecs.RANGE_SERVER.decode(kv.value());
            servers.put(server.id(), server);
        }
        return servers;
    }

    private static StreamInfo toStreamInfo(StreamRecord stream, List<KeyValue> rangeKvs,
                                           Map<Integer, RangeServerInfo> servers) {
        List<RangeInfo> ranges = StoredRanges.ranges(rangeKvs).stream()
                .map(range -> toRangeInfo(range, servers))
                .sorted(Comparator.comparingInt(RangeInfo::index))
                .toList();
        return new StreamInfo(stream.streamId(), stream.epoch(), stream.startOffset(), stream.replicaCount(),
                stream.ackCount(), ranges);
    }

    /** A replica whose server is no longer registered is reported with an empty host and port 0. */
    private static RangeInfo toRangeInfo(RangeRecord range, Map<Integer, RangeServerInfo> servers) {
        List<RangeServerInfo> replicas = range.replicaIds().stream()
                .map(id -> servers.getOrDefault(id, new RangeServerInfo(id, "", 0)))
                .toList();
        return new RangeInfo(range.streamId(), range.index(), range.startOffset(), range.endOffset(),
                range.epoch(), replicas);
    }

    /**
     * Sealed ranges with data that fewer live range servers hold than their stream's replica count, by
     * stream then index (see {@link ReplicationAudit}). With a range copier, {@link RangeRepairer} repairs
     * them.
     */
    public CompletableFuture<List<UnderReplicatedRange>> underReplicatedRanges() {
        return onOwner("find under-replicated ranges", rangeMaintenance::underReplicated);
    }

    /** Runs one re-replication round now, on the calling thread (see {@link RangeRepairer#runOnce}). */
    RangeRepairer.Round repairUnderReplicatedRanges() {
        Checks.state(rangeRepairer != null, "this placement driver has no range copier");
        return rangeRepairer.runOnce();
    }

    /**
     * {@link RangeRepairer}'s side of PD: planning on the calling (repair) thread, since it reads every
     * record; record changes, and the range counts' update, as short tasks on the owner thread.
     */
    private final class RepairPlanner implements RangeRepairer.Planner {
        @Override
        public CompletableFuture<RangeMaintenance.Plan> plan(int maxRepairs, int maxChecks) {
            RangeMaintenance.Plan plan = rangeMaintenance.plan(maxRepairs, maxChecks);
            return runOnOwner("recount ranges per range server", () -> {
                rangeCounts.replace(plan.held());
                return plan;
            });
        }

        @Override
        public CompletableFuture<Boolean> commit(RangeRepair repair) {
            return runOnOwner("re-replicate " + repair, () -> rangeMaintenance.commit(repair));
        }

        @Override
        public CompletableFuture<Integer> markVerified(List<RangeCheck> checks) {
            return runOnOwner("verify " + checks.size() + " ranges", () -> rangeMaintenance.markVerified(checks));
        }

        @Override
        public CompletableFuture<Integer> compact(int maxMerges) {
            List<RangeCompactor.Merge> merges = rangeMaintenance.planCompaction(maxMerges);
            return merges.isEmpty() ? CompletableFuture.completedFuture(0)
                    : runOnOwner("compact range records", () -> rangeMaintenance.compact(merges));
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /**
     * Stops the owner thread and every partition subscription. Requests not yet started fail; the
     * store stays open (it belongs to the caller).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (rangeRepairer != null) {
            rangeRepairer.close();
        }
        brokerLivenessWatch.close();
        for (PartitionWatch watch : List.copyOf(watches)) {
            watch.close();
        }
        owner.shutdown();
        LOG.info("placement driver closed");
    }

    // ---- store access ------------------------------------------------------------------------

    /**
     * The one way PD writes: applies {@code ops} if every compare still holds, else throws
     * {@link TxnConflict} so {@link #retrying} re-reads and re-decides.
     */
    private TxnResult guardedTxn(String what, List<Compare> compares, List<Op> ops) {
        Txn txn = Txn.builder().when(compares.toArray(Compare[]::new)).when(leaderGuard.toArray(Compare[]::new))
                .success(ops).build();
        TxnResult result = await(store.txn(txn));
        if (!result.succeeded()) {
            if (!leaderGuard.isEmpty()
                    && !await(store.txn(Txn.builder().when(leaderGuard.toArray(Compare[]::new)).build())).succeeded()) {
                throw new PlacementException.NotLeader(what + ": this placement driver is no longer the leader");
            }
            LOG.debug("{}: lost a race with another writer at revision {}", what, result.revision());
            throw TxnConflict.INSTANCE;
        }
        return result;
    }

    /** Reads several keys and prefixes at one revision, if {@code compares} hold; else {@link TxnConflict}. */
    private List<List<KeyValue>> readTxn(List<Compare> compares, Op... gets) {
        TxnResult result = await(store.txn(Txn.builder().when(compares.toArray(Compare[]::new)).success(gets).build()));
        if (!result.succeeded()) {
            throw TxnConflict.INSTANCE;
        }
        Checks.state(result.results().size() == gets.length, "read of %d ops returned %d results", gets.length,
                result.results().size());
        return result.results();
    }

    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(STORE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new PlacementException("metadata store: " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new PlacementException("metadata store did not answer within " + STORE_TIMEOUT_MS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlacementException("interrupted while waiting for the metadata store", e);
        }
    }

    private static <T> T retrying(String what, Callable<T> attempt) throws Exception {
        for (int attempts = 1; ; attempts++) {
            try {
                return attempt.call();
            } catch (TxnConflict conflict) {
                if (attempts >= MAX_TXN_ATTEMPTS) {
                    throw new PlacementException(what + ": metadata kept changing underneath, gave up after "
                            + attempts + " attempts");
                }
            }
        }
    }

    /** Runs the request {@code body} on the owner thread; completes the result, off that thread, with its outcome. */
    private <T> CompletableFuture<T> onOwner(String what, Callable<T> body) {
        long startNs = metrics.onRequest();
        CompletableFuture<T> result = runOnOwner(what, body);
        result.whenComplete((v, err) -> metrics.onDone(startNs, err == null));
        return result;
    }

    /** As {@link #onOwner}, for PD's own work (not a request, so not counted in the request metrics). */
    private <T> CompletableFuture<T> runOnOwner(String what, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            owner.execute(() -> {
                if (closed) {
                    fail(result, new PlacementException(what + ": placement driver is closed"));
                    return;
                }
                T value;
                try {
                    value = body.call();
                } catch (Exception e) {
                    fail(result, toPlacementException(what, e));
                    return;
                } catch (Error e) {
                    fail(result, new PlacementException(what + " failed", e));
                    throw e;
                }
                callbacks.execute(() -> result.complete(value));
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new PlacementException(what + ": placement driver is closed", e));
        }
        return result;
    }

    private void fail(CompletableFuture<?> result, PlacementException error) {
        callbacks.execute(() -> result.completeExceptionally(error));
    }

    private static PlacementException toPlacementException(String what, Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof PlacementException placement) {
            if (placement.getClass() == PlacementException.class) { // not an expected outcome: store trouble
                LOG.warn("{} failed: {}", what, placement.getMessage(), placement.getCause());
            }
            return placement;
        }
        if (cause instanceof IllegalArgumentException) {
            return new PlacementException(what + ": " + cause.getMessage(), cause);
        }
        LOG.error("{} failed", what, cause); // an invariant violation or undecodable metadata: a bug
        return new PlacementException(what + " failed: " + cause, cause);
    }

    /** A transaction's compares no longer held: someone else wrote what the decision was based on. */
    static final class TxnConflict extends RuntimeException {
        private static final long serialVersionUID = 1L;
        static final TxnConflict INSTANCE = new TxnConflict();

        private TxnConflict() {
            super("transaction compare failed", null, false, false);
        }
    }
}
