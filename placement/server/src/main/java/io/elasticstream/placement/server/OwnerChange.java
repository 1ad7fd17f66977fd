package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.metadata.Compare;
import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import io.elasticstream.placement.metadata.Op;
import io.elasticstream.placement.server.codec.Codecs;
import io.elasticstream.placement.server.codec.StreamRecord;

import java.util.Collection;
import java.util.List;

/**
 * One partition's move to a new owner, as transaction parts: the stream epoch, and so the leader epoch,
 * rises by one (fencing the old owner at PD and at the range servers), and the partition record names
 * the new owner. The compares hold only if neither record changed since it was read and the new owner
 * is still live. Shared by {@link BrokerFailover} (moves off dead brokers) and {@link PlannedMoves}
 * (moves an operator asked for). Pure.
 */
final class OwnerChange {
    private OwnerChange() {
    }

    /**
     * Adds the compares and puts that move {@code partition} (read as {@code partitionKv}, its stream
     * as {@code streamKv}) to {@code newOwner}, whose liveness key is {@code newOwnerAliveKey}; returns
     * the partition as it will be.
     */
    static PartitionInfo add(KeyValue partitionKv, PartitionInfo partition, KeyValue streamKv, int newOwner,
                             String newOwnerAliveKey, Collection<Compare> compares, List<Op> ops) {
        StreamRecord stream = Codecs.STREAM.decode(streamKv.value());
        long newEpoch = stream.epoch() + 1;
        Checks.state(newEpoch <= Integer.MAX_VALUE, "stream %d: epoch %d exhausted", stream.streamId(), stream.epoch());
        PartitionInfo moved = new PartitionInfo(partition.topic(), partition.topicId(), partition.partition(),
                partition.streamId(), newOwner, (int) newEpoch);
        compares.add(Compare.modRevision(partitionKv.key(), partitionKv.modRevision()));
        compares.add(Compare.modRevision(streamKv.key(), streamKv.modRevision()));
        compares.add(Liveness.stillLive(newOwnerAliveKey));
        ops.add(Op.put(streamKv.key(), Codecs.STREAM.encode(stream.withEpoch(newEpoch))));
        ops.add(Op.put(partitionKv.key(), Codecs.PARTITION.encode(moved)));
        return moved;
    }
}
