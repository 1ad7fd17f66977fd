package io.elasticstream.broker.api;

import io.elasticstream.broker.share.SharePartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ReadShareGroupStateResponseData;
import org.apache.kafka.common.message.WriteShareGroupStateRequestData;

/**
 * A share-partition's state in Kafka's share-state messages (ReadShareGroupState, WriteShareGroupState), which
 * brokers send each other: a partition's leader reads and writes it at the group's coordinator.
 */
final class ShareStateMessages {
    private ShareStateMessages() {
    }

    static List<WriteShareGroupStateRequestData.StateBatch> writeBatches(SharePartition.State state) {
        List<WriteShareGroupStateRequestData.StateBatch> out = new ArrayList<>();
        state.batches().forEach(b -> out.add(new WriteShareGroupStateRequestData.StateBatch()
                .setFirstOffset(b.firstOffset()).setLastOffset(b.lastOffset()).setDeliveryState(b.state().id)
                .setDeliveryCount((short) b.deliveryCount())));
        return out;
    }

    static SharePartition.State fromWrite(WriteShareGroupStateRequestData.PartitionData p) {
        List<SharePartition.StateBatch> batches = new ArrayList<>();
        p.stateBatches().forEach(b -> batches.add(new SharePartition.StateBatch(b.firstOffset(), b.lastOffset(),
                SharePartition.RecordState.forId(b.deliveryState()), b.deliveryCount())));
        return new SharePartition.State(p.startOffset(), batches);
    }

    static List<ReadShareGroupStateResponseData.StateBatch> readBatches(SharePartition.State state) {
        List<ReadShareGroupStateResponseData.StateBatch> out = new ArrayList<>();
        state.batches().forEach(b -> out.add(new ReadShareGroupStateResponseData.StateBatch()
                .setFirstOffset(b.firstOffset()).setLastOffset(b.lastOffset()).setDeliveryState(b.state().id)
                .setDeliveryCount((short) b.deliveryCount())));
        return out;
    }

    /** The state in a read answer; null when none was written (start offset -1). */
    static SharePartition.State fromRead(ReadShareGroupStateResponseData.PartitionResult p) {
        if (p.startOffset() < 0) {
            return null;
        }
        List<SharePartition.StateBatch> batches = new ArrayList<>();
        p.stateBatches().forEach(b -> batches.add(new SharePartition.StateBatch(b.firstOffset(), b.lastOffset(),
                SharePartition.RecordState.forId(b.deliveryState()), b.deliveryCount())));
        return new SharePartition.State(p.startOffset(), batches);
    }
}
