package io.elasticstream.placement.server.election;

import io.elasticstream.common.Checks;
import io.elasticstream.placement.server.codec.RecordCodec;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The value of {@code pd/leader}: which placement driver leads, where its RPC listens
 * ({@code host:port}), and the fencing term it was elected in.
 */
public record PdLeader(String id, String address, long term) {

    public static final RecordCodec<PdLeader> CODEC = new RecordCodec<>("pd leader", 1) {
        @Override
        protected void writeBody(DataOutput out, PdLeader value) throws IOException {
            writeString(out, value.id());
            writeString(out, value.address());
            out.writeLong(value.term());
        }

        @Override
        protected PdLeader readBody(DataInput in) throws IOException {
            return new PdLeader(readString(in), readString(in), in.readLong());
        }
    };

    public PdLeader {
        Checks.notNull(id, "id");
        Checks.notNull(address, "address");
    }
}
