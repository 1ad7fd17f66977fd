package io.elasticstream.broker.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.broker.share.SharePartition.RecordState;
import io.elasticstream.broker.share.SharePartition.State;
import io.elasticstream.broker.share.SharePartition.StateBatch;
import io.elasticstream.broker.share.SharePartitionStateCodec.Stored;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.junit.jupiter.api.Test;

/** A share-partition's persisted state: written and read back the same, and anything else refused. */
class SharePartitionStateCodecTest {
    private static final State STATE = new State(10, List.of(new StateBatch(10, 12, RecordState.ACQUIRED, 1),
            new StateBatch(13, 13, RecordState.ARCHIVED, 5), new StateBatch(14, 20, RecordState.AVAILABLE, 2)));

    private static Stored roundTrip(Stored stored) {
        return SharePartitionStateCodec.decode(SharePartitionStateCodec.encode(stored));
    }

    @Test
    void aStateIsReadBackAsItWasWritten() {
        assertEquals(new Stored(STATE, 3), roundTrip(new Stored(STATE, 3)));
        Stored empty = new Stored(new State(0, List.of()), -1);
        assertEquals(empty, roundTrip(empty));
    }

    @Test
    void aVersion0ValueIsReadWithoutALeaderEpoch() {
        byte[] v1 = SharePartitionStateCodec.encode(new Stored(STATE, 3));
        ByteBuffer v0 = ByteBuffer.allocate(v1.length - 4).putShort((short) 0).put(v1, 6, v1.length - 6);
        assertEquals(new Stored(STATE, -1), SharePartitionStateCodec.decode(v0.array()));
    }

    @Test
    void aLiveSharePartitionSurvivesTheRoundTrip() {
        SharePartition p = new SharePartition(SharePartition.Limits.DEFAULTS, 0);
        p.acquire("m1", List.of(0L, 1L, 2L, 5L), 10, 0);
        p.acknowledge("m1", List.of(new SharePartition.Acknowledgement(0, 0, AcknowledgeType.ACCEPT)), 0);
        State state = p.snapshot();
        assertEquals(new Stored(state, 0), roundTrip(new Stored(state, 0)));
    }

    @Test
    void anythingElseIsRefusedWithWhatIsWrong() {
        byte[] good = SharePartitionStateCodec.encode(new Stored(STATE, 1));
        assertRefused(Arrays.copyOf(good, 5), "truncated");
        assertRefused(Arrays.copyOf(good, good.length - 1), "batch count 3 does not fit");
        assertRefused(Arrays.copyOf(good, good.length + 1), "1 bytes after the last batch");
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putShort(0, (short) 7);
        assertRefused(version, "unknown version 7");
        byte[] state = good.clone();
        state[2 + 4 + 8 + 4 + 16] = 3; // the first batch's state: no record state has id 3
        assertRefused(state, "batch 0 has unknown state 3");
        byte[] overlap = SharePartitionStateCodec.encode(new Stored(new State(10, List.of(
                new StateBatch(10, 12, RecordState.ACQUIRED, 1), new StateBatch(12, 13, RecordState.ARCHIVED, 1))), 1));
        assertRefused(overlap, "out of order, overlapping or below the start offset");
        byte[] count = good.clone();
        ByteBuffer.wrap(count).putInt(2 + 4 + 8, 1_000_000);
        assertRefused(count, "batch count 1000000 does not fit");
    }

    private static void assertRefused(byte[] value, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SharePartitionStateCodec.decode(value));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
