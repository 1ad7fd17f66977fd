package io.elasticstream.broker.txn;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The records the transaction coordinator writes to {@code __transaction_state}: ordinary v2 batches whose
 * records have a key and a value in this format (big-endian; a string is an int16 length, -1 for null,
 * then UTF-8 bytes). The latest record per key wins on replay; a null value is a tombstone (an expired id).
 *
 * <pre>
 * key:   int16 version=0, string transactionalId
 * value: int16 version=0, int64 producerId, int64 prevProducerId, int64 nextProducerId, int16 epoch,
 *        int16 lastEpoch, int32 timeoutMs, int8 state (TxnState ordinal), int32 count, count x
 *        (string topic, int32 partition), int64 txnStartMs, int64 lastUpdateMs, int8 v2 (0/1)
 * </pre>
 */
public final class TxnRecords {
    private static final short VERSION = 0;

    private TxnRecords() {
    }

    static byte[] key(String transactionalId) {
        ByteBuffer b = ByteBuffer.allocate(2 + size(transactionalId));
        b.putShort(VERSION);
        put(b, transactionalId);
        return b.array();
    }

    static byte[] value(TxnMetadata m) {
        int size = 2 + 8 + 8 + 8 + 2 + 2 + 4 + 1 + 4 + 8 + 8 + 1;
        for (TopicPartition tp : m.partitions()) {
            size += size(tp.topic()) + 4;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort(VERSION).putLong(m.producerId()).putLong(m.prevProducerId()).putLong(m.nextProducerId())
                .putShort(m.epoch()).putShort(m.lastEpoch()).putInt(m.timeoutMs()).put((byte) m.state().ordinal())
                .putInt(m.partitions().size());
        for (TopicPartition tp : m.partitions()) {
            put(b, tp.topic());
            b.putInt(tp.partition());
        }
        b.putLong(m.txnStartMs()).putLong(m.lastUpdateMs()).put((byte) (m.v2() ? 1 : 0));
        return b.array();
    }

    /** The transactional id of a key. */
    static String decodeKey(ByteBuffer key) {
        short version = key.getShort();
        if (version != VERSION) {
            throw new IllegalStateException("unknown __transaction_state key version " + version);
        }
        return get(key);
    }

    /** The metadata of a value (null for a tombstone). */
    static TxnMetadata decodeValue(String transactionalId, ByteBuffer value) {
        if (value == null) {
            return null;
        }
        short version = value.getShort();
        if (version != VERSION) {
            throw new IllegalStateException("unknown __transaction_state value version " + version);
        }
        long producerId = value.getLong();
        long prev = value.getLong();
        long next = value.getLong();
        short epoch = value.getShort();
        short lastEpoch = value.getShort();
        int timeoutMs = value.getInt();
        TxnState state = TxnState.values()[value.get()];
        int count = value.getInt();
        List<TopicPartition> partitions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            partitions.add(new TopicPartition(get(value), value.getInt()));
        }
        long start = value.getLong();
        long update = value.getLong();
        boolean v2 = value.get() == 1;
        return new TxnMetadata(transactionalId, producerId, prev, next, epoch, lastEpoch, timeoutMs, state,
                java.util.Set.copyOf(partitions), start, update, v2);
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
