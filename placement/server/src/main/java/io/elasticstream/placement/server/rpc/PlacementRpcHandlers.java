package io.elasticstream.placement.server.rpc;

import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.rpc.PdRpc;
import io.elasticstream.placement.rpc.PdWire;

import java.io.DataInput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Every PD RPC method: how to read its arguments, which {@link PlacementService} method to call, how to
 * write its result. One {@code register} line per method.
 */
public final class PlacementRpcHandlers {

    /** Reads the arguments (synchronously, before returning) and starts the call. */
    @FunctionalInterface
    public interface Invoke<T> {
        CompletableFuture<T> call(PlacementService pd, DataInput args) throws IOException;
    }

    /** A registered method: the call and the encoding of its result. */
    public interface Handler {
        CompletableFuture<byte[]> handle(PlacementService pd, DataInput args) throws IOException;
    }

    private final Map<String, Handler> handlers = new HashMap<>();

    /** The handlers of every {@link PlacementService} method. */
    public static PlacementRpcHandlers standard() {
        PlacementRpcHandlers h = new PlacementRpcHandlers();
        h.register(PdRpc.REGISTER_RANGE_SERVER, (pd, in) -> pd.registerRangeServer(PdWire.readRangeServer(in)),
                PdWire::writeNothing);
        h.register(PdRpc.REGISTER_BROKER, (pd, in) -> pd.registerBroker(PdWire.readBroker(in)), PdWire::writeNothing);
        h.register(PdRpc.HEARTBEAT_RANGE_SERVER,
                (pd, in) -> pd.heartbeatRangeServer(in.readInt(), PdWire.readRangeServerLoad(in)), PdWire::writeNothing);
        h.register(PdRpc.HEARTBEAT_BROKER,
                (pd, in) -> pd.heartbeatBroker(in.readInt(), PdWire.readBrokerLoad(in)), PdWire::writeNothing);
        h.register(PdRpc.UNREGISTER_BROKER, (pd, in) -> pd.unregisterBroker(in.readInt()), PdWire::writeNothing);
        h.register(PdRpc.BROKERS, (pd, in) -> pd.brokers(), (out, v) -> PdWire.writeList(out, v, PdWire::writeBroker));
        h.register(PdRpc.CREATE_TOPIC, (pd, in) -> pd.createTopic(PdWire.readNewTopic(in)), PdWire::writeTopic);
        h.register(PdRpc.ALTER_TOPIC_CONFIGS,
                (pd, in) -> pd.alterTopicConfigs(PdWire.readString(in), PdWire.readStringMap(in)), PdWire::writeTopic);
        h.register(PdRpc.CREATE_PARTITIONS, (pd, in) -> pd.createPartitions(PdWire.readString(in), in.readInt()),
                PdWire::writeTopic);
        h.register(PdRpc.DELETE_TOPIC, (pd, in) -> pd.deleteTopic(PdWire.readString(in)), PdWire::writeNothing);
        h.register(PdRpc.MOVE_PARTITIONS, (pd, in) -> pd.movePartitions(PdWire.readList(in, PdWire::readPartitionMove)),
                (out, v) -> PdWire.writeList(out, v, PdWire::writePartitionMoveResult));
        h.register(PdRpc.TOPIC, (pd, in) -> pd.topic(PdWire.readString(in)),
                (out, v) -> PdWire.writeOptional(out, v, PdWire::writeTopic));
        h.register(PdRpc.TOPICS, (pd, in) -> pd.topics(), (out, v) -> PdWire.writeList(out, v, PdWire::writeTopic));
        h.register(PdRpc.DESCRIBE_STREAM, (pd, in) -> pd.describeStream(in.readLong()), PdWire::writeStream);
        h.register(PdRpc.OPEN_STREAM_FOR_WRITE, (pd, in) -> pd.openStreamForWrite(in.readLong()), PdWire::writeStream);
        h.register(PdRpc.CREATE_RANGE,
                (pd, in) -> pd.createRange(in.readLong(), in.readLong(), in.readInt(), in.readLong(),
                        Set.copyOf(PdWire.readList(in, DataInput::readInt))), PdWire::writeRange);
        h.register(PdRpc.SEAL_RANGE,
                (pd, in) -> pd.sealRange(in.readLong(), in.readLong(), in.readInt(), in.readLong()), PdWire::writeRange);
        h.register(PdRpc.TRIM_STREAM,
                (pd, in) -> pd.trimStream(in.readLong(), in.readLong(), in.readLong()), PdWire::writeLong);
        h.register(PdRpc.PUT_PRODUCER_SNAPSHOT, (pd, in) -> pd.putProducerSnapshot(in.readLong(), in.readLong(),
                PdWire.readProducerSnapshot(in)), PdWire::writeNothing);
        h.register(PdRpc.PRODUCER_SNAPSHOT, (pd, in) -> pd.producerSnapshot(in.readLong()),
                (out, v) -> PdWire.writeOptional(out, v, PdWire::writeProducerSnapshot));
        h.register(PdRpc.ALLOCATE_PRODUCER_IDS, (pd, in) -> pd.allocateProducerIds(in.readInt()), PdWire::writeLong);
        h.register(PdRpc.ALTER_GROUP_CONFIGS,
                (pd, in) -> pd.alterGroupConfigs(PdWire.readString(in), PdWire.readStringMap(in)),
                PdWire::writeStringMap);
        h.register(PdRpc.GROUP_CONFIGS, (pd, in) -> pd.groupConfigs(PdWire.readString(in)), PdWire::writeStringMap);
        h.register(PdRpc.ALTER_SCRAM_CREDENTIALS, (pd, in) -> pd.alterScramCredentials(
                PdWire.readList(in, PdWire::readScramCredential), PdWire.readList(in, PdWire::readScramKey)),
                PdWire::writeNothing);
        h.register(PdRpc.SCRAM_CREDENTIALS, (pd, in) -> pd.scramCredentials(),
                (out, v) -> PdWire.writeList(out, v, PdWire::writeScramCredential));
        h.register(PdRpc.USER_SCRAM_CREDENTIALS, (pd, in) -> pd.scramCredentials(PdWire.readString(in)),
                (out, v) -> PdWire.writeList(out, v, PdWire::writeScramCredential));
        return h;
    }

    /** Adds (or replaces) method {@code name}. */
    public <T> PlacementRpcHandlers register(String name, Invoke<T> invoke, PdWire.Writer<? super T> result) {
        handlers.put(name, (pd, in) -> invoke.call(pd, in).thenApply(value -> PdWire.encode(result, value)));
        return this;
    }

    public Optional<Handler> handler(String name) {
        return Optional.ofNullable(handlers.get(name));
    }
}
