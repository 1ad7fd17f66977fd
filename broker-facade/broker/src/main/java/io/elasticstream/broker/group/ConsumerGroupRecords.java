package io.elasticstream.broker.group;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The records of KIP-848 consumer groups in {@code __consumer_offsets}, in {@link GroupRecords}' format
 * (big-endian; strings as int16 length, -1 for null, then UTF-8):
 *
 * <pre>
 * group key:    int16 type=3, string group
 * group value:  int16 version=0, int32 groupEpoch, int32 assignmentEpoch
 * member key:   int16 type=4, string group, string memberId
 * member value: int16 version=1, string instanceId, string rackId, string clientId, string clientHost,
 *               int32 rebalanceTimeoutMs, int32 count + strings subscribedTopicNames, string regex,
 *               string serverAssignor, int32 memberEpoch, int32 previousMemberEpoch, int8 state,
 *               assignment assigned, assignment pendingRevocation, assignment target,
 *               int32 topics, then per topic: int64 id high, int64 id low, int32 count + (int32 partition,
 *               int32 assignment epoch) pairs,
 *               int8 classic (1: a member speaking the classic protocol, then int32 sessionTimeoutMs,
 *               int32 count + (string name, int32 length + bytes metadata) protocols; version 0 ends before it)
 * assignment:   int32 topics, then per topic: int64 id high, int64 id low, int32 count + int32 partitions
 * </pre>
 * Every change of a group's epochs or of a member is written before it is answered, so a coordinator that
 * takes the partition over continues the group where it was: members keep their epochs and partitions.
 */
final class ConsumerGroupRecords {
    static final short GROUP_KEY = 3;
    static final short MEMBER_KEY = 4;
    private static final short GROUP_VERSION = 0;
    /** Version 1 added the classic member metadata; version 0 records are still read. */
    private static final short MEMBER_VERSION = 1;

    private ConsumerGroupRecords() {
    }

    /** A group's epochs; {@code value} null for a tombstone (the group was deleted or became classic). */
    record GroupEpochs(String group, Epochs value) implements GroupRecords.Decoded {
    }

    record Epochs(int groupEpoch, int assignmentEpoch) {
    }

    /** A member; {@code value} null for a tombstone (it left or was removed). */
    record MemberRecord(String group, String memberId, MemberValue value) implements GroupRecords.Decoded {
    }

    /** What a member's record holds: the member, and its target assignment. */
    record MemberValue(String instanceId, String rackId, String clientId, String clientHost, int rebalanceTimeoutMs,
                       List<String> subscribedTopicNames, String subscribedTopicRegex, String serverAssignor,
                       int memberEpoch, int previousMemberEpoch, ConsumerGroupMember.State state, Assignment assigned,
                       Assignment pendingRevocation, Assignment target,
                       Map<Uuid, Map<Integer, Integer>> assignmentEpochs, ClassicMemberMetadata classic) {
    }

    static byte[] groupKey(String group) {
        return write(out -> {
            out.writeShort(GROUP_KEY);
            string(out, group);
        });
    }

    static byte[] groupValue(Epochs e) {
        return write(out -> {
            out.writeShort(GROUP_VERSION);
            out.writeInt(e.groupEpoch());
            out.writeInt(e.assignmentEpoch());
        });
    }

    static byte[] memberKey(String group, String memberId) {
        return write(out -> {
            out.writeShort(MEMBER_KEY);
            string(out, group);
            string(out, memberId);
        });
    }

    static byte[] memberValue(MemberValue v) {
        return write(out -> {
            out.writeShort(MEMBER_VERSION);
            string(out, v.instanceId());
            string(out, v.rackId());
            string(out, v.clientId());
            string(out, v.clientHost());
            out.writeInt(v.rebalanceTimeoutMs());
            out.writeInt(v.subscribedTopicNames().size());
            for (String t : v.subscribedTopicNames()) {
                string(out, t);
            }
            string(out, v.subscribedTopicRegex());
            string(out, v.serverAssignor());
            out.writeInt(v.memberEpoch());
            out.writeInt(v.previousMemberEpoch());
            out.writeByte(v.state().ordinal());
            assignment(out, v.assigned());
            assignment(out, v.pendingRevocation());
            assignment(out, v.target());
            out.writeInt(v.assignmentEpochs().size());
            for (var e : new TreeMap<>(v.assignmentEpochs()).entrySet()) {
                out.writeLong(e.getKey().getMostSignificantBits());
                out.writeLong(e.getKey().getLeastSignificantBits());
                out.writeInt(e.getValue().size());
                for (var pe : new TreeMap<>(e.getValue()).entrySet()) {
                    out.writeInt(pe.getKey());
                    out.writeInt(pe.getValue());
                }
            }
            out.writeByte(v.classic() == null ? 0 : 1);
            if (v.classic() != null) {
                out.writeInt(v.classic().sessionTimeoutMs());
                out.writeInt(v.classic().protocols().size());
                for (ClassicMemberMetadata.Protocol p : v.classic().protocols()) {
                    string(out, p.name());
                    out.writeInt(p.metadata().length);
                    out.write(p.metadata());
                }
            }
        });
    }

