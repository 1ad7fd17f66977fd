package io.elasticstream.broker.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * Kafka's {@code range} assignor: for each topic, the members subscribed to it in member-id order take
 * consecutive ranges of its partitions, the first {@code partitions % members} one more. Members that
 * subscribe to the same co-partitioned topics get the same partition numbers of each.
 */
final class RangeAssignor implements ConsumerAssignor {
    static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Assignment> assign(Map<String, MemberSpec> members, TopicImage topics) {
        Map<Uuid, List<String>> subscribers = new TreeMap<>();
        new TreeMap<>(members).forEach((id, m) -> m.topics().forEach(t ->
                subscribers.computeIfAbsent(t, k -> new ArrayList<>()).add(id)));
        Map<String, Assignment.Builder> out = new HashMap<>();
        members.keySet().forEach(id -> out.put(id, Assignment.builder()));
        subscribers.forEach((topicId, ids) -> {
            TopicImage.Topic topic = topics.byId().get(topicId);
            if (topic == null) {
                return;
            }
            int per = topic.partitions() / ids.size();
            int extra = topic.partitions() % ids.size();
            int next = 0;
            for (int i = 0; i < ids.size(); i++) {
                int count = per + (i < extra ? 1 : 0);
                for (int p = next; p < next + count; p++) {
                    out.get(ids.get(i)).add(topicId, p);
                }
                next += count;
            }
        });
        Map<String, Assignment> result = new HashMap<>();
        out.forEach((id, b) -> result.put(id, b.build()));
        return result;
    }
}
