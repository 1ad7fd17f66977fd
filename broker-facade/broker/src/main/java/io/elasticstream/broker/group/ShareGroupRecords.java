package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.broker.share.SharePartitionStateCodec;
import java.nio.ByteBuffer;
import org.apache.kafka.common.Uuid;

/**
 * The record of a KIP-932 share group in {@code __consumer_offsets}, in {@link GroupRecords}' format:
 *
 * <pre>
 * group key:   int16 type=11, string group
 * group value: int16 version=0, int32 groupEpoch
 * state key:   int16 type=12, string group, int64 topic id high, int64 topic id low, int32 partition
 * state value: a share-partition's state as {@link SharePartitionStateCodec} writes it
 * </pre>
 * Type 11 is the type Kafka gives its share-group metadata record. Members are not written: after a
 * coordinator move they are unknown there (UNKNOWN_MEMBER_ID) and rejoin, at an epoch above the one written.
 * The state records are the group's place in each partition (the role of Kafka's {@code __share_group_state}):
 * written by the partitions' leaders through the coordinator, the latest per key wins.
 */
final class ShareGroupRecords {
    static final short GROUP_KEY = 11;
    static final short STATE_KEY = 12;
    private static final short VERSION = 0;

    private ShareGroupRecords() {
    }

    /** A share group's epoch; {@code groupEpoch} null for a tombstone (the group was deleted). */
    record ShareGroupEpoch(String group, Integer groupEpoch) implements GroupRecords.Decoded {
    }

    /** The state of the group in one partition, with its leader epoch; {@code state} null for a tombstone. */
    record ShareStateRecord(String group, Uuid topicId, int partition, SharePartition.State state, int leaderEpoch)
            implements GroupRecords.Decoded {
    }

    static byte[] stateKey(String group, Uuid topicId, int partition) {
        byte[] name = GroupRecords.encodeString(group);
        return ByteBuffer.allocate(2 + name.length + 20).putShort(STATE_KEY).put(name)
                .putLong(topicId.getMostSignificantBits()).putLong(topicId.getLeastSignificantBits()).putInt(partition)
                .array();
    }

    /**
     * The record of the group's state in a partition, as {@code stored} says it (null: a tombstone, the state
     * deleted).
     */
    static KeyedRecordLog.Entry stateEntry(String group, GroupCoordinator.TopicIdPartitionKey partition,
                                           SharePartitionStateCodec.Stored stored) {
        return new KeyedRecordLog.Entry(stateKey(group, partition.topicId(), partition.partition()),
                stored == null ? null : SharePartitionStateCodec.encode(stored));
    }

    static byte[] groupKey(String group) {
        byte[] name = GroupRecords.encodeString(group);
        return ByteBuffer.allocate(2 + name.length).putShort(GROUP_KEY).put(name).array();
    }

    static byte[] groupValue(int groupEpoch) {
        return ByteBuffer.allocate(6).putShort(VERSION).putInt(groupEpoch).array();
    }

    /** Decodes a share-group record of {@code type} (its key's type already read). */
    static GroupRecords.Decoded decode(short type, ByteBuffer key, ByteBuffer value) {
        return type == STATE_KEY ? decodeState(key, value) : decodeGroup(key, value);
    }

    private static ShareStateRecord decodeState(ByteBuffer key, ByteBuffer value) {
        String group = GroupRecords.get(key);
        Uuid topicId = new Uuid(key.getLong(), key.getLong());
        int partition = key.getInt();
        if (value == null) {
            return new ShareStateRecord(group, topicId, partition, null, -1);
        }
        byte[] bytes = new byte[value.remaining()];
        value.get(bytes);
        SharePartitionStateCodec.Stored stored = SharePartitionStateCodec.decode(bytes);
        return new ShareStateRecord(group, topicId, partition, stored.state(), stored.leaderEpoch());
    }

    private static ShareGroupEpoch decodeGroup(ByteBuffer key, ByteBuffer value) {
        String group = GroupRecords.get(key);
        if (value == null) {
            return new ShareGroupEpoch(group, null);
        }
        short version = value.getShort();
        if (version != VERSION) {
            throw new IllegalStateException("unknown share group record version " + version);
        }
        return new ShareGroupEpoch(group, value.getInt());
    }
}
