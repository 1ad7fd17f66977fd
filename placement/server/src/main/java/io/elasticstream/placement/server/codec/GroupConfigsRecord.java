package io.elasticstream.placement.server.codec;

import java.util.Map;

/** The value at {@code group-configs/<groupId>}: the group's dynamic config overrides (never empty). */
public record GroupConfigsRecord(String groupId, Map<String, String> configs) {
    public GroupConfigsRecord {
        configs = Map.copyOf(configs);
    }
}
