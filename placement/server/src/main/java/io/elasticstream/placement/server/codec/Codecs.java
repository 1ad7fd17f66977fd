package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.ProducerSnapshot;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.placement.api.TopicId;
import io.elasticstream.placement.rpc.PdWire;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The codec of every value PD stores, one constant per record kind. */
public final class Codecs {
    private Codecs() {
    }

    /** {@code topics/<name>}. */
    public static final RecordCodec<TopicRecord> TOPIC = new RecordCodec<>("topic", 1) {
        @Override
        protected void writeBody(DataOutput out, TopicRecord value) throws IOException {
            writeString(out, value.name());
            writeTopicId(out, value.topicId());
            out.writeInt(value.partitionCount());
            writeConfigs(out, value.configs());
        }

        @Override
        protected TopicRecord readBody(DataInput in) throws IOException {
            String name = readString(in);
            TopicId topicId = readTopicId(in);
            int partitionCount = in.readInt();
            return new TopicRecord(name, topicId, partitionCount, readConfigs(in));
        }
    };

    /** {@code group-configs/<groupId>}: the group id, then its overrides as a topic's are written. */
    public static final RecordCodec<GroupConfigsRecord> GROUP_CONFIGS = new RecordCodec<>("group configs", 1) {
        @Override
        protected void writeBody(DataOutput out, GroupConfigsRecord value) throws IOException {
            writeString(out, value.groupId());
            writeConfigs(out, value.configs());
        }

        @Override
        protected GroupConfigsRecord readBody(DataInput in) throws IOException {
            return new GroupConfigsRecord(readString(in), readConfigs(in));
        }
    };

    /** {@code scram-credentials/<user>}: the user's credentials, one per mechanism, in PD RPC's encoding. */
    public static final RecordCodec<List<ScramCredential>> SCRAM_CREDENTIALS =
            new RecordCodec<>("SCRAM credentials", 1) {
        @Override
        protected void writeBody(DataOutput out, List<ScramCredential> value) throws IOException {
            PdWire.writeList(out, value, PdWire::writeScramCredential);
        }

        @Override
        protected List<ScramCredential> readBody(DataInput in) throws IOException {
            return PdWire.readList(in, PdWire::readScramCredential);
        }
    };

    /** {@code partitions/<topicId>/<n>}. */
    public static final RecordCodec<PartitionInfo> PARTITION = new RecordCodec<>("partition", 1) {
        @Override
        protected void writeBody(DataOutput out, PartitionInfo value) throws IOException {
            writeString(out, value.topic());
            writeTopicId(out, value.topicId());
            out.writeInt(value.partition());
            out.writeLong(value.streamId());
            out.writeInt(value.ownerBrokerId());
            out.writeInt(value.leaderEpoch());
        }

        @Override
        protected PartitionInfo readBody(DataInput in) throws IOException {
            return new PartitionInfo(readString(in), readTopicId(in), in.readInt(), in.readLong(), in.readInt(),
                    in.readInt());
        }
    };

    /** {@code streams/<id>}. */
    public static final RecordCodec<StreamRecord> STREAM = new RecordCodec<>("stream", 1) {
        @Override
        protected void writeBody(DataOutput out, StreamRecord value) throws IOException {
            out.writeLong(value.streamId());
            out.writeLong(value.epoch());
            out.writeLong(value.startOffset());
            out.writeInt(value.replicaCount());
            out.writeInt(value.ackCount());
            writeTopicId(out, value.topicId());
            out.writeInt(value.partition());
        }

        @Override
        protected StreamRecord readBody(DataInput in) throws IOException {
            return new StreamRecord(in.readLong(), in.readLong(), in.readLong(), in.readInt(), in.readInt(),
                    readTopicId(in), in.readInt());
        }
    };

