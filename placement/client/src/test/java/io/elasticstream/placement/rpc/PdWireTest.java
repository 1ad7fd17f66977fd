package io.elasticstream.placement.rpc;

import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.RangeServerLoad;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PdWireTest {
    @Test
    void loadsRoundTripWithLatenciesAndDiskUse() throws IOException {
        BrokerLoad broker = new BrokerLoad(12, 5_000_000, 9_000_000, 4.25, 501.5);
        assertEquals(broker, PdWire.decode(PdWire::readBrokerLoad, PdWire.encode(PdWire::writeBrokerLoad, broker)));
        RangeServerLoad server = new RangeServerLoad(40, 1L << 40, 3_000_000, 0.375, 3L << 30, 2L << 40);
        assertEquals(server, PdWire.decode(PdWire::readRangeServerLoad,
                PdWire.encode(PdWire::writeRangeServerLoad, server)));
    }

    @Test
    void heartbeatBodyOfAnOlderMemberEndingAfterTheFirstThreeFieldsReadsWithUnknownLatencies() throws IOException {
        byte[] oldBroker = PdWire.bytes((out, ignored) -> {
            out.writeInt(9); // broker id, as the heartbeat body starts
            out.writeInt(7);
            out.writeLong(1000);
            out.writeLong(2000);
        });
        assertEquals(new BrokerLoad(7, 1000, 2000, 0, 0), PdWire.decode(in -> {
            assertEquals(9, in.readInt());
            return PdWire.readBrokerLoad(in);
        }, oldBroker));
        byte[] oldServer = PdWire.bytes((out, ignored) -> {
            out.writeInt(3);
            out.writeLong(1L << 40);
            out.writeLong(500);
        });
        assertEquals(new RangeServerLoad(3, 1L << 40, 500, 0, 0, 0),
                PdWire.decode(PdWire::readRangeServerLoad, oldServer));
    }

    @Test
    void loadCutInsideTheNewFieldsIsRejected() {
        byte[] full = PdWire.encode(PdWire::writeRangeServerLoad, new RangeServerLoad(1, 2, 3, 4, 5, 6));
        byte[] cut = Arrays.copyOf(full, full.length - 3);
        assertThrows(IOException.class, () -> PdWire.decode(PdWire::readRangeServerLoad, cut));
        byte[] broker = PdWire.encode(PdWire::writeBrokerLoad, new BrokerLoad(1, 2, 3, 4, 5));
        assertThrows(IOException.class, () -> PdWire.decode(PdWire::readBrokerLoad, Arrays.copyOf(broker, 22)));
    }
}
