package io.elasticstream.broker.group;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import org.apache.kafka.common.Uuid;

/**
 * A set of partitions named by topic id, as KIP-848 assigns them: immutable, ordered (topic id, then
 * partition) so that answers and logs are stable. The set algebra is what reconciliation needs.
 */
final class Assignment {
    static final Assignment EMPTY = new Assignment(new TreeMap<>());

    private final Map<Uuid, Set<Integer>> partitions;

    private Assignment(TreeMap<Uuid, Set<Integer>> partitions) {
        this.partitions = Collections.unmodifiableMap(partitions);
    }

    /** A builder: add partitions, then {@link #build}. */
    static final class Builder {
        private final TreeMap<Uuid, Set<Integer>> partitions = new TreeMap<>();

        Builder add(Uuid topicId, int partition) {
            partitions.computeIfAbsent(topicId, t -> new TreeSet<>()).add(partition);
            return this;
        }

        Builder addAll(Assignment other) {
            other.forEach(this::add);
            return this;
        }

        boolean isEmpty() {
            return partitions.isEmpty();
        }

        Assignment build() {
            if (partitions.isEmpty()) {
                return EMPTY;
            }
            TreeMap<Uuid, Set<Integer>> copy = new TreeMap<>();
            partitions.forEach((t, ps) -> copy.put(t, Collections.unmodifiableSet(new TreeSet<>(ps))));
            return new Assignment(copy);
        }
    }

    static Builder builder() {
        return new Builder();
    }

    Map<Uuid, Set<Integer>> partitions() {
        return partitions;
    }

    boolean contains(Uuid topicId, int partition) {
        Set<Integer> ps = partitions.get(topicId);
        return ps != null && ps.contains(partition);
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    int size() {
        return partitions.values().stream().mapToInt(Set::size).sum();
    }

    void forEach(BiConsumer<Uuid, Integer> action) {
        partitions.forEach((t, ps) -> ps.forEach(p -> action.accept(t, p)));
    }

    /** The partitions of this one that {@code keep} accepts. */
    Assignment filter(BiPredicate<Uuid, Integer> keep) {
        Builder b = builder();
        forEach((t, p) -> {
            if (keep.test(t, p)) {
                b.add(t, p);
            }
        });
        return b.build();
    }

    Assignment intersect(Assignment other) {
        return filter(other::contains);
    }

    Assignment minus(Assignment other) {
        return filter((t, p) -> !other.contains(t, p));
    }

    Assignment plus(Assignment other) {
        return builder().addAll(this).addAll(other).build();
    }

    /** Whether any partition of this one is in {@code other}. */
    boolean overlaps(Assignment other) {
        for (Map.Entry<Uuid, Set<Integer>> e : partitions.entrySet()) {
            for (int p : e.getValue()) {
                if (other.contains(e.getKey(), p)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Assignment a && a.partitions.equals(partitions);
    }

    @Override
    public int hashCode() {
        return partitions.hashCode();
    }

    @Override
    public String toString() {
        return partitions.toString();
    }
}
