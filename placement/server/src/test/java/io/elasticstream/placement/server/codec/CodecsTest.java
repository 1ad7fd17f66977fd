package io.elasticstream.placement.server.codec;

import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.BrokerLoad;
import io.elasticstream.placement.api.PartitionInfo;
import io.elasticstream.placement.api.RangeInfo;
import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.placement.api.TopicId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodecsTest {
    private static final TopicId TOPIC_ID = new TopicId(0x8000_0000_0000_0001L, -2L);

    @Test
    void topicRecordRoundTripsWithConfigsAndNonAsciiName() {
        TopicRecord topic = new TopicRecord("orders-é-日本", TOPIC_ID, 12,
                Map.of("retention.ms", "86400000", "cleanup.policy", "compact", "empty", ""));
        assertEquals(topic, roundTrip(Codecs.TOPIC, topic));
        assertEquals(new TopicRecord("t", TOPIC_ID, 1, Map.of()),
                roundTrip(Codecs.TOPIC, new TopicRecord("t", TOPIC_ID, 1, Map.of())));
    }

    @Test
    void groupConfigsRecordRoundTripsWithAnyGroupId() {
        GroupConfigsRecord configs = new GroupConfigsRecord("orders/é 日本", Map.of("share.auto.offset.reset",
                "by_duration:PT1H", "consumer.session.timeout.ms", "50000"));
        assertEquals(configs, roundTrip(Codecs.GROUP_CONFIGS, configs));
        assertEquals(1, Codecs.GROUP_CONFIGS.encode(configs)[0]);
    }

    @Test
    void topicRecordEncodingDoesNotDependOnConfigMapOrder() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("a", "1");
        forward.put("b", "2");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("b", "2");
        backward.put("a", "1");
        // TopicRecord copies into an unordered map; encode from both and compare the bytes.
        assertArrayEquals(Codecs.TOPIC.encode(new TopicRecord("t", TOPIC_ID, 1, forward)),
                Codecs.TOPIC.encode(new TopicRecord("t", TOPIC_ID, 1, backward)));
    }

    @Test
    void partitionRoundTrips() {
        PartitionInfo partition = new PartitionInfo("orders", TOPIC_ID, 7, Long.MAX_VALUE - 3, 42, Integer.MAX_VALUE);
        assertEquals(partition, roundTrip(Codecs.PARTITION, partition));
    }

    @Test
    void streamRoundTrips() {
        StreamRecord stream = new StreamRecord(99, 5, 1_000_000_000_000L, 3, 2, TOPIC_ID, 11);
        assertEquals(stream, roundTrip(Codecs.STREAM, stream));
    }

    @Test
    void openAndSealedRangesRoundTripAsRunsOfOne() {
        RangeRecord open = new RangeRecord(99, 4, 1000, RangeInfo.OPEN, 5, List.of(3, 1, 2));
        assertEquals(List.of(open), roundTrip(Codecs.RANGES, List.of(open)));
        RangeRecord sealed = open.sealedAt(2500);
        assertEquals(List.of(sealed), roundTrip(Codecs.RANGES, List.of(sealed)));
        assertTrue(roundTrip(Codecs.RANGES, List.of(sealed)).getFirst().isSealed());
        RangeRecord noReplicas = new RangeRecord(1, 0, 0, 0, 0, List.of());
        assertEquals(List.of(noReplicas), roundTrip(Codecs.RANGES, List.of(noReplicas)));
    }

    @Test
    void aCompactedRunKeepsEveryRangeWithItsOwnReplicasAndVerifiedFlag() {
        List<RangeRecord> run = List.of(
                new RangeRecord(7, 3, 100, 200, 2, List.of(1, 2, 3), true),
                new RangeRecord(7, 4, 200, 200, 3, List.of(4, 2, 3), true),
                new RangeRecord(7, 5, 200, 950, 3, List.of(4, 5), false));
        assertEquals(run, roundTrip(Codecs.RANGES, run));
    }

    @Test
    void aRunMustBeConsecutiveRangesOfOneStream() {
        RangeRecord first = new RangeRecord(7, 3, 100, 200, 2, List.of(1, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Codecs.RANGES.encode(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Codecs.RANGES.encode(List.of(first,
                new RangeRecord(7, 5, 200, 300, 2, List.of(1, 2, 3)))));
        assertThrows(IllegalArgumentException.class, () -> Codecs.RANGES.encode(List.of(first,
                new RangeRecord(8, 4, 200, 300, 2, List.of(1, 2, 3)))));
    }

    @Test
    void aRangeStoredByTheFirstFormatReadsAsAnUnverifiedRunOfOne() throws IOException {
        ByteArrayOutputStream rangeV1 = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(rangeV1)) {
            out.writeByte(1);
            out.writeLong(42);
            out.writeInt(6);
            out.writeLong(500);
            out.writeLong(900);
            out.writeLong(3);
            out.writeInt(2);
            out.writeInt(11);
            out.writeInt(12);
        }
        assertEquals(List.of(new RangeRecord(42, 6, 500, 900, 3, List.of(11, 12), false)),
                Codecs.RANGES.decode(rangeV1.toByteArray()));
        assertEquals(2, Codecs.RANGES.encode(List.of(new RangeRecord(42, 6, 500, 900, 3, List.of(11))))[0]);
    }

    @Test
    void brokerRangeServerAndCounterRoundTrip() {
        BrokerInfo broker = new BrokerInfo(1, "127.0.0.1", 9092);
        assertEquals(broker, roundTrip(Codecs.BROKER, broker));
        RangeServerInfo server = new RangeServerInfo(2, "rs-2.example.internal", 10911);
        assertEquals(server, roundTrip(Codecs.RANGE_SERVER, server));
        assertEquals(0L, roundTrip(Codecs.COUNTER, 0L));
        assertEquals(Long.MAX_VALUE, roundTrip(Codecs.COUNTER, Long.MAX_VALUE));
    }

    @Test
    void loadReportsRoundTripWithLatenciesAndDiskUse() {
        BrokerLoad broker = new BrokerLoad(12, 5_000_000, 9_000_000, 4.25, 501.5);
        assertEquals(broker, roundTrip(Codecs.BROKER_LOAD, broker));
        assertEquals(BrokerLoad.UNKNOWN, roundTrip(Codecs.BROKER_LOAD, BrokerLoad.UNKNOWN));
        RangeServerLoad server = new RangeServerLoad(40, 1L << 40, 3_000_000, 0.375, 3L << 30, 2L << 40);
        assertEquals(server, roundTrip(Codecs.RANGE_SERVER_LOAD, server));
        assertEquals(RangeServerLoad.UNKNOWN, roundTrip(Codecs.RANGE_SERVER_LOAD, RangeServerLoad.UNKNOWN));
    }

    @Test
    void loadReportsStoredByTheFirstFormatStillDecodeWithUnknownLatencies() throws IOException {
        ByteArrayOutputStream brokerV1 = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(brokerV1)) {
            out.writeByte(1);
            out.writeInt(7);
            out.writeLong(1000);
            out.writeLong(2000);
        }
        assertEquals(new BrokerLoad(7, 1000, 2000, 0, 0), Codecs.BROKER_LOAD.decode(brokerV1.toByteArray()));
        ByteArrayOutputStream serverV1 = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(serverV1)) {
            out.writeByte(1);
            out.writeInt(3);
            out.writeLong(1L << 40);
            out.writeLong(500);
        }
        assertEquals(new RangeServerLoad(3, 1L << 40, 500, 0, 0, 0),
                Codecs.RANGE_SERVER_LOAD.decode(serverV1.toByteArray()));
        assertEquals(2, Codecs.BROKER_LOAD.encode(BrokerLoad.UNKNOWN)[0]);
        assertEquals(2, Codecs.RANGE_SERVER_LOAD.encode(RangeServerLoad.UNKNOWN)[0]);
    }

    @Test
    void loadReportOfANewerFormatOrCutShortIsRejected() {
        byte[] newer = Codecs.BROKER_LOAD.encode(new BrokerLoad(1, 2, 3, 4, 5));
        newer[0] = 3;
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Codecs.BROKER_LOAD.decode(newer));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
        byte[] zero = Codecs.RANGE_SERVER_LOAD.encode(RangeServerLoad.UNKNOWN);
        zero[0] = 0;
        assertThrows(CorruptRecordException.class, () -> Codecs.RANGE_SERVER_LOAD.decode(zero));
        byte[] bytes = Codecs.RANGE_SERVER_LOAD.encode(new RangeServerLoad(1, 2, 3, 4, 5, 6));
        for (int length = 1; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(CorruptRecordException.class, () -> Codecs.RANGE_SERVER_LOAD.decode(truncated),
                    "truncated to " + length);
        }
    }

    @Test
    void everyValueStartsWithItsFormatVersion() {
        assertEquals(2, Codecs.BROKER.encode(new BrokerInfo(1, "h", 1))[0], "v2 added the listeners' endpoints");
        assertEquals(1, Codecs.COUNTER.encode(7L)[0]);
        assertEquals(1, Codecs.STREAM.encode(new StreamRecord(1, 0, 0, 1, 1, TOPIC_ID, 0))[0]);
    }

    @Test
    void unknownFormatVersionIsRejected() {
        byte[] bytes = Codecs.BROKER.encode(new BrokerInfo(1, "h", 1));
        bytes[0] = 3;
        CorruptRecordException e = assertThrows(CorruptRecordException.class, () -> Codecs.BROKER.decode(bytes));
        assertTrue(e.getMessage().contains("version 3"), e.getMessage());
    }

    @Test
    void aBrokerKeepsItsListenersEndpointsAndAVersionOneBrokerReadsWithNone() throws Exception {
        BrokerInfo broker = new BrokerInfo(4, "h", 9092, java.util.Map.of("PLAINTEXT", "h:9092", "SECURE", "h:9094"));
        assertEquals(broker, Codecs.BROKER.decode(Codecs.BROKER.encode(broker)));
        java.io.ByteArrayOutputStream v1 = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(v1)) {
            out.writeByte(1);
            out.writeInt(4);
            io.elasticstream.placement.rpc.PdWire.writeString(out, "h");
            out.writeInt(9092);
        }
        assertEquals(new BrokerInfo(4, "h", 9092), Codecs.BROKER.decode(v1.toByteArray()));
    }

    @Test
    void scramCredentialsRoundTripAsStored() {
        var c = new io.elasticstream.placement.api.ScramCredential("alice", "SCRAM-SHA-256", new byte[] {1, 2},
                new byte[] {3}, new byte[] {4, 5}, 4096);
        assertEquals(java.util.List.of(c), Codecs.SCRAM_CREDENTIALS.decode(Codecs.SCRAM_CREDENTIALS.encode(
                java.util.List.of(c))));
    }

    @Test
    void truncatedValueIsRejected() {
        byte[] bytes = Codecs.STREAM.encode(new StreamRecord(1, 0, 0, 1, 1, TOPIC_ID, 0));
        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThrows(CorruptRecordException.class, () -> Codecs.STREAM.decode(truncated),
                    "truncated to " + length);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] bytes = Codecs.COUNTER.encode(7L);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(CorruptRecordException.class, () -> Codecs.COUNTER.decode(longer));
    }

    @Test
    void garbageStringLengthIsRejectedWithoutAllocatingIt() {
        byte[] bytes = Codecs.BROKER.encode(new BrokerInfo(1, "h", 1));
        // version(1) id(4) then the host length: make it negative.
        bytes[5] = (byte) 0xff;
        assertThrows(CorruptRecordException.class, () -> Codecs.BROKER.decode(bytes));
    }

    private static <T> T roundTrip(RecordCodec<T> codec, T value) {
        return codec.decode(codec.encode(value));
    }
}
