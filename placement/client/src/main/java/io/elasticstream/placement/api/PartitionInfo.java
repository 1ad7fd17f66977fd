package io.elasticstream.placement.api;

/**
 * One Kafka partition: the stream holding its records, the broker that owns (writes) it, and the
 * leader epoch, which equals the stream epoch of its latest writer.
 */
public record PartitionInfo(String topic, TopicId topicId, int partition, long streamId, int ownerBrokerId,
                            int leaderEpoch) {
}
