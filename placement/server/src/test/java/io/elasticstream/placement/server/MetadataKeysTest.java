package io.elasticstream.placement.server;

import io.elasticstream.placement.api.TopicId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataKeysTest {
    private final MetadataKeys keys = new MetadataKeys("/es/");

    @Test
    void keysLiveUnderTheClusterPrefix() {
        assertEquals("/es/topics/orders", keys.topic("orders"));
        assertEquals("/es/streams/00000000000000000042", keys.stream(42));
        assertEquals("/es/ranges/00000000000000000042/0000000003", keys.range(42, 3));
        assertEquals("/es/brokers/0000000001", keys.broker(1));
        assertEquals("/es/range-servers/0000000002", keys.rangeServer(2));
        assertEquals("/es/ids/stream", keys.streamIdCounter());
        assertEquals("/es/partitions/00000000000000ff8000000000000001/0000000005",
                keys.partition(new TopicId(0xff, 0x8000_0000_0000_0001L), 5));
    }

    @Test
    void paddedKeysSortInNumericOrder() {
        List<String> ranges = new ArrayList<>();
        for (int index : new int[]{0, 9, 10, 100, 2}) {
            ranges.add(keys.range(7, index));
        }
        List<String> sorted = ranges.stream().sorted().toList();
        assertEquals(List.of(keys.range(7, 0), keys.range(7, 2), keys.range(7, 9), keys.range(7, 10),
                keys.range(7, 100)), sorted);
        assertTrue(keys.stream(9).compareTo(keys.stream(10)) < 0);
        assertTrue(keys.stream(Long.MAX_VALUE - 1).compareTo(keys.stream(Long.MAX_VALUE)) < 0);
    }

    @Test
    void oneStreamsRangesPrefixDoesNotMatchAnotherStream() {
        assertFalse(keys.range(10, 0).startsWith(keys.rangesPrefix(1)));
        assertTrue(keys.range(1, 0).startsWith(keys.rangesPrefix(1)));
    }

    @Test
    void partitionKeyParsesBackToTopicIdAndPartition() {
        TopicId id = new TopicId(-1L, 0x0123_4567_89ab_cdefL);
        assertEquals(new MetadataKeys.PartitionKey(id, 123), keys.parsePartition(keys.partition(id, 123)));
        assertThrows(IllegalArgumentException.class, () -> keys.parsePartition("/es/topics/x"));
    }

    @Test
    void negativeNumbersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> keys.stream(-1));
        assertThrows(IllegalArgumentException.class, () -> keys.broker(-1));
    }
}
