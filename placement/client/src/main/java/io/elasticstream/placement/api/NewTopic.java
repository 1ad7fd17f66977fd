package io.elasticstream.placement.api;

import java.util.Map;

/** A topic to create. {@code configs} are topic-level overrides only, already validated. */
public record NewTopic(String name, int partitionCount, Map<String, String> configs) {
    public NewTopic {
        configs = Map.copyOf(configs);
    }
}
