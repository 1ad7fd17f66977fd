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
 * </pre>
 * Group values record the last completed generation only, not the members: members re-join after a
 * coordinator move, as their sessions cannot be carried over anyway. Types 3 and 4 are KIP-848 consumer
 * groups and their members ({@link ConsumerGroupRecords}), types 11 and 12 KIP-932 share groups
 * and their state in each partition ({@link ShareGroupRecords}).
 */
public final class GroupRecords {
    static final short OFFSET_KEY = 1;
    static final short GROUP_KEY = 2;
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
    public sealed interface Decoded permits OffsetRecord, GroupRecord, ConsumerGroupRecords.GroupEpochs,
            ConsumerGroupRecords.MemberRecord, ShareGroupRecords.ShareGroupEpoch,
            ShareGroupRecords.ShareStateRecord {
    }

    public record OffsetRecord(String group, String topic, int partition, OffsetValue value) implements Decoded {
    }

    public record GroupRecord(String group, GroupValue value) implements Decoded {
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
            case ConsumerGroupRecords.GROUP_KEY, ConsumerGroupRecords.MEMBER_KEY -> {
                return ConsumerGroupRecords.decode(type, key, value);
            }
            case ShareGroupRecords.GROUP_KEY, ShareGroupRecords.STATE_KEY -> {
                return ShareGroupRecords.decode(type, key, value);
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

    /** A string in this format. */
    static byte[] encodeString(String s) {
        ByteBuffer b = ByteBuffer.allocate(size(s));
        put(b, s);
        return b.array();
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

    /** A string in this format, read from {@code b}. */
    static String get(ByteBuffer b) {
        short len = b.getShort();
        if (len < 0) {
            return null;
        }
        byte[] bytes = new byte[len];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
