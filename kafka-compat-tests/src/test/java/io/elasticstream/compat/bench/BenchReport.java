package io.elasticstream.compat.bench;

import io.elasticstream.compat.bench.BenchMain.BenchResults;
import io.elasticstream.compat.bench.Contender.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders the benchmark results as a markdown section headed {@value #HEADING}: context (date, machine,
 * durability), the side-by-side table of medians with the ratio us/Kafka, and every run's raw values.
 * {@link #writeInto} replaces only that section of an existing file, so other sections survive.
 */
final class BenchReport {
    static final String HEADING = "## Elastic Stream vs Apache Kafka";
    private final Workload workload;
    private final BenchResults results;
    private final String commit;
    private final String load;
    private final ZonedDateTime when = ZonedDateTime.now(ZoneOffset.UTC);

    BenchReport(Workload workload, BenchResults results, String commit, String load) {
        this.workload = workload;
        this.results = results;
        this.commit = commit;
        this.load = load;
    }

    String markdownSection() {
        StringBuilder md = new StringBuilder();
        md.append(HEADING).append("\n\n");
        md.append("Run of ").append(when.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(" at commit `").append(commit).append("`, `bin/bench` ").append(workload.name())
                .append(" mode, ").append(workload.runs()).append(workload.runs() == 1 ? " run" : " runs")
                .append(" per broker (medians; runs alternate Kafka, us, Kafka, us, ...).\n\n");
        md.append("- Machine: ").append(Machine.describe()).append(". Brokers and the Kafka tools ran one at a "
                + "time on the same machine over loopback; the VM is shared with other work, so numbers are noisy (")
                .append(load).append("; on 2 cores, above 1 means something else was running).\n");
        md.append("- Workload: 1 KiB records, `acks=all`, 8-partition topics, replication factor 1. Unlimited "
                        + "rate: ").append(fmt(workload.produceRecords())).append(" records (read back by "
                        + "`ConsumerPerformance`, fetch phase only). Fixed rate: ")
                .append(fmt(workload.fixedRateRecords())).append(" records at ").append(fmt(workload.fixedRatePerSec()))
                .append(" records/s. `EndToEndLatency`: ").append(fmt(workload.endToEndRecords()))
                .append(" round trips, 1 partition, acks=all. Group rebalances (N = ").append(workload.groupMembers())
                .append("): N Java consumers on an N-partition topic, each protocol with its defaults (classic: range "
                        + "assignor, both brokers with `group.initial.rebalance.delay.ms=0`; consumer: 5 s heartbeats, "
                        + "uniform assignor), timed from creating the consumers until each owns one partition, then from "
                        + "closing one until the others own them all. Share-group consume: ")
                .append(fmt(workload.shareRecords())).append(" records in one partition, then ")
                .append(Workload.SHARE_CONSUMERS).append(" `KafkaShareConsumer`s of a group set to "
                        + "`share.auto.offset.reset=earliest` (implicit acknowledgement, defaults otherwise), timed "
                        + "from the first delivery to the last record's first delivery (the join is not counted).\n");
        md.append("- Durability: **Elastic Stream fsyncs before every ack**; Apache Kafka by default does not "
                + "(`acks=all` with one replica is acknowledged from the page cache; `log.flush.interval.messages` "
                + "is unlimited).\n");
        md.append("- Start-up: Kafka from launching `kafka.Kafka` (storage already formatted) to the first "
                + "answered DescribeCluster; us from launching `bin/quickstart` (includes its JDK check) to its "
                + "`bootstrap.servers=` line. Idle RSS: VmRSS 5 s after ready. JVM flags: Kafka those of "
                + "`kafka-server-start.sh` (`-Xms1G -Xmx1G`, G1); ours those of `bin/quickstart` "
                + "(`-Xms256m -Xmx2g`).\n\n");
        md.append("| Metric | Unit | ").append(Kind.APACHE_KAFKA.displayName).append(" | ")
                .append(Kind.ELASTIC_STREAM.displayName).append(" | us/Kafka | Better | Goal |\n");
        md.append("|---|---|---:|---:|---:|---|---|\n");
        for (Metric metric : Metric.values()) {
            List<Double> kafka = results.values(Kind.APACHE_KAFKA, metric);
            List<Double> ours = results.values(Kind.ELASTIC_STREAM, metric);
            double k = kafka.isEmpty() ? Double.NaN : BenchResults.median(kafka);
            double u = ours.isEmpty() ? Double.NaN : BenchResults.median(ours);
            double ratio = k == 0 ? Double.NaN : u / k;
            md.append("| ").append(metric.label).append(" | ").append(metric.unit).append(" | ").append(cell(k))
                    .append(" | ").append(cell(u)).append(" | ")
                    .append(Double.isNaN(ratio) ? "n/a" : String.format(Locale.ROOT, "%.2f", ratio)).append(" | ")
                    .append(metric.higherIsBetter ? "higher" : "lower").append(" | ").append(goal(metric, ratio))
                    .append(" |\n");
        }
        if (results.hasFailures()) {
            md.append("\n\"failed\": no run produced a value on that broker. Failures and tool errors:\n\n");
            for (Kind kind : Kind.values()) {
                results.failures(kind).forEach(f -> md.append("- ").append(kind.displayName).append(" — ")
                        .append(f.replace("|", "\\|")).append("\n"));
            }
        }
        md.append("\n<details><summary>Every run</summary>\n\n");
        for (Kind kind : Kind.values()) {
            md.append("- ").append(kind.displayName).append(": ");
            md.append(Arrays.stream(Metric.values())
                    .map(m -> m.name().toLowerCase(Locale.ROOT) + "=" + results.values(kind, m).stream()
                            .map(BenchReport::fmt).collect(Collectors.joining("/")))
                    .collect(Collectors.joining(", ")));
            md.append("\n");
        }
        md.append("\n</details>\n");
        return md.toString();
    }

    private static String goal(Metric metric, double ratio) {
        if (metric.goalRatio == null) {
            return "";
        }
        String target = (metric.higherIsBetter ? "≥ " : "≤ ") + metric.goalRatio + "×";
        if (Double.isNaN(ratio)) {
            return target;
        }
        boolean met = metric.higherIsBetter ? ratio >= metric.goalRatio : ratio <= metric.goalRatio;
        return target + (met ? " (met)" : " (not met)");
    }

    private static String cell(double value) {
        return Double.isNaN(value) ? "failed" : fmt(value);
    }

    static String fmt(double value) {
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, abs >= 10 ? "%.1f" : "%.2f", value);
    }

    /** Writes the section into {@code file}: replaces an existing section with the same heading, else appends. */
    void writeInto(Path file) throws IOException {
        String section = markdownSection();
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                : "# Benchmarks\n\nMeasured results, newest run per section. Reproduce with the command named in "
                        + "each section.\n\n";
        String updated;
        int start = existing.indexOf(HEADING + "\n");
        if (start < 0) {
            updated = existing + (existing.endsWith("\n\n") ? "" : existing.endsWith("\n") ? "\n" : "\n\n") + section;
        } else {
            int next = existing.indexOf("\n## ", start + HEADING.length());
            updated = existing.substring(0, start) + section + (next < 0 ? "" : existing.substring(next));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
