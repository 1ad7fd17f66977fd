package io.elasticstream.placement.rpc;

import io.elasticstream.placement.api.PlacementException;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A {@link PlacementException} on the wire: a type name, then the subtype's fields (so the client
 * rebuilds the very same subtype and message), or the message for types without fields. A type this
 * side does not know becomes a plain {@link PlacementException} with the server's message.
 */
public final class PdErrors {
    private PdErrors() {
    }

    public static void write(DataOutput out, PlacementException error) throws IOException {
        switch (error) {
            case PlacementException.TopicExists e -> {
                PdWire.writeString(out, "TopicExists");
                PdWire.writeString(out, e.topic());
            }
            case PlacementException.UnknownTopic e -> {
                PdWire.writeString(out, "UnknownTopic");
                PdWire.writeString(out, e.topic());
            }
            case PlacementException.UnknownStream e -> {
                PdWire.writeString(out, "UnknownStream");
                out.writeLong(e.streamId());
            }
            case PlacementException.FencedEpoch e -> {
                PdWire.writeString(out, "FencedEpoch");
                out.writeLong(e.streamId());
                out.writeLong(e.callerEpoch());
                out.writeLong(e.currentEpoch());
            }
            case PlacementException.NotEnoughRangeServers e -> {
                PdWire.writeString(out, "NotEnoughRangeServers");
                out.writeInt(e.needed());
                out.writeInt(e.live());
            }
            case PlacementException.NoLiveBroker e -> PdWire.writeString(out, "NoLiveBroker");
            case PlacementException.SessionExpired e -> {
                PdWire.writeString(out, "SessionExpired");
                PdWire.writeString(out, e.member());
            }
            case PlacementException.InvalidPartitionCount e -> {
                PdWire.writeString(out, "InvalidPartitionCount");
                PdWire.writeString(out, e.topic());
                out.writeInt(e.current());
                out.writeInt(e.requested());
            }
            default -> {
                PdWire.writeString(out, error.getClass().getSimpleName());
                PdWire.writeString(out, String.valueOf(error.getMessage()));
            }
        }
    }

    public static PlacementException read(DataInput in) throws IOException {
        String type = PdWire.readString(in);
        return switch (type) {
            case "TopicExists" -> new PlacementException.TopicExists(PdWire.readString(in));
            case "UnknownTopic" -> new PlacementException.UnknownTopic(PdWire.readString(in));
            case "UnknownStream" -> new PlacementException.UnknownStream(in.readLong());
            case "FencedEpoch" -> new PlacementException.FencedEpoch(in.readLong(), in.readLong(), in.readLong());
            case "NotEnoughRangeServers" -> new PlacementException.NotEnoughRangeServers(in.readInt(), in.readInt());
            case "NoLiveBroker" -> new PlacementException.NoLiveBroker();
            case "SessionExpired" -> new PlacementException.SessionExpired(PdWire.readString(in));
            case "InvalidPartitionCount" ->
                    new PlacementException.InvalidPartitionCount(PdWire.readString(in), in.readInt(), in.readInt());
            case "InvalidRangeState" -> new PlacementException.InvalidRangeState(PdWire.readString(in));
            case "NotLeader" -> new PlacementException.NotLeader(PdWire.readString(in));
            default -> new PlacementException(PdWire.readString(in));
        };
    }
}
