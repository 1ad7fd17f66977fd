package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.RangeRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Range records as stored under {@code ranges/}: each key holds a run of consecutive ranges of one stream
 * under the key of its first index ({@link Codecs#RANGES}). A run is a single range until
 * {@link RangeCompactor} merges old history. Every reader expands the runs here, and every change of one
 * range rewrites its holder through {@link #replace}, guarded by the holder's revision.
 */
final class StoredRanges {
    private StoredRanges() {
    }

    /** One range and the key-value that holds it (alone or in a run). */
    record Stored(RangeRecord range, KeyValue holder) {
    }

    /** Every range the key-values hold, in their (key, then index) order. */
    static List<Stored> expand(List<KeyValue> kvs) {
        List<Stored> stored = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            for (RangeRecord range : Codecs.RANGES.decode(kv.value())) {
                stored.add(new Stored(range, kv));
            }
        }
        return stored;
    }

    /** Every range the key-values hold, in their (key, then index) order. */
    static List<RangeRecord> ranges(List<KeyValue> kvs) {
        List<RangeRecord> ranges = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            ranges.addAll(Codecs.RANGES.decode(kv.value()));
        }
        return ranges;
    }

    /** The range {@code index} among one stream's key-values, if they hold it. */
    static Optional<Stored> find(List<KeyValue> streamKvs, int index) {
        return expand(streamKvs).stream().filter(s -> s.range().index() == index).findFirst();
    }

    /** Writes {@code updated} in place of the range with its index in {@code holder}'s run. */
    static Op replace(KeyValue holder, RangeRecord updated) {
        List<RangeRecord> run = new ArrayList<>(Codecs.RANGES.decode(holder.value()));
        int at = updated.index() - run.getFirst().index();
        Checks.state(at >= 0 && at < run.size() && run.get(at).streamId() == updated.streamId(),
                "range %s/%s is not in the run at %s", updated.streamId(), updated.index(), holder.key());
        run.set(at, updated);
        return Op.put(holder.key(), Codecs.RANGES.encode(run));
    }

    /** The put that stores {@code range} alone under {@code key}. */
    static Op single(String key, RangeRecord range) {
        return Op.put(key, Codecs.RANGES.encode(List.of(range)));
    }
}
