package io.elasticstream.standalone;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** A blocking Kafka protocol client over a plain socket, to send any request at any version (or garbage). */
final class RawKafkaClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    RawKafkaClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(20_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Sends {@code builder.build(version)} and parses the response at that version. */
    <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(request.apiKey(), version, "raw-test", ++correlationId);
        sendFrame(request.serializeWithHeader(header));
        @SuppressWarnings("unchecked")
        R response = (R) AbstractResponse.parseResponse(ByteBuffer.wrap(readFrame()), header);
        return response;
    }

    /**
     * Sends a flexible (v2) request header for {@code key} at {@code version} (a version we may not
     * support) followed by an empty flexible body, as a newer client would.
     */
    void sendHeaderOnly(ApiKeys key, short version) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(2 + 2 + 4 + 2 + 8 + 1 + 3);
        frame.putShort(key.id).putShort(version).putInt(++correlationId).putShort((short) 8)
                .put("raw-test".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put((byte) 0) // no tagged fields in the header
                .put(new byte[] {1, 1, 0}).flip(); // body: empty compact strings and no tagged fields
        sendFrame(frame);
    }

    void sendFrame(ByteBuffer payload) throws IOException {
        out.writeInt(payload.remaining());
        out.write(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining());
        out.flush();
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    byte[] readFrame() throws IOException {
        int size = in.readInt();
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        return bytes;
    }

    /** True if the server closed the connection (reading hits end of stream). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (EOFException | java.net.SocketException e) {
            return true;
        }
    }

    int lastCorrelationId() {
        return correlationId;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