    /**
     * {@code ranges/<stream>/<index>}: a run of consecutive ranges of one stream, held under the key of its
     * first. A run is one range until old history is compacted (see {@code RangeCompactor}). Version 1
     * held exactly one range, without the verified flag; it reads as an unverified run of one.
     * <pre>v2: int64 streamId, int32 count, count * (int32 index, int64 start, int64 end, int64 epoch,
     * int8 flags (1: verified), int32 replicas, replicas * int32 id)</pre>
     */
    public static final RecordCodec<List<RangeRecord>> RANGES = new RecordCodec<>("range", 2) {
        private static final int VERIFIED = 1;

        @Override
        protected void writeBody(DataOutput out, List<RangeRecord> run) throws IOException {
            if (run.isEmpty()) {
                throw new IllegalArgumentException("a run of ranges holds at least one");
            }
            long streamId = run.getFirst().streamId();
            out.writeLong(streamId);
            out.writeInt(run.size());
            int expectedIndex = run.getFirst().index();
            for (RangeRecord range : run) {
                if (range.streamId() != streamId || range.index() != expectedIndex++) {
                    throw new IllegalArgumentException("not a run of consecutive ranges of one stream: " + run);
                }
                out.writeInt(range.index());
                out.writeLong(range.startOffset());
                out.writeLong(range.endOffset());
                out.writeLong(range.epoch());
                out.writeByte(range.verified() ? VERIFIED : 0);
                writeReplicas(out, range.replicaIds());
            }
        }

        @Override
        protected List<RangeRecord> readBody(DataInput in) throws IOException {
            long streamId = in.readLong();
            int count = readCount(in);
            List<RangeRecord> run = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = in.readInt();
                long start = in.readLong();
                long end = in.readLong();
                long epoch = in.readLong();
                boolean verified = (in.readByte() & VERIFIED) != 0;
                run.add(new RangeRecord(streamId, index, start, end, epoch, readReplicas(in), verified));
            }
            if (run.isEmpty()) {
                throw new CorruptRecordException("range: an empty run");
            }
            return run;
        }

        @Override
        protected List<RangeRecord> readOlderBody(int version, DataInput in) throws IOException {
            long streamId = in.readLong();
            int index = in.readInt();
            long start = in.readLong();
            long end = in.readLong();
            long epoch = in.readLong();
            return List.of(new RangeRecord(streamId, index, start, end, epoch, readReplicas(in)));
        }

        private static void writeReplicas(DataOutput out, List<Integer> ids) throws IOException {
            out.writeInt(ids.size());
            for (int id : ids) {
                out.writeInt(id);
            }
        }

