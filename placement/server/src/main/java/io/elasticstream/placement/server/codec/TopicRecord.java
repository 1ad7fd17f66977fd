package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.TopicId;

import java.util.Map;

/** The value at {@code topics/<name>}: the topic's id, partition count and config overrides. */
public record TopicRecord(String name, TopicId topicId, int partitionCount, Map<String, String> configs) {
    public TopicRecord {
        configs = Map.copyOf(configs);
    }
}
