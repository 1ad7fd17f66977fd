package io.elasticstream.broker.group;

import java.nio.ByteBuffer;

/**
 * The record of a KIP-932 share group in {@code __consumer_offsets}, in {@link GroupRecords}' format:
 *
 * <pre>
 * group key:   int16 type=11, string group
 * group value: int16 version=0, int32 groupEpoch
 * </pre>
 * Type 11 is the type Kafka gives its share-group metadata record. Members are not written: after a
 * coordinator move they are unknown there (UNKNOWN_MEMBER_ID) and rejoin, at an epoch above the one written.
 */
final class ShareGroupRecords {
    static final short GROUP_KEY = 11;
    private static final short VERSION = 0;

    private ShareGroupRecords() {
    }

    /** A share group's epoch; {@code groupEpoch} null for a tombstone (the group was deleted). */
    record ShareGroupEpoch(String group, Integer groupEpoch) implements GroupRecords.Decoded {
    }

    static byte[] groupKey(String group) {
        byte[] name = GroupRecords.encodeString(group);
        return ByteBuffer.allocate(2 + name.length).putShort(GROUP_KEY).put(name).array();
    }

    static byte[] groupValue(int groupEpoch) {
        return ByteBuffer.allocate(6).putShort(VERSION).putInt(groupEpoch).array();
    }

    /** Decodes a share-group record (its key's type already read). */
    static ShareGroupEpoch decode(ByteBuffer key, ByteBuffer value) {
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
