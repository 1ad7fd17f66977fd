package io.elasticstream.broker.group;

import io.elasticstream.broker.coordinator.PartitionLoads;
import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.common.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import io.elasticstream.common.Failures;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code __consumer_offsets} partitions this coordinator serves: a partition is loaded (its records
 * replayed into the {@link GroupStore}) once it opened here, and unloaded (its groups dropped) when it closed
 * or an append to it failed. Until its replay finished, its groups' requests get COORDINATOR_LOAD_IN_PROGRESS;
 * when it is not open here, NOT_COORDINATOR. Owned by the coordinator thread; replay and append completions
 * come back to it through {@code owner}.
 */
final class CoordinatorPartitions {
    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorPartitions.class);

    private final GroupConfig config;
    private final GroupLog.Partitions logs;
    private final GroupStore groups;
    private final Clock clock;
    private final Executor owner;
    private final PartitionLoads<GroupLog> loads;

    CoordinatorPartitions(GroupConfig config, GroupLog.Partitions logs, GroupStore groups, Clock clock,
                          Executor owner) {
        this.config = config;
        this.logs = logs;
        this.groups = groups;
        this.clock = clock;
        this.owner = owner;
        this.loads = new PartitionLoads<>(GroupConfig.OFFSETS_TOPIC, config.offsetsTopicPartitions(), logs::get,
                new Loader(), owner);
    }

    /** NONE when the group's partition is open and loaded here; else why not (starting its load if needed). */
    Errors check(String groupId) {
        return loads.check(config.partitionFor(groupId));
    }

    /** Starts loading every open partition not loaded yet; unloads the ones no longer open. */
    void sync() {
        loads.sync();
    }

    boolean isReady(int p) {
        return loads.ready(p) != null;
    }

    /** Whether every open partition and every one of {@code owned} has finished loading. */
    boolean allReady(Set<Integer> owned) {
        return loads.allReady(owned);
    }

    /** Replays a partition's group and offset records into the {@link GroupStore}. */
    private final class Loader implements PartitionLoads.Loader<GroupLog> {
        @Override
        public CompletableFuture<Runnable> load(int p, GroupLog log) {
            List<Runnable> replayed = Collections.synchronizedList(new ArrayList<>());
            long startMs = clock.monotonicMillis();
            return log.replay(new GroupLog.Replay() {
                @Override
                public void onRecord(GroupRecords.Decoded record, long producerId) {
                    replayed.add(() -> groups.apply(p, record, producerId));
                }

                @Override
                public void onMarker(long producerId, boolean commit) {
                    replayed.add(() -> groups.endTransaction(p, producerId, commit));
                }
            }).thenApply(v -> () -> {
                synchronized (replayed) {
                    replayed.forEach(Runnable::run);
                }
                groups.pruneLoaded(p);
                LOG.info("Loaded {} records of {}-{} in {} ms", replayed.size(), GroupConfig.OFFSETS_TOPIC, p,
                        clock.monotonicMillis() - startMs);
            });
        }

        @Override
        public void unloaded(int p) {
            groups.unload(p);
        }
    }

    /** Appends on the group's partition; the returned stage completes on the owner thread. */
    CompletableFuture<Void> append(Group g, List<KeyedRecordLog.Entry> entries) {
        PartitionLoads.Load<GroupLog> st = loads.get(g.partition);
        return st.log().append(entries).whenCompleteAsync((v, err) -> {
            if (err != null) {
                LOG.warn("Append to {}-{} failed: {}", GroupConfig.OFFSETS_TOPIC, g.partition, err.toString());
                lost(g.partition, st);
            }
        }, owner);
    }

    /**
     * Appends in {@code producerId}'s transaction; completes on the owner thread. A refusal by the partition
     * (an {@link ApiException}, such as a fenced epoch) leaves it loaded; any other failure unloads it.
     */
    CompletableFuture<Void> appendTransactional(Group g, List<KeyedRecordLog.Entry> entries, long producerId,
                                                short producerEpoch) {
        PartitionLoads.Load<GroupLog> st = loads.get(g.partition);
        return st.log().appendTransactional(entries, producerId, producerEpoch).whenCompleteAsync((v, err) -> {
            if (err != null) {
                LOG.warn("Transactional offset commit to {}-{} failed: {}", GroupConfig.OFFSETS_TOPIC, g.partition,
                        err.toString());
                if (!(Failures.cause(err) instanceof ApiException)) {
                    lost(g.partition, st);
                }
            }
        }, owner);
    }

    private void lost(int p, PartitionLoads.Load<GroupLog> st) {
        loads.lost(p, st);
        logs.failed(p);
    }
}
