package io.elasticstream.placement.api;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LoadRecordsTest {
    @Test
    void shortConstructorsLeaveTheNewFieldsUnknown() {
        assertEquals(new BrokerLoad(3, 10, 20, 0, 0), new BrokerLoad(3, 10, 20));
        assertEquals(new RangeServerLoad(3, 10, 20, 0, 0, 0), new RangeServerLoad(3, 10, 20));
    }

    @Test
    void latenciesMustBeFiniteAndNotNegativeAndDiskUseNotNegative() {
        assertThrows(IllegalArgumentException.class, () -> new BrokerLoad(0, 0, 0, -0.5, 0));
        assertThrows(IllegalArgumentException.class, () -> new BrokerLoad(0, 0, 0, 0, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new BrokerLoad(0, 0, 0, Double.POSITIVE_INFINITY, 0));
        assertThrows(IllegalArgumentException.class, () -> new RangeServerLoad(0, 0, 0, Double.NaN, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RangeServerLoad(0, 0, 0, 0, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new RangeServerLoad(0, 0, 0, 0, 0, -1));
        assertEquals(0.25, new RangeServerLoad(0, 0, 0, 0.25, 1, 2).walFsyncP99Ms());
    }
}
