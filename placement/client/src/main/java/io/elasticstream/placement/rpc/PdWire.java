package io.elasticstream.placement.rpc;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.NewTopic;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.PartitionMove;
import io.elasticstream.placement.api.PartitionMoveResult;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.placement.api.StreamInfo;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.api.TopicInfo;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The binary form of PD RPC arguments and results: big-endian {@link DataOutput} primitives, strings
 * as int32 length + UTF-8, lists as int32 count + elements, optionals as a presence byte. One
 * {@code write*}/{@code read*} pair per model type; a new method's arguments are written in parameter
 * order with these.
 */
public final class PdWire {
    static final int MAX_STRING_BYTES = 1 << 20;
    static final int MAX_ELEMENTS = 1 << 20;
    /** A salt or key: SCRAM's are 64 bytes at most; anything far larger is a corrupt frame. */
    static final int MAX_BYTES_FIELD = 1 << 10;

    private PdWire() {
    }

    /** Writes one value. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutput out, T value) throws IOException;
    }

    /** Reads one value. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInput in) throws IOException;
    }

    /** Writes whatever {@code body} writes into a new byte array. */
    public static byte[] bytes(Writer<DataOutput> body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            body.write(out, out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    public static <T> byte[] encode(Writer<T> writer, T value) {
        return bytes((out, ignored) -> writer.write(out, value));
    }

    /** Reads a whole body with {@code reader}; trailing bytes are an error. */
    public static <T> T decode(Reader<T> reader, byte[] body) throws IOException {
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        T value = reader.read(new DataInputStream(in));
        if (in.available() != 0) {
            throw new IOException(in.available() + " trailing bytes in a PD RPC body");
        }
        return value;
    }

    // ---- primitives --------------------------------------------------------------------------

    public static void writeString(DataOutput out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING_BYTES) {
            throw new IOException("string of " + utf8.length + " bytes is too long");
        }
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    public static String readString(DataInput in) throws IOException {
        byte[] utf8 = new byte[count(in, MAX_STRING_BYTES)];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public static <T> void writeList(DataOutput out, List<T> values, Writer<T> writer) throws IOException {
        out.writeInt(values.size());
        for (T value : values) {
            writer.write(out, value);
        }
    }

    public static <T> List<T> readList(DataInput in, Reader<T> reader) throws IOException {
        int n = count(in, MAX_ELEMENTS);
        List<T> values = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            values.add(reader.read(in));
        }
        return values;
    }

    public static <T> void writeOptional(DataOutput out, Optional<T> value, Writer<T> writer) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            writer.write(out, value.get());
        }
    }

    public static <T> Optional<T> readOptional(DataInput in, Reader<T> reader) throws IOException {
        return in.readBoolean() ? Optional.of(reader.read(in)) : Optional.empty();
    }

    public static void writeStringMap(DataOutput out, Map<String, String> map) throws IOException {
        Map<String, String> sorted = new TreeMap<>(map);
        out.writeInt(sorted.size());
        for (Map.Entry<String, String> entry : sorted.entrySet()) {
            writeString(out, entry.getKey());
            writeString(out, entry.getValue());
        }
    }

