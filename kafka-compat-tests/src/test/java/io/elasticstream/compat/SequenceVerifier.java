package io.elasticstream.compat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads a topic written by {@link SequenceProducer} and checks it completely: per partition, offsets are
 * contiguous from 0, the record at offset {@code n} is sequence number {@code n} (so order is kept), and
 * key and value are byte-for-byte what was sent. Fails listing the first discrepancies.
 */
public final class SequenceVerifier {
    private static final int MAX_REPORTED_PROBLEMS = 10;

    /** How much was read and how long it took (from first fetch until every partition was at its end). */
    public record Result(long records, long elapsedNanos) {
        public double recordsPerSecond() {
            return records * 1e9 / Math.max(1, elapsedNanos);
        }
    }

    private SequenceVerifier() {
    }

    public static Result verify(String bootstrapServers, String topic, Map<Integer, Long> expectedCounts,
                                int valueSizeBytes, Duration timeout) {
        int partitions = expectedCounts.size();
        long[] nextOffset = new long[partitions];
        List<String> problems = new ArrayList<>();
        long[] problemCount = {0};
        long startNs = System.nanoTime();
        Map<Integer, Long> ends = TopicReader.forEachRecord(bootstrapServers, topic, partitions, timeout, record -> {
            int p = record.partition();
            long offset = record.offset();
            String problem = null;
            if (offset != nextOffset[p]) {
                problem = "partition " + p + ": got offset " + offset + " where offset " + nextOffset[p]
                        + " was expected (offsets must be contiguous from 0, in order)";
            } else if (!Arrays.equals(record.key(), Payloads.key(p, offset))) {
                problem = "partition " + p + " offset " + offset + ": key " + Payloads.describe(record.key())
                        + ", expected " + Payloads.describe(Payloads.key(p, offset));
            } else if (!Arrays.equals(record.value(), Payloads.value(p, offset, valueSizeBytes))) {
                problem = "partition " + p + " offset " + offset + ": value differs from what was sent ("
                        + (record.value() == null ? "null" : record.value().length + " bytes") + ")";
            }
            nextOffset[p] = offset + 1;
            if (problem != null && problemCount[0]++ < MAX_REPORTED_PROBLEMS) {
                problems.add(problem);
            }
        });
        long elapsedNs = System.nanoTime() - startNs;
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            long expected = expectedCounts.get(p);
            if (ends.get(p) != expected || nextOffset[p] != expected) {
                problemCount[0]++;
                problems.add("partition " + p + ": end offset " + ends.get(p) + ", read up to " + nextOffset[p]
                        + ", expected " + expected + " records");
            }
            total += nextOffset[p];
        }
        if (problemCount[0] > 0) {
            throw new AssertionError(problemCount[0] + " problems reading " + topic + "; first ones:\n  "
                    + String.join("\n  ", problems));
        }
        return new Result(total, elapsedNs);
    }
}
