package io.elasticstream.broker.group;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * The topics as the coordinator last saw them: what consumer groups subscribe to (by name or regular
 * expression) and assign (by id). Immutable; a newer image replaces it whole.
 */
public record TopicImage(Map<String, Topic> byName, Map<Uuid, Topic> byId) {
    /** One topic: its id, name and partition count. */
    public record Topic(Uuid id, String name, int partitions) {
    }

    public static final TopicImage EMPTY = new TopicImage(Map.of(), Map.of());

    public static TopicImage of(Collection<Topic> topics) {
        Map<String, Topic> byName = new HashMap<>();
        Map<Uuid, Topic> byId = new HashMap<>();
        for (Topic t : topics) {
            byName.put(t.name(), t);
            byId.put(t.id(), t);
        }
        return new TopicImage(Map.copyOf(byName), Map.copyOf(byId));
    }
}