        private static List<Integer> readReplicas(DataInput in) throws IOException {
            int count = readCount(in);
            List<Integer> ids = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ids.add(in.readInt());
            }
            return ids;
        }
    };

    /**
     * {@code producer-snapshots/<stream>}: the same encoding as over PD RPC. v2 added the transaction state
     * (each producer's open transaction and coordinator epoch, the aborted-transaction index); v1 reads as
     * no transactions.
     */
    public static final RecordCodec<ProducerSnapshot> PRODUCER_SNAPSHOT = new RecordCodec<>("producer snapshot", 2) {
        @Override
        protected void writeBody(DataOutput out, ProducerSnapshot value) throws IOException {
            PdWire.writeProducerSnapshot(out, value);
        }

        @Override
        protected ProducerSnapshot readBody(DataInput in) throws IOException {
            return PdWire.readProducerSnapshot(in);
        }

        @Override
        protected ProducerSnapshot readOlderBody(int version, DataInput in) throws IOException {
            return PdWire.readProducerSnapshot(in, false);
        }
    };

    /** {@code brokers/<id>}. */
    public static final RecordCodec<BrokerInfo> BROKER = new RecordCodec<>("broker", 2) {
        @Override
        protected void writeBody(DataOutput out, BrokerInfo value) throws IOException {
            PdWire.writeBroker(out, value);
        }

        @Override
        protected BrokerInfo readBody(DataInput in) throws IOException {
            return PdWire.readBroker(in);
        }

        @Override
        protected BrokerInfo readOlderBody(int version, DataInput in) throws IOException {
            return new BrokerInfo(in.readInt(), readString(in), in.readInt()); // v1: no listener endpoints
        }
    };

    /** {@code range-servers/<id>}. */
    public static final RecordCodec<RangeServerInfo> RANGE_SERVER = new RecordCodec<>("range server", 1) {
        @Override
        protected void writeBody(DataOutput out, RangeServerInfo value) throws IOException {
            out.writeInt(value.id());
            writeString(out, value.host());
            out.writeInt(value.port());
        }

        @Override
        protected RangeServerInfo readBody(DataInput in) throws IOException {
            return new RangeServerInfo(in.readInt(), readString(in), in.readInt());
        }
    };

    /**
     * {@code alive/brokers/<id>}: the broker's latest load report. Version 2 added the latencies; a
     * version 1 value reads with them unknown (0).
     */
    public static final RecordCodec<BrokerLoad> BROKER_LOAD = new RecordCodec<>("broker load", 2) {
        @Override
        protected void writeBody(DataOutput out, BrokerLoad value) throws IOException {
            out.writeInt(value.partitionsOwned());
            out.writeLong(value.bytesInPerSecond());
            out.writeLong(value.bytesOutPerSecond());
            out.writeDouble(value.produceP99Ms());
            out.writeDouble(value.fetchP99Ms());
        }

        @Override
        protected BrokerLoad readBody(DataInput in) throws IOException {
            return new BrokerLoad(in.readInt(), in.readLong(), in.readLong(), in.readDouble(), in.readDouble());
        }

        @Override
        protected BrokerLoad readOlderBody(int version, DataInput in) throws IOException {
            return new BrokerLoad(in.readInt(), in.readLong(), in.readLong());
        }
    };

    /**
     * {@code alive/range-servers/<id>}: the range server's latest load report. Version 2 added WAL fsync
     * latency and disk use; a version 1 value reads with them unknown (0).
     */
    public static final RecordCodec<RangeServerLoad> RANGE_SERVER_LOAD = new RecordCodec<>("range server load", 2) {
        @Override
        protected void writeBody(DataOutput out, RangeServerLoad value) throws IOException {
            out.writeInt(value.rangesHeld());
            out.writeLong(value.diskFreeBytes());
            out.writeLong(value.bytesInPerSecond());
            out.writeDouble(value.walFsyncP99Ms());
            out.writeLong(value.diskUsedBytes());
            out.writeLong(value.diskTotalBytes());
        }

        @Override
        protected RangeServerLoad readBody(DataInput in) throws IOException {
            return new RangeServerLoad(in.readInt(), in.readLong(), in.readLong(), in.readDouble(), in.readLong(),
                    in.readLong());
        }

        @Override
        protected RangeServerLoad readOlderBody(int version, DataInput in) throws IOException {
            return new RangeServerLoad(in.readInt(), in.readLong(), in.readLong());
        }
    };

    /** {@code ids/stream}: the highest stream id handed out so far. */
    public static final RecordCodec<Long> COUNTER = new RecordCodec<>("counter", 1) {
        @Override
        protected void writeBody(DataOutput out, Long value) throws IOException {
            out.writeLong(value);
        }

        @Override
        protected Long readBody(DataInput in) throws IOException {
            return in.readLong();
        }
    };

    /** Config overrides: int32 count, then name and value strings, sorted so equal maps encode to equal bytes. */
    private static void writeConfigs(DataOutput out, Map<String, String> configs) throws IOException {
        Map<String, String> sorted = new TreeMap<>(configs);
        out.writeInt(sorted.size());
        for (Map.Entry<String, String> config : sorted.entrySet()) {
            RecordCodec.writeString(out, config.getKey());
            RecordCodec.writeString(out, config.getValue());
        }
    }

    private static Map<String, String> readConfigs(DataInput in) throws IOException {
        int count = RecordCodec.readCount(in);
        Map<String, String> configs = HashMap.newHashMap(count);
        for (int i = 0; i < count; i++) {
            configs.put(RecordCodec.readString(in), RecordCodec.readString(in));
        }
        return configs;
    }

    private static void writeTopicId(DataOutput out, TopicId id) throws IOException {
        out.writeLong(id.mostSignificantBits());
        out.writeLong(id.leastSignificantBits());
    }

    private static TopicId readTopicId(DataInput in) throws IOException {
        return new TopicId(in.readLong(), in.readLong());
    }
}
