package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The allow-list format and the observation comparison of the differential suite (no brokers involved). */
class DifferentialAllowlistTest {
    private static final DifferentialAllowlist ALLOW = DifferentialAllowlist.parse("""
            # comment

            listOffsets | latest\\..*|x    | only the latest keys (or x)
            *           | describe\\.id  | ids differ everywhere
            """);

    @Test
    void aDifferenceIsAllowedOnlyByAnEntryForItsScenarioWhosePatternMatchesTheWholeKey() {
        assertTrue(ALLOW.find("listOffsets", "latest.offset").isPresent());
        assertTrue(ALLOW.find("listOffsets", "x").isPresent(), "'|' without spaces is part of the pattern");
        assertFalse(ALLOW.find("createTopic", "latest.offset").isPresent(), "other scenario");
        assertFalse(ALLOW.find("listOffsets", "x.latest.offset").isPresent(), "pattern must match the whole key");
        assertTrue(ALLOW.find("anything", "describe.id").isPresent(), "* matches every scenario");
        assertEquals(3, ALLOW.find("listOffsets", "latest.x").orElseThrow().line());
    }

    @Test
    void comparisonReportsChangedMissingAndExtraKeysAndWhichAreAllowed() {
        Observation kafka = new Observation("127.0.0.1:9092").put("latest.offset", 5).put("earliest", 0)
                .put("onlyKafka", "x");
        Observation ours = new Observation("127.0.0.1:7777").put("latest.offset", 6).put("earliest", 0)
                .put("onlyOurs", "y");
        List<ObservationDiff.Difference> diffs = ObservationDiff.compare("listOffsets", kafka, ours, ALLOW);
        assertEquals(List.of("latest.offset", "onlyKafka", "onlyOurs"),
                diffs.stream().map(ObservationDiff.Difference::key).toList());
        assertTrue(diffs.get(0).allowed());
        assertEquals(ObservationDiff.ABSENT, diffs.get(1).ours());
        assertEquals(ObservationDiff.ABSENT, diffs.get(2).reference());
        String message = ObservationDiff.describe("listOffsets", diffs);
        assertTrue(message.contains("onlyKafka") && !message.contains("latest.offset"), message);
    }

    @Test
    void observationsReplaceTheBootstrapAddressAndPortSoTwoBrokersCompareEqual() {
        Observation a = new Observation("127.0.0.1:9092").put("node", "id=1 127.0.0.1:9092 rack=null")
                .put("from", "broker 1: 127.0.0.1:9092/1");
        Observation b = new Observation("127.0.0.1:40123").put("node", "id=1 127.0.0.1:40123 rack=null")
                .put("from", "broker 1: 127.0.0.1:40123/1");
        assertEquals(a, b);
        assertEquals("broker 1: <bootstrap>/1", a.values().get("from"));
    }

    @Test
    void malformedAllowlistLinesAreRejectedWithTheirLineNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DifferentialAllowlist.parse("ok | a | b\nmissing reason | x\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void theSuiteAllowlistParsesAndEveryEntryHasAReason() {
        DifferentialAllowlist.load().entries().forEach(entry -> assertFalse(entry.reason().isBlank(), entry::toString));
    }
}
