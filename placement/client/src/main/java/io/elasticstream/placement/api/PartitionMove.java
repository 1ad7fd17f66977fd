package io.elasticstream.placement.api;

/**
 * A planned ownership move: partition {@code partition} of topic {@code topic} is to be owned by broker
 * {@code targetBrokerId}.
 */
public record PartitionMove(String topic, int partition, int targetBrokerId) {
    public PartitionMove {
        if (topic == null) {
            throw new IllegalArgumentException("topic must not be null");
        }
    }
}
