package io.elasticstream.rangestore.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static ByteBuf encode(Frame frame) {
        EmbeddedChannel out = new EmbeddedChannel(FrameEncoder.INSTANCE);
        out.writeOutbound(frame);
        ByteBuf all = Unpooled.buffer();
        ByteBuf part;
        while ((part = out.readOutbound()) != null) {
            all.writeBytes(part);
            part.release();
        }
        return all;
    }

    @Test
    void appendRequestRoundTripsThroughEncoderAndDecoder() {
        ByteBuf data = Unpooled.copiedBuffer("batch-bytes", StandardCharsets.UTF_8);
        AppendRequest request = new AppendRequest(1, 2, 3, 4, 5, 6, 7, data);
        ByteBuf wire = encode(Frame.request(Opcode.APPEND, 42, request.encode(ByteBufAllocator.DEFAULT)));

        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
        // Deliver byte by byte: the decoder must reassemble frames split anywhere.
        while (wire.isReadable()) {
            in.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        Frame frame = in.readInbound();
        assertEquals(Opcode.APPEND.code(), frame.opcode());
        assertEquals(42, frame.requestId());
        assertFalse(frame.isResponse());
        AppendRequest decoded = AppendRequest.decode(frame.payload());
        assertEquals(new AppendRequest(1, 2, 3, 4, 5, 6, 7, decoded.data()), decoded);
        assertEquals("batch-bytes", decoded.data().toString(StandardCharsets.UTF_8));
        decoded.data().release();
        frame.release();
    }

    @Test
    void fetchResponseCarriesBatchesAndErrorsCarryTheirStatus() {
        FetchResponse response = new FetchResponse(9, List.of(new StoredBatch(3, 2, 77,
                Unpooled.copiedBuffer("xy", StandardCharsets.UTF_8))));
        ByteBuf payload = response.encode(ByteBufAllocator.DEFAULT);
        FetchResponse decoded = FetchResponse.decode(payload);
        assertEquals(9, decoded.rangeEndOffset());
        assertEquals(3, decoded.batches().getFirst().baseOffset());
        assertEquals(77, decoded.batches().getFirst().maxTimestamp());
        assertEquals("xy", decoded.batches().getFirst().data().toString(StandardCharsets.UTF_8));
        decoded.release();
        payload.release();

        ByteBuf error = Responses.error(ByteBufAllocator.DEFAULT, Status.FENCED, "epoch 1 fenced by 2");
        RpcException e = assertThrows(RpcException.class, () -> OffsetResponse.decode(error));
        assertEquals(Status.FENCED, e.status());
        assertTrue(e.getMessage().contains("fenced by 2"));
        error.release();
    }

    @Test
    void aCorruptedPayloadIsRejectedByItsCrc() {
        ByteBuf wire = encode(Frame.request(Opcode.SEAL, 1, new SealRequest(1, 0, 1, -1).encode(ByteBufAllocator.DEFAULT)));
        wire.setByte(wire.writerIndex() - 1, wire.getByte(wire.writerIndex() - 1) ^ 0x5a);
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
        DecoderException e = assertThrows(DecoderException.class, () -> in.writeInbound(wire));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void aFrameWithAnotherMagicOrVersionIsRejected() {
        ByteBuf wire = encode(Frame.request(Opcode.SEAL, 1, new SealRequest(1, 0, 1, -1).encode(ByteBufAllocator.DEFAULT)));
        ByteBuf wrongVersion = wire.copy();
        wire.setByte(4, 0x00);
        assertThrows(DecoderException.class, () -> new EmbeddedChannel(new FrameDecoder()).writeInbound(wire));
        wrongVersion.setByte(5, 9);
        DecoderException e = assertThrows(DecoderException.class,
                () -> new EmbeddedChannel(new FrameDecoder()).writeInbound(wrongVersion));
        assertTrue(e.getMessage().contains("version"), e.getMessage());
    }

    @Test
    void trimRequestRoundTripsWithItsOpcodeAndTheDropSentinel() {
        ByteBuf wire = encode(Frame.request(Opcode.TRIM, 5,
                new TrimRequest(11, 3, TrimRequest.DROP_RANGE).encode(ByteBufAllocator.DEFAULT)));
        EmbeddedChannel in = new EmbeddedChannel(new FrameDecoder());
        in.writeInbound(wire);
        Frame frame = in.readInbound();
        assertEquals(Opcode.TRIM, Opcode.of(frame.opcode()));
        assertEquals(new TrimRequest(11, 3, Long.MAX_VALUE), TrimRequest.decode(frame.payload()));
        frame.release();
    }
}