    public static Map<String, String> readStringMap(DataInput in) throws IOException {
        int n = count(in, MAX_ELEMENTS);
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    /** A {@link Writer} for results that carry nothing ({@code Void}). */
    public static void writeNothing(DataOutput out, Object value) {
    }

    public static Void readNothing(DataInput in) {
        return null;
    }

    public static void writeLong(DataOutput out, Long value) throws IOException {
        out.writeLong(value);
    }

    public static Long readLong(DataInput in) throws IOException {
        return in.readLong();
    }

    // ---- model -------------------------------------------------------------------------------

    public static void writeTopicId(DataOutput out, TopicId id) throws IOException {
        out.writeLong(id.mostSignificantBits());
        out.writeLong(id.leastSignificantBits());
    }

    public static TopicId readTopicId(DataInput in) throws IOException {
        return new TopicId(in.readLong(), in.readLong());
    }

    /** A SCRAM credential: user, mechanism, salt, stored key, server key (each length-prefixed), iterations. */
    public static void writeScramCredential(DataOutput out, ScramCredential value) throws IOException {
        writeString(out, value.user());
        writeString(out, value.mechanism());
        writeBytes(out, value.salt());
        writeBytes(out, value.storedKey());
        writeBytes(out, value.serverKey());
        out.writeInt(value.iterations());
    }

    public static ScramCredential readScramCredential(DataInput in) throws IOException {
        return new ScramCredential(readString(in), readString(in), readBytes(in), readBytes(in), readBytes(in),
                in.readInt());
    }

    public static void writeScramKey(DataOutput out, ScramCredential.Key value) throws IOException {
        writeString(out, value.user());
        writeString(out, value.mechanism());
    }

    public static ScramCredential.Key readScramKey(DataInput in) throws IOException {
        return new ScramCredential.Key(readString(in), readString(in));
    }

    private static void writeBytes(DataOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_BYTES_FIELD) {
            throw new IOException("byte field of " + length + " bytes");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** A broker: id, host, port, then its listeners' endpoints (name to host:port). */
    public static void writeBroker(DataOutput out, BrokerInfo value) throws IOException {
        out.writeInt(value.id());
        writeString(out, value.host());
        out.writeInt(value.port());
        writeStringMap(out, value.endpoints());
    }

    public static BrokerInfo readBroker(DataInput in) throws IOException {
        return new BrokerInfo(in.readInt(), readString(in), in.readInt(), readStringMap(in));
    }

    /**
     * A broker's load: the three fields of the first version, then the latencies. A heartbeat's load is the
     * last argument of its body, so {@link #readBrokerLoad} reads a body of an older broker (ending after the
     * first three fields) as a load with unknown (0) latencies.
     */
    public static void writeBrokerLoad(DataOutput out, BrokerLoad value) throws IOException {
        out.writeInt(value.partitionsOwned());
        out.writeLong(value.bytesInPerSecond());
        out.writeLong(value.bytesOutPerSecond());
        out.writeDouble(value.produceP99Ms());
        out.writeDouble(value.fetchP99Ms());
    }

    public static BrokerLoad readBrokerLoad(DataInput in) throws IOException {
        int partitionsOwned = in.readInt();
        long bytesIn = in.readLong();
        long bytesOut = in.readLong();
        if (atEnd(in)) {
            return new BrokerLoad(partitionsOwned, bytesIn, bytesOut);
        }
        return new BrokerLoad(partitionsOwned, bytesIn, bytesOut, in.readDouble(), in.readDouble());
    }

    /**
     * A range server's load: the three fields of the first version, then WAL fsync latency and disk use;
     * {@link #readRangeServerLoad} reads a body ending after the first three (an older range server's
     * heartbeat) as a load with those unknown (0).
     */
    public static void writeRangeServerLoad(DataOutput out, RangeServerLoad value) throws IOException {
        out.writeInt(value.rangesHeld());
        out.writeLong(value.diskFreeBytes());
        out.writeLong(value.bytesInPerSecond());
        out.writeDouble(value.walFsyncP99Ms());
        out.writeLong(value.diskUsedBytes());
        out.writeLong(value.diskTotalBytes());
    }

    public static RangeServerLoad readRangeServerLoad(DataInput in) throws IOException {
        int rangesHeld = in.readInt();
        long diskFree = in.readLong();
        long bytesIn = in.readLong();
        if (atEnd(in)) {
            return new RangeServerLoad(rangesHeld, diskFree, bytesIn);
        }
        return new RangeServerLoad(rangesHeld, diskFree, bytesIn, in.readDouble(), in.readLong(), in.readLong());
    }

    /** Whether {@code in} is a stream over a body with nothing left to read (false when it cannot tell). */
    private static boolean atEnd(DataInput in) throws IOException {
        return in instanceof DataInputStream stream && stream.available() == 0;
    }

    public static void writeRangeServer(DataOutput out, RangeServerInfo value) throws IOException {
        out.writeInt(value.id());
        writeString(out, value.host());
        out.writeInt(value.port());
    }

    public static RangeServerInfo readRangeServer(DataInput in) throws IOException {
        return new RangeServerInfo(in.readInt(), readString(in), in.readInt());
    }

    public static void writeNewTopic(DataOutput out, NewTopic value) throws IOException {
        writeString(out, value.name());
        out.writeInt(value.partitionCount());
        writeStringMap(out, value.configs());
    }

    public static NewTopic readNewTopic(DataInput in) throws IOException {
        return new NewTopic(readString(in), in.readInt(), readStringMap(in));
    }

    public static void writePartition(DataOutput out, PartitionInfo value) throws IOException {
        writeString(out, value.topic());
        writeTopicId(out, value.topicId());
        out.writeInt(value.partition());
        out.writeLong(value.streamId());
        out.writeInt(value.ownerBrokerId());
        out.writeInt(value.leaderEpoch());
    }

    public static PartitionInfo readPartition(DataInput in) throws IOException {
        return new PartitionInfo(readString(in), readTopicId(in), in.readInt(), in.readLong(), in.readInt(),
                in.readInt());
    }

    public static void writePartitionMove(DataOutput out, PartitionMove value) throws IOException {
        writeString(out, value.topic());
        out.writeInt(value.partition());
        out.writeInt(value.targetBrokerId());
    }

    public static PartitionMove readPartitionMove(DataInput in) throws IOException {
        return new PartitionMove(readString(in), in.readInt(), in.readInt());
    }

    /** The outcome by name, so reordering or adding outcomes keeps old ones readable. */
    public static void writePartitionMoveResult(DataOutput out, PartitionMoveResult value) throws IOException {
        writePartitionMove(out, value.move());
        writeString(out, value.outcome().name());
        writeString(out, value.message());
    }

    public static PartitionMoveResult readPartitionMoveResult(DataInput in) throws IOException {
        PartitionMove move = readPartitionMove(in);
        String outcome = readString(in);
        try {
            return new PartitionMoveResult(move, PartitionMoveResult.Outcome.valueOf(outcome), readString(in));
        } catch (IllegalArgumentException e) {
            throw new IOException("unknown partition move outcome '" + outcome + "'", e);
        }
    }

    public static void writeTopic(DataOutput out, TopicInfo value) throws IOException {
        writeString(out, value.name());
        writeTopicId(out, value.topicId());
        writeStringMap(out, value.configs());
        writeList(out, value.partitions(), PdWire::writePartition);
    }

    public static TopicInfo readTopic(DataInput in) throws IOException {
        return new TopicInfo(readString(in), readTopicId(in), readStringMap(in), readList(in, PdWire::readPartition));
    }

    public static void writeRange(DataOutput out, RangeInfo value) throws IOException {
        out.writeLong(value.streamId());
        out.writeInt(value.index());
        out.writeLong(value.startOffset());
        out.writeLong(value.endOffset());
        out.writeLong(value.epoch());
        writeList(out, value.replicas(), PdWire::writeRangeServer);
    }

    public static RangeInfo readRange(DataInput in) throws IOException {
        return new RangeInfo(in.readLong(), in.readInt(), in.readLong(), in.readLong(), in.readLong(),
                readList(in, PdWire::readRangeServer));
    }

    public static void writeStream(DataOutput out, StreamInfo value) throws IOException {
        out.writeLong(value.streamId());
        out.writeLong(value.epoch());
        out.writeLong(value.startOffset());
        out.writeInt(value.replicaCount());
        out.writeInt(value.ackCount());
        writeList(out, value.ranges(), PdWire::writeRange);
    }

    public static StreamInfo readStream(DataInput in) throws IOException {
        return new StreamInfo(in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readInt(),
                readList(in, PdWire::readRange));
    }

    public static void writeProducerSnapshot(DataOutput out, ProducerSnapshot value) throws IOException {
        out.writeLong(value.offset());
        out.writeLong(value.logStartOffset());
        out.writeLong(value.sizeBytes());
        writeList(out, value.producers(), (o, p) -> {
            o.writeLong(p.producerId());
            o.writeShort(p.epoch());
            o.writeLong(p.lastTimestamp());
            writeList(o, p.batches(), (ob, b) -> {
                ob.writeInt(b.firstSeq());
                ob.writeInt(b.lastSeq());
                ob.writeLong(b.baseOffset());
            });
            o.writeLong(p.currentTxnFirstOffset());
            o.writeInt(p.coordinatorEpoch());
        });
        writeList(out, value.abortedTxns(), (o, a) -> {
            o.writeLong(a.producerId());
            o.writeLong(a.firstOffset());
            o.writeLong(a.lastOffset());
        });
    }

    public static ProducerSnapshot readProducerSnapshot(DataInput in) throws IOException {
        return readProducerSnapshot(in, true);
    }

    /**
     * Reads a producer snapshot; {@code withTransactions} false reads the first stored form, which had no
     * transaction fields (stored snapshots of version 1).
     */
    public static ProducerSnapshot readProducerSnapshot(DataInput in, boolean withTransactions) throws IOException {
        long offset = in.readLong();
        long logStartOffset = in.readLong();
        long sizeBytes = in.readLong();
        List<ProducerSnapshot.Producer> producers = readList(in, i -> {
            long id = i.readLong();
            short epoch = i.readShort();
            long lastTimestamp = i.readLong();
            List<ProducerSnapshot.Batch> batches = readList(i,
                    ib -> new ProducerSnapshot.Batch(ib.readInt(), ib.readInt(), ib.readLong()));
            return withTransactions
                    ? new ProducerSnapshot.Producer(id, epoch, lastTimestamp, batches, i.readLong(), i.readInt())
                    : new ProducerSnapshot.Producer(id, epoch, lastTimestamp, batches);
        });
        List<ProducerSnapshot.AbortedTxn> aborted = withTransactions
                ? readList(in, i -> new ProducerSnapshot.AbortedTxn(i.readLong(), i.readLong(), i.readLong()))
                : List.of();
        return new ProducerSnapshot(offset, logStartOffset, sizeBytes, producers, aborted);
    }

    private static int count(DataInput in, int max) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > max) {
            throw new IOException("length " + n + " out of range in a PD RPC body");
        }
        return n;
    }
}
