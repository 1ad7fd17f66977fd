package io.elasticstream.broker.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's default {@code uniform} assignor: partitions spread as evenly as the subscriptions allow, and
 * sticky, so a rebalance moves as few partitions as it can. Steps:
 * <ol>
 *   <li>every member keeps the partitions it has that it still subscribes to (a partition two members claim
 *       stays with the first by member id);
 *   <li>the partitions nobody has go, topic by topic, to the subscribed member with the fewest partitions;
 *   <li>while a member has two or more partitions more than another member subscribed to one of them, one
 *       of those partitions moves to the lighter member.
 * </ol>
 * With identical subscriptions every member ends with ⌊P/M⌋ or ⌈P/M⌉ partitions.
 */
final class UniformAssignor implements ConsumerAssignor {
    static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    private record TP(Uuid topic, int partition) {
    }

    @Override
    public Map<String, Assignment> assign(Map<String, MemberSpec> members, TopicImage topics) {
        TreeMap<String, MemberSpec> sorted = new TreeMap<>(members);
        Map<String, Set<TP>> owned = new HashMap<>();
        Map<TP, String> ownerOf = new HashMap<>();
        sorted.keySet().forEach(id -> owned.put(id, new HashSet<>()));
        // 1. stickiness
        sorted.forEach((id, m) -> m.current().forEach((t, p) -> {
            TopicImage.Topic topic = topics.byId().get(t);
            TP tp = new TP(t, p);
            if (topic != null && p < topic.partitions() && m.topics().contains(t) && !ownerOf.containsKey(tp)) {
                ownerOf.put(tp, id);
                owned.get(id).add(tp);
            }
        }));
        // 2. the free partitions, to the lightest subscriber
        Map<Uuid, List<String>> subscribers = new TreeMap<>();
        sorted.forEach((id, m) -> m.topics().forEach(t -> subscribers.computeIfAbsent(t, k -> new ArrayList<>()).add(id)));
        Comparator<String> lightest = Comparator.<String>comparingInt(id -> owned.get(id).size())
                .thenComparing(Comparator.naturalOrder());
        subscribers.forEach((t, ids) -> {
            TopicImage.Topic topic = topics.byId().get(t);
            if (topic == null) {
                return;
            }
            for (int p = 0; p < topic.partitions(); p++) {
                TP tp = new TP(t, p);
                if (!ownerOf.containsKey(tp)) {
                    String to = ids.stream().min(lightest).orElseThrow();
                    ownerOf.put(tp, to);
                    owned.get(to).add(tp);
                }
            }
        });
        // 3. balance: move from the heaviest to a lighter subscriber while that narrows the gap
        boolean moved = true;
        for (int round = 0; moved && round < ownerOf.size() + 1; round++) {
            moved = false;
            List<String> byLoad = new ArrayList<>(sorted.keySet());
            byLoad.sort(lightest.reversed());
            for (String heavy : byLoad) {
                TP move = null;
                String to = null;
                for (TP tp : owned.get(heavy).stream().sorted(Comparator.comparing(TP::topic)
                        .thenComparing(TP::partition, Comparator.reverseOrder())).toList()) {
                    String candidate = subscribers.getOrDefault(tp.topic(), List.of()).stream()
                            .filter(id -> owned.get(id).size() + 1 < owned.get(heavy).size()).min(lightest).orElse(null);
                    if (candidate != null) {
                        move = tp;
                        to = candidate;
                        break;
                    }
                }
                if (move != null) {
                    owned.get(heavy).remove(move);
                    owned.get(to).add(move);
                    moved = true;
                    break;
                }
            }
        }
        Map<String, Assignment> result = new HashMap<>();
        owned.forEach((id, tps) -> {
            Assignment.Builder b = Assignment.builder();
            tps.forEach(tp -> b.add(tp.topic(), tp.partition()));
            result.put(id, b.build());
        });
        return result;
    }
}
