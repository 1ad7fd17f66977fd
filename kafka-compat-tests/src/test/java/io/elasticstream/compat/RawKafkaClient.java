package io.elasticstream.compat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One blocking connection speaking Kafka's wire protocol with kafka-clients' own request and response classes:
 * for scenarios that send what no client library sends (a chosen version, invalid fields) and compare answers.
 */
final class RawKafkaClient implements AutoCloseable {
    private static final int TIMEOUT_MS = 30_000;
    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;
    private int correlationId;

    /** Connects to the first of {@code bootstrap} ("host:port,..."). */
    RawKafkaClient(String bootstrap) {
        String first = bootstrap.split(",")[0];
        int colon = first.lastIndexOf(':');
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))),
                    TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            out = new DataOutputStream(socket.getOutputStream());
            in = new DataInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + first, e);
        }
    }

    /** Sends {@code request} at {@code version} and returns the parsed answer. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(AbstractRequest.Builder<?> request, short version) {
        ApiKeys key = request.apiKey();
        RequestHeader header = new RequestHeader(key, version, "raw-client", ++correlationId);
        ByteBuffer bytes = request.build(version).serializeWithHeader(header);
        try {
            out.writeInt(bytes.remaining());
            out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
            out.flush();
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
        } catch (IOException e) {
            throw new UncheckedIOException(key + " v" + version + " failed", e);
        }
    }

    /** Key types of FindCoordinator. */
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;

    /**
     * FindCoordinator of {@code key} ({@link #GROUP} or {@link #TRANSACTION}) until the coordinator is up (the
     * first call creates the coordinator's internal topic); the coordinator found.
     */
    FindCoordinatorResponseData.Coordinator awaitCoordinator(byte keyType, String key) {
        return ScenarioSupport.await("the coordinator of " + key, () -> {
            FindCoordinatorResponse r = send(new FindCoordinatorRequest.Builder(new FindCoordinatorRequestData()
                    .setKeyType(keyType).setCoordinatorKeys(List.of(key))), (short) 4);
            FindCoordinatorResponseData.Coordinator c = r.data().coordinators().getFirst();
            return c.errorCode() == 0 ? Optional.of(c) : Optional.empty();
        });
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }
}
