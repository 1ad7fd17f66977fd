package io.elasticstream.placement.server;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.metadata.Txn;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.RangeRecord;
import io.elasticstream.placement.server.codec.StreamRecord;
import io.elasticstream.placement.server.metrics.PlacementMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * PD's side of keeping sealed ranges whole and their history small ({@link RangeRepairer} runs the rounds
 * and the range servers' copies and checks). Planning ({@link #plan}, {@link #planCompaction}) reads
 * every stream and range record and runs on the repair thread, so it never holds up PD's owner thread
 * (100-350 ms at 100,000 streams on etcd); the writes ({@link #commit}, {@link #markVerified},
 * {@link #compact}) are short tasks on the owner thread, each guarded by what it read:
 * <ul>
 *   <li>{@link #plan}: the repairs of ranges with a dead or missing replica
 *       ({@link ReplicationAudit}), each with a target chosen by {@link RangePlacer}, and the checks of
 *       sealed ranges not yet verified, plus a slice of verified ones (a background scrub);</li>
 *   <li>{@link #commit} and {@link #markVerified}: record a repair's new replica, or checks' verdicts,
 *       if the range is still as planned (its record may have been rewritten meanwhile for another range
 *       of the same run, which does not matter);</li>
 *   <li>{@link #planCompaction} and {@link #compact}: merge runs of settled records
 *       ({@link RangeCompactor}).</li>
 * </ul>
 * Every write is PD's guarded transaction, so only the leader's lands.
 */
final class RangeMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(RangeMaintenance.class);

    /**
     * What a round does: repairs to copy, checks to ask the replicas; and the ranges each range server
     * holds as counted from the records read for it (with the repairs' targets), for {@link RangeCounts}.
     */
    record Plan(List<RangeRepair> repairs, List<RangeCheck> checks, Map<Integer, Integer> held) {
        Plan {
            repairs = List.copyOf(repairs);
            checks = List.copyOf(checks);
            held = Map.copyOf(held);
        }
    }

    /** Range records read and rewritten by one transaction when marking ranges verified. */
    static final int VERIFY_BATCH = 60;

    private final MetadataStore store;
    private final MetadataKeys keys;
    private final Liveness liveness;
    private final Liveness.Writer writer;
    private final PlacementMetrics metrics;
    private final int maxScrubs;
    /** The last range the scrub checked (the repair thread's: rounds never overlap); null before the first. */
    private RangeRecord scrubbedUpTo;

    RangeMaintenance(MetadataStore store, MetadataKeys keys, Liveness liveness, Liveness.Writer writer,
                     PlacementMetrics metrics, int maxScrubs) {
        this.store = store;
        this.keys = keys;
        this.liveness = liveness;
        this.writer = writer;
        this.metrics = metrics;
        this.maxScrubs = maxScrubs;
    }

    /** Every range record and stream, as of one revision. */
    private record Snapshot(Map<Long, StreamRecord> streams, List<StoredRanges.Stored> ranges, List<KeyValue> rangeKvs) {
        List<RangeRecord> records() {
            return ranges.stream().map(StoredRanges.Stored::range).toList();
        }
    }

    private Snapshot read() {
        List<List<KeyValue>> read = PlacementDriver.await(store.txn(Txn.builder()
                .success(Op.getPrefix(keys.streamsPrefix()), Op.getPrefix(keys.rangesPrefix())).build())).results();
        Map<Long, StreamRecord> streams = new HashMap<>();
        for (KeyValue kv : read.get(0)) {
            StreamRecord stream = Codecs.STREAM.decode(kv.value());
            streams.put(stream.streamId(), stream);
        }
        return new Snapshot(streams, StoredRanges.expand(read.get(1)), read.get(1));
    }

    /** Sealed ranges with data that fewer live servers hold than their stream's replica count. */
    List<UnderReplicatedRange> underReplicated() {
        Snapshot snapshot = read();
        return ReplicationAudit.underReplicated(snapshot.records(), snapshot.streams(),
                liveness.liveRangeServers().keySet());
    }

    /**
     * At most {@code maxRepairs} repairs (one per range: a range that lost two replicas gets its second
     * next round) and {@code maxChecks} checks, in stream then index order: of ranges not yet verified
     * first, then up to {@code maxScrubs} (a constructor argument) of verified ones ({@link #scrub}). A
     * range with no live replica, or no live server to take a copy, is left for later.
     */
    Plan plan(int maxRepairs, int maxChecks) {
        Snapshot snapshot = read();
        SortedMap<Integer, Liveness.LiveRangeServer> live = liveness.liveRangeServers();
        Map<Integer, Integer> held = RangeCounts.count(snapshot.records());
        List<RangeRepair> repairs = new ArrayList<>();
        List<RangeCheck> checks = new ArrayList<>();
        List<RangeCheck> scrubbable = new ArrayList<>();
        for (StoredRanges.Stored stored : snapshot.ranges()) {
            RangeRecord range = stored.range();
            StreamRecord stream = snapshot.streams().get(range.streamId());
            if (stream == null || !ReplicationAudit.holdsLiveData(range, stream)) {
                continue;
            }
            long copyEpoch = Math.max(range.epoch(), stream.epoch());
            UnderReplicatedRange under = ReplicationAudit.audit(range, stream, live.keySet());
            if (under == null) {
                RangeCheck check = new RangeCheck(range, stored.holder().key(), infos(range.replicaIds(), live),
                        copyEpoch);
                if (range.verified()) {
                    scrubbable.add(check);
                } else if (checks.size() < maxChecks) {
                    checks.add(check);
                }
                continue;
            }
            if (repairs.size() >= maxRepairs) {
                continue;
            }
            if (under.liveReplicaIds().isEmpty()) {
                LOG.warn("range {}/{} [{}, {}) has no live replica (all of {} are dead): it cannot be copied until one "
                        + "returns", range.streamId(), range.index(), range.startOffset(), range.endOffset(),
                        under.deadReplicaIds());
                continue;
            }
            List<RangePlacer.Candidate> free = live.values().stream()
                    .filter(server -> !range.replicaIds().contains(server.info().id()))
                    .map(server -> new RangePlacer.Candidate(server.info().id(),
                            held.getOrDefault(server.info().id(), 0), server.load().diskFreeBytes()))
                    .toList();
            if (free.isEmpty()) {
                LOG.debug("range {}/{}: no live range server without a replica of it", range.streamId(), range.index());
                continue;
            }
            int target = RangePlacer.choose(1, 1, free).getFirst();
            int replaced = under.deadReplicaIds().isEmpty() ? RangeRepair.ADD : under.deadReplicaIds().getFirst();
            held.merge(target, 1, Integer::sum); // planned: the next repair in this round goes elsewhere
            repairs.add(new RangeRepair(range, stored.holder().key(), replaced, live.get(target).info(),
                    infos(under.liveReplicaIds(), live), copyEpoch));
        }
        checks.addAll(scrub(scrubbable, Math.min(maxScrubs, maxChecks - checks.size())));
        return new Plan(repairs, checks, held);
    }

    /**
     * Up to {@code max} verified ranges to check again, the next ones after those of the previous round (in
     * stream then index order, wrapping around): a background scrub that finds a replica a live server lost
     * after its range was verified (a wiped disk re-registered under the same id), one slice a round.
     */
    private List<RangeCheck> scrub(List<RangeCheck> verified, int max) {
        List<RangeCheck> picked = nextSlice(verified, scrubbedUpTo, max);
        if (!picked.isEmpty()) {
            scrubbedUpTo = picked.getLast().range();
        }
        return picked;
    }

    /**
     * Up to {@code max} of {@code ordered} (in stream then index order), starting with the first after
     * {@code upTo} (from the start if none is, or {@code upTo} is null) and wrapping around. Pure.
     */
    static List<RangeCheck> nextSlice(List<RangeCheck> ordered, RangeRecord upTo, int max) {
        if (ordered.isEmpty() || max <= 0) {
            return List.of();
        }
        int from = 0;
        while (from < ordered.size() && !after(ordered.get(from).range(), upTo)) {
            from++;
        }
        List<RangeCheck> picked = new ArrayList<>();
        for (int i = 0; i < Math.min(max, ordered.size()); i++) {
            picked.add(ordered.get((from + i) % ordered.size()));
        }
        return picked;
    }

    /** Whether {@code range} comes after {@code mark} in stream then index order (any range, if no mark). */
    private static boolean after(RangeRecord range, RangeRecord mark) {
        return mark == null || range.streamId() > mark.streamId()
                || (range.streamId() == mark.streamId() && range.index() > mark.index());
    }

    private static List<RangeServerInfo> infos(List<Integer> ids, SortedMap<Integer, Liveness.LiveRangeServer> live) {
        return ids.stream().map(id -> live.get(id).info()).toList();
    }

    /**
     * Records the repair's target as a replica if the range is still as planned and the target still
     * lives at the address it copied to; false if not (the next round plans again). A repair completing
     * a short replica in place changes no record.
     */
    boolean commit(RangeRepair repair) {
        if (repair.inPlace()) {
            return true;
        }
        Liveness.LiveRangeServer target = liveness.liveRangeServers().get(repair.target().id());
        if (target == null || !target.info().equals(repair.target())) {
            return false; // died, or came back elsewhere (maybe with other disks), since the copy
        }
        RangeRecord range = repair.range();
        List<Integer> replicas = new ArrayList<>(range.replicaIds());
        if (repair.replacedId() == RangeRepair.ADD) {
            replicas.add(target.info().id());
        } else {
            replicas.set(replicas.indexOf(repair.replacedId()), target.info().id());
        }
        if (!rewrite("re-replicate " + repair, repair.holderKey(), range, range.withReplicas(replicas),
                List.of(Liveness.stillLive(target.aliveKey())))) {
            return false;
        }
        LOG.info("stream {}: range {} re-replicated: replicas {} -> {}", range.streamId(), range.index(),
                range.replicaIds(), replicas);
        return true;
    }

    /**
     * Marks the checked ranges verified where they are still as checked; returns how many. The records are
     * read and rewritten {@link #VERIFY_BATCH} at a time, each batch one transaction comparing every record
     * it rewrites; a batch that loses a race is left to the next round's checks.
     */
    int markVerified(List<RangeCheck> checks) {
        Map<String, List<RangeCheck>> byHolder = new LinkedHashMap<>();
        checks.forEach(check -> byHolder.computeIfAbsent(check.holderKey(), key -> new ArrayList<>()).add(check));
        List<String> holderKeys = new ArrayList<>(byHolder.keySet());
        int verified = 0;
        for (int from = 0; from < holderKeys.size(); from += VERIFY_BATCH) {
            List<String> batch = holderKeys.subList(from, Math.min(holderKeys.size(), from + VERIFY_BATCH));
            List<List<KeyValue>> read = PlacementDriver.await(store.txn(Txn.builder()
                    .success(batch.stream().map(Op::get).toList()).build())).results();
            List<Compare> compares = new ArrayList<>();
            List<Op> puts = new ArrayList<>();
            int marked = 0;
            for (int i = 0; i < batch.size(); i++) {
                if (read.get(i).isEmpty()) {
                    continue; // merged into another record, or trimmed away, meanwhile
                }
                KeyValue holder = read.get(i).getFirst();
                List<RangeRecord> run = new ArrayList<>(Codecs.RANGES.decode(holder.value()));
                int before = marked;
                for (RangeCheck check : byHolder.get(batch.get(i))) {
                    int at = run.indexOf(check.range());
                    if (at >= 0) {
                        run.set(at, check.range().asVerified());
                        marked++;
                    }
                }
                if (marked > before) {
                    compares.add(Compare.modRevision(holder.key(), holder.modRevision()));
                    puts.add(Op.put(holder.key(), Codecs.RANGES.encode(run)));
                }
            }
            if (puts.isEmpty()) {
                continue;
            }
            try {
                writer.write("verify " + marked + " ranges", compares, puts);
            } catch (PlacementDriver.TxnConflict conflict) {
                continue;
            }
            verified += marked;
            metrics.onRangesVerified(marked);
        }
        return verified;
    }

    /** Replaces {@code expected} by {@code updated} in the record at {@code holderKey}, if it is still there. */
    private boolean rewrite(String what, String holderKey, RangeRecord expected, RangeRecord updated,
                            List<Compare> alsoRequired) {
        Optional<KeyValue> holder = PlacementDriver.await(store.get(holderKey));
        if (holder.isEmpty() || StoredRanges.expand(List.of(holder.get())).stream()
                .noneMatch(stored -> stored.range().equals(expected))) {
            return false;
        }
        List<Compare> compares = new ArrayList<>(alsoRequired);
        compares.add(Compare.modRevision(holderKey, holder.get().modRevision()));
        try {
            writer.write(what, compares, List.of(StoredRanges.replace(holder.get(), updated)));
            return true;
        } catch (PlacementDriver.TxnConflict conflict) {
            return false;
        }
    }

    /**
     * The merges of settled range records to apply now, at most {@code maxMerges} (each one transaction),
     * as of one read of every record.
     */
    List<RangeCompactor.Merge> planCompaction(int maxMerges) {
        Snapshot snapshot = read();
        Map<Long, List<RangeCompactor.Held>> byStream = new HashMap<>();
        for (KeyValue kv : snapshot.rangeKvs()) {
            List<RangeRecord> run = Codecs.RANGES.decode(kv.value());
            byStream.computeIfAbsent(run.getFirst().streamId(), id -> new ArrayList<>())
                    .add(new RangeCompactor.Held(kv, run));
        }
        List<RangeCompactor.Merge> merges = new ArrayList<>();
        for (Map.Entry<Long, List<RangeCompactor.Held>> stream : byStream.entrySet()) {
            StreamRecord record = snapshot.streams().get(stream.getKey());
            if (record == null) {
                continue; // its topic is being deleted
            }
            for (RangeCompactor.Merge merge : RangeCompactor.plan(stream.getValue(), record)) {
                if (merges.size() >= maxMerges) {
                    return merges;
                }
                merges.add(merge);
            }
        }
        return merges;
    }

    /**
     * Applies the merges; returns how many records were merged away. A merge whose records changed since
     * they were read is left for the next round.
     */
    int compact(List<RangeCompactor.Merge> merges) {
        int removed = 0;
        for (RangeCompactor.Merge merge : merges) {
            if (apply(merge)) {
                removed += merge.records().size() - 1;
            }
        }
        return removed;
    }

    private boolean apply(RangeCompactor.Merge merge) {
        List<Compare> compares = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        KeyValue first = merge.records().getFirst();
        for (KeyValue kv : merge.records()) {
            compares.add(Compare.modRevision(kv.key(), kv.modRevision()));
            if (kv != first) {
                ops.add(Op.delete(kv.key()));
            }
        }
        ops.add(Op.put(first.key(), Codecs.RANGES.encode(merge.run())));
        RangeRecord from = merge.run().getFirst();
        String what = "compact ranges " + from.index() + ".." + merge.run().getLast().index() + " of stream "
                + from.streamId();
        try {
            writer.write(what, compares, ops);
        } catch (PlacementDriver.TxnConflict conflict) {
            return false;
        }
        metrics.onRangesCompacted(merge.records().size() - 1);
        LOG.info("{}: {} records -> 1", what, merge.records().size());
        return true;
    }
}
