package io.elasticstream.placement.api;

import java.util.List;
import java.util.Map;

/** A topic as PD knows it; {@code partitions} are ordered by partition number. */
public record TopicInfo(String name, TopicId topicId, Map<String, String> configs, List<PartitionInfo> partitions) {
    public TopicInfo {
        configs = Map.copyOf(configs);
        partitions = List.copyOf(partitions);
    }

    public int partitionCount() {
        return partitions.size();
    }
}
