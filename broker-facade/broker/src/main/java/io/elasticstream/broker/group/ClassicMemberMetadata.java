package io.elasticstream.broker.group;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;

/**
 * What a member of a consumer group that speaks the classic protocol joined with (Kafka's
 * {@code ClassicMemberMetadata}): its session timeout and the protocols it supports, in its order of preference,
 * each with the {@code ConsumerProtocol} subscription it sent. Null on a member using the consumer protocol.
 *
 * @param sessionTimeoutMs its JoinGroup session timeout: it is removed when neither a Heartbeat, JoinGroup nor
 *                         SyncGroup came for that long
 * @param protocols        its supported protocols (assignor names and metadata), the preferred one first
 */
record ClassicMemberMetadata(int sessionTimeoutMs, List<Protocol> protocols) {
    /** One supported protocol: an assignor name and the subscription sent with it. */
    record Protocol(String name, byte[] metadata) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Protocol p && p.name.equals(name) && Arrays.equals(p.metadata, metadata);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(metadata);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    ClassicMemberMetadata {
        protocols = List.copyOf(protocols);
    }

    static ClassicMemberMetadata of(int sessionTimeoutMs, Map<String, byte[]> protocols) {
        List<Protocol> list = new ArrayList<>();
        protocols.forEach((name, metadata) -> list.add(new Protocol(name, metadata)));
        return new ClassicMemberMetadata(sessionTimeoutMs, list);
    }

    /** The protocols by name, in the member's order of preference. */
    Map<String, byte[]> asMap() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        protocols.forEach(p -> out.put(p.name(), p.metadata()));
        return out;
    }

    /** The protocol name the member is answered with (its preferred one, as Kafka). */
    String protocolName() {
        return protocols.getFirst().name();
    }

    /** The {@code ConsumerProtocol} version its subscription was written in: its assignment is written in it too. */
    short consumerProtocolVersion() {
        return ConsumerProtocol.deserializeVersion(ByteBuffer.wrap(protocols.getFirst().metadata()));
    }
}
