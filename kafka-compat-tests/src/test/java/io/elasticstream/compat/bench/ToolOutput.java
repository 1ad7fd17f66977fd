package io.elasticstream.compat.bench;

import io.elasticstream.compat.bench.ToolRunner.ToolResult;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the summary lines Kafka's performance tools print (formats of Kafka 4.4's kafka-tools). */
final class ToolOutput {
    /** {@code ProducerPerformance}'s final line: "N records sent, R records/sec (M MB/sec), ..., P ms 99.9th." */
    private static final Pattern PRODUCER_SUMMARY = Pattern.compile(
            "(\\d+) records sent, ([\\d.]+) records/sec \\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, "
                    + "([\\d.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th\\.");
    private static final Pattern E2E_AVG = Pattern.compile("Avg latency: ([\\d.]+) ms");
    private static final Pattern E2E_PERCENTILES = Pattern.compile(
            "Percentiles: 50th = (\\d+), 99th = (\\d+), 99\\.9th = (\\d+)");
    private static final String CONSUMER_HEADER = "start.time,";

    private ToolOutput() {
    }

    /** Summary of one ProducerPerformance run ("MB" in Kafka's tools is 2^20 bytes). */
    record ProducerSummary(long records, double recordsPerSec, double mibPerSec, double avgMs, double p50Ms,
                           double p99Ms, double p999Ms) {
    }

    /** Summary of one ConsumerPerformance run: the fetch phase (after the group join). */
    record ConsumerSummary(long records, double fetchMibPerSec, double fetchRecordsPerSec, long rebalanceMs) {
    }

    /** Summary of one EndToEndLatency run. */
    record EndToEndSummary(double avgMs, double p50Ms, double p99Ms, double p999Ms) {
    }

    static ProducerSummary producer(ToolResult result) {
        List<String> lines = result.lines();
        for (String line : lines.reversed()) {
            Matcher m = PRODUCER_SUMMARY.matcher(line);
            if (m.find()) {
                return new ProducerSummary(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(6)),
                        Double.parseDouble(m.group(8)), Double.parseDouble(m.group(9)));
            }
        }
        throw new ToolFailure(result);
    }

    static ConsumerSummary consumer(ToolResult result) {
        List<String> lines = result.lines();
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith(CONSUMER_HEADER)) {
                String[] header = lines.get(i).split(",\\s*");
                String[] values = lines.get(i + 1).split(",\\s*");
                if (values.length != header.length) {
                    break;
                }
                return new ConsumerSummary(Long.parseLong(values[index(header, "data.consumed.in.nMsg")]),
                        Double.parseDouble(values[index(header, "fetch.MB.sec")]),
                        Double.parseDouble(values[index(header, "fetch.nMsg.sec")]),
                        Long.parseLong(values[index(header, "rebalance.time.ms")]));
            }
        }
        throw new ToolFailure(result);
    }

    static EndToEndSummary endToEnd(ToolResult result) {
        List<String> lines = result.lines();
        Double avg = null;
        for (String line : lines) {
            Matcher a = E2E_AVG.matcher(line);
            if (a.find()) {
                avg = Double.parseDouble(a.group(1));
            }
            Matcher p = E2E_PERCENTILES.matcher(line);
            if (p.find() && avg != null) {
                return new EndToEndSummary(avg, Double.parseDouble(p.group(1)), Double.parseDouble(p.group(2)),
                        Double.parseDouble(p.group(3)));
            }
        }
        throw new ToolFailure(result);
    }

    /** A tool printed no summary: it failed; the message is its most telling output line. */
    static final class ToolFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        final int exitCode;

        ToolFailure(ToolResult result) {
            super(result.reason() + "\n" + result.describe());
            this.exitCode = result.exitCode();
        }
    }

    private static int index(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("ConsumerPerformance header has no " + name + ": " + String.join(",", header));
    }
}