    /** Decodes a record of type {@code type} (its key's type already read). */
    static GroupRecords.Decoded decode(short type, ByteBuffer key, ByteBuffer value) {
        String group = GroupRecords.get(key);
        if (type == GROUP_KEY) {
            if (value == null) {
                return new GroupEpochs(group, null);
            }
            checkVersion(value.getShort(), GROUP_VERSION);
            return new GroupEpochs(group, new Epochs(value.getInt(), value.getInt()));
        }
        String memberId = GroupRecords.get(key);
        if (value == null) {
            return new MemberRecord(group, memberId, null);
        }
        short version = value.getShort();
        checkVersion(version, MEMBER_VERSION);
        String instanceId = GroupRecords.get(value);
        String rackId = GroupRecords.get(value);
        String clientId = GroupRecords.get(value);
        String clientHost = GroupRecords.get(value);
        int rebalanceTimeoutMs = value.getInt();
        int n = value.getInt();
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(GroupRecords.get(value));
        }
        String regex = GroupRecords.get(value);
        String assignor = GroupRecords.get(value);
        int epoch = value.getInt();
        int previous = value.getInt();
        ConsumerGroupMember.State state = ConsumerGroupMember.State.values()[value.get()];
        Assignment assigned = assignment(value);
        Assignment revoking = assignment(value);
        Assignment target = assignment(value);
        Map<Uuid, Map<Integer, Integer>> epochs = new HashMap<>();
        int topics = value.getInt();
        for (int i = 0; i < topics; i++) {
            Uuid id = new Uuid(value.getLong(), value.getLong());
            int count = value.getInt();
            Map<Integer, Integer> ps = new HashMap<>();
            for (int j = 0; j < count; j++) {
                ps.put(value.getInt(), value.getInt());
            }
            epochs.put(id, Map.copyOf(ps));
        }
        ClassicMemberMetadata classic = version >= 1 && value.get() == 1 ? classic(value) : null;
        return new MemberRecord(group, memberId, new MemberValue(instanceId, rackId, clientId, clientHost,
                rebalanceTimeoutMs, List.copyOf(names), regex, assignor, epoch, previous, state, assigned, revoking,
                target, Map.copyOf(epochs), classic));
    }

    private static ClassicMemberMetadata classic(ByteBuffer value) {
        int sessionTimeoutMs = value.getInt();
        int n = value.getInt();
        List<ClassicMemberMetadata.Protocol> protocols = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String name = GroupRecords.get(value);
            byte[] metadata = new byte[value.getInt()];
            value.get(metadata);
            protocols.add(new ClassicMemberMetadata.Protocol(name, metadata));
        }
        return new ClassicMemberMetadata(sessionTimeoutMs, protocols);
    }

    private static void checkVersion(short version, short highest) {
        if (version < 0 || version > highest) {
            throw new IllegalStateException("unknown consumer group record version " + version);
        }
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeShort(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.write(b);
    }

    private static void assignment(DataOutputStream out, Assignment a) throws IOException {
        out.writeInt(a.partitions().size());
        for (var e : a.partitions().entrySet()) {
            out.writeLong(e.getKey().getMostSignificantBits());
            out.writeLong(e.getKey().getLeastSignificantBits());
            out.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                out.writeInt(p);
            }
        }
    }

    private static Assignment assignment(ByteBuffer b) {
        Assignment.Builder a = Assignment.builder();
        int topics = b.getInt();
        for (int i = 0; i < topics; i++) {
            Uuid id = new Uuid(b.getLong(), b.getLong());
            int n = b.getInt();
            for (int j = 0; j < n; j++) {
                a.add(id, b.getInt());
            }
        }
        return a.build();
    }
}
