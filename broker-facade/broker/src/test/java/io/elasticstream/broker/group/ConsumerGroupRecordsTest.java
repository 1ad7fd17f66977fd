package io.elasticstream.broker.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The member record of a consumer group: what is written is read back, and records of the version before still read. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ConsumerGroupRecordsTest {
    private static final Uuid TOPIC = Uuid.randomUuid();

    @Test
    void aClassicMembersMetadataIsReadBackAsWritten() {
        ConsumerGroupRecords.MemberValue v = value(new ClassicMemberMetadata(10_000, List.of(
                new ClassicMemberMetadata.Protocol("range", new byte[] {1, 2, 3}),
                new ClassicMemberMetadata.Protocol("cooperative-sticky", new byte[0]))));
        assertEquals(v, decode(ConsumerGroupRecords.memberValue(v)));
    }

    @Test
    void aMemberRecordOfVersionZeroIsReadAsAMemberUsingTheConsumerProtocol() {
        ConsumerGroupRecords.MemberValue v = value(null);
        byte[] written = ConsumerGroupRecords.memberValue(v);
        ByteBuffer v0 = ByteBuffer.allocate(written.length - 1).put(written, 0, written.length - 1).flip();
        v0.putShort(0, (short) 0); // version 0 ended before the classic metadata flag
        ConsumerGroupRecords.MemberValue read = decode(v0.array());
        assertEquals(v, read);
        assertNull(read.classic());
    }

    private static ConsumerGroupRecords.MemberValue value(ClassicMemberMetadata classic) {
        Assignment assigned = Assignment.builder().add(TOPIC, 0).add(TOPIC, 1).build();
        return new ConsumerGroupRecords.MemberValue("instance", null, "client", "/127.0.0.1", 30_000,
                List.of("orders"), null, null, 3, 2, ConsumerGroupMember.State.STABLE, assigned, Assignment.EMPTY,
                assigned, Map.of(TOPIC, Map.of(0, 2, 1, 3)), classic);
    }

    private static ConsumerGroupRecords.MemberValue decode(byte[] value) {
        GroupRecords.Decoded d = GroupRecords.decode(ByteBuffer.wrap(ConsumerGroupRecords.memberKey("g", "m")),
                ByteBuffer.wrap(value));
        return ((ConsumerGroupRecords.MemberRecord) d).value();
    }
}
