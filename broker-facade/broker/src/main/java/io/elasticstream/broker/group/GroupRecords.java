package io.elasticstream.broker.group;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The records the coordinator writes to {@code __consumer_offsets}: ordinary Kafka v2 batches whose
 * records carry a key and a value in this format (big-endian; a string is an int16 length, -1 for
 * null, then UTF-8 bytes). A record with a null value is a tombstone for its key; the latest record
 * per key wins on replay, so the topic can be compacted.
 *
 * <pre>
 * offset key:   int16 type=1, string group, string topic, int32 partition
 * offset value: int16 version=0, int64 offset, int32 leaderEpoch, string metadata, int64 commitTimestampMs
 * group key:    int16 type=2, string group
 * group value:  int16 version=0, string protocolType, int32 generation, string protocolName,
 *               string leader, int64 timestampMs
 * consumer key:   int16 type=3, string group
 * consumer value: int16 version=0, int32 groupEpoch
 * </pre>
 * Group values record the last completed generation only, not the members: members re-join after a
 * coordinator move, as their sessions cannot be carried over anyway. A consumer key marks a KIP-848
 * consumer group (written when it is created; its tombstone when it is deleted or converted back to a
 * classic group), so that after a move its members are told UNKNOWN_MEMBER_ID and rejoin, as from Kafka.
 */
public final class GroupRecords {
    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
    static final short CONSUMER_GROUP_KEY = 3;
    private static final short VALUE_VERSION = 0;

    private GroupRecords() {
    }

    /** A committed offset. */
    public record OffsetValue(long offset, int leaderEpoch, String metadata, long commitTimestampMs) {
    }

    /** The last generation of a group. */
    public record GroupValue(String protocolType, int generation, String protocolName, String leader,
                             long timestampMs) {
    }

    /** A decoded record: exactly one of the key kinds; value null for a tombstone. */
    public sealed interface Decoded {
    }

    public record OffsetRecord(String group, String topic, int partition, OffsetValue value) implements Decoded {
    }

    public record GroupRecord(String group, GroupValue value) implements Decoded {
    }

    /** A KIP-848 consumer group and its epoch when written; {@code groupEpoch} null for a tombstone. */
    public record ConsumerGroupRecord(String group, Integer groupEpoch) implements Decoded {
    }

    static byte[] consumerGroupKey(String group) {
        ByteBuffer b = ByteBuffer.allocate(2 + size(group));
        b.putShort(CONSUMER_GROUP_KEY);
        put(b, group);
        return b.array();
    }

    static byte[] consumerGroupValue(int groupEpoch) {
        return ByteBuffer.allocate(2 + 4).putShort(VALUE_VERSION).putInt(groupEpoch).array();
    }

    static byte[] offsetKey(String group, String topic, int partition) {
        ByteBuffer b = ByteBuffer.allocate(2 + size(group) + size(topic) + 4);
        b.putShort(OFFSET_KEY);
        put(b, group);
        put(b, topic);
        b.putInt(partition);
        return b.array();
    }

    static byte[] offsetValue(OffsetValue v) {
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + 4 + size(v.metadata()) + 8);
        b.putShort(VALUE_VERSION).putLong(v.offset()).putInt(v.leaderEpoch());
        put(b, v.metadata());
        b.putLong(v.commitTimestampMs());
        return b.array();
    }

    static byte[] groupKey(String group) {
        ByteBuffer b = ByteBuffer.allocate(2 + size(group));
        b.putShort(GROUP_KEY);
        put(b, group);
        return b.array();
    }

    static byte[] groupValue(GroupValue v) {
        ByteBuffer b = ByteBuffer.allocate(2 + size(v.protocolType()) + 4 + size(v.protocolName())
                + size(v.leader()) + 8);
        b.putShort(VALUE_VERSION);
        put(b, v.protocolType());
        b.putInt(v.generation());
        put(b, v.protocolName());
        put(b, v.leader());
        b.putLong(v.timestampMs());
        return b.array();
    }

    /** Decodes one record; null for a key type this version does not know (skipped on replay). */
    static Decoded decode(ByteBuffer key, ByteBuffer value) {
        short type = key.getShort();
        switch (type) {
            case OFFSET_KEY -> {
                String group = get(key);
                String topic = get(key);
                int partition = key.getInt();
                OffsetValue v = null;
                if (value != null) {
                    checkVersion(value.getShort());
                    v = new OffsetValue(value.getLong(), value.getInt(), get(value), value.getLong());
                }
                return new OffsetRecord(group, topic, partition, v);
            }
            case GROUP_KEY -> {
                String group = get(key);
                GroupValue v = null;
                if (value != null) {
                    checkVersion(value.getShort());
                    v = new GroupValue(get(value), value.getInt(), get(value), get(value), value.getLong());
                }
                return new GroupRecord(group, v);
            }
            case CONSUMER_GROUP_KEY -> {
                String group = get(key);
                Integer epoch = null;
                if (value != null) {
                    checkVersion(value.getShort());
                    epoch = value.getInt();
                }
                return new ConsumerGroupRecord(group, epoch);
            }
            default -> {
                return null;
            }
        }
    }

    private static void checkVersion(short version) {
        if (version != VALUE_VERSION) {
            throw new IllegalStateException("unknown __consumer_offsets value version " + version);
        }
    }

    private static int size(String s) {
        return 2 + (s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length);
    }

    private static void put(ByteBuffer b, String s) {
        if (s == null) {
            b.putShort((short) -1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) bytes.length);
        b.put(bytes);
    }

    private static String get(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
