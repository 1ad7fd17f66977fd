package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.TopicId;

/**
 * The value at {@code streams/<id>}: writer epoch, trim point, replication settings, and the
 * partition the stream backs ({@code topicId}, {@code partition}), so an epoch bump can update the
 * partition's leader epoch in the same transaction.
 */
public record StreamRecord(long streamId, long epoch, long startOffset, int replicaCount, int ackCount,
                           TopicId topicId, int partition) {

    public StreamRecord withEpoch(long newEpoch) {
        return new StreamRecord(streamId, newEpoch, startOffset, replicaCount, ackCount, topicId, partition);
    }

    public StreamRecord withStartOffset(long newStartOffset) {
        return new StreamRecord(streamId, epoch, newStartOffset, replicaCount, ackCount, topicId, partition);
    }
}
