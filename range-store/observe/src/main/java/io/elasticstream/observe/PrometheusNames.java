package io.elasticstream.observe;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricFilter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Snapshot;
import com.codahale.metrics.Timer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How dotted Dropwizard names become Prometheus names with labels. A Dropwizard name with variable parts
 * (API, error, topic) keeps them as trailing path segments ({@code broker.requests.Produce}); the families
 * listed here turn those segments into labels ({@code broker_requests{api="Produce"}}), so Prometheus and
 * Grafana can sum and filter across them. The last label takes the rest of the name, dots included.
 * Every other metric is exported one to one (dots become underscores) by the library's
 * {@code DropwizardExports}, filtered by {@link #unlabeled()}.
 *
 * <p>Units as the library exports them: timers in seconds (quantiles 0.5, 0.75, 0.95, 0.98, 0.99, 0.999
 * and {@code _count}), histograms in their own unit, meters and counters as {@code _total} counters.
 */
public final class PrometheusNames {
    /** A labeled family: Dropwizard names {@code prefix + v1 + "." + v2...} → {@code name{labels=v...}}. */
    public record Family(String prefix, String name, List<String> labels) {
    }

    public static final List<Family> FAMILIES = List.of(
            new Family("broker.request.errors.", "broker_request_errors", List.of("api", "error")),
            new Family("broker.requests.", "broker_requests", List.of("api")),
            new Family("broker.topic.bytes.in.", "broker_topic_bytes_in", List.of("topic")),
            new Family("broker.topic.bytes.out.", "broker_topic_bytes_out", List.of("topic")),
            new Family("broker.topic.records.in.", "broker_topic_records_in", List.of("topic")));

    private static final double[] QUANTILES = {0.5, 0.75, 0.95, 0.98, 0.99, 0.999};
    private static final double SECONDS_PER_NANO = 1e-9;

    private PrometheusNames() {
    }

    /** The metrics that are not in a labeled family. */
    public static MetricFilter unlabeled() {
        return (name, metric) -> family(name) == null;
    }

    static Family family(String dropwizardName) {
        for (Family f : FAMILIES) {
            if (dropwizardName.startsWith(f.prefix()) && dropwizardName.length() > f.prefix().length()) {
                return f;
            }
        }
        return null;
    }

    /** The collector of the labeled families of {@code registry}. */
    public static MultiCollector labeledFamilies(MetricRegistry registry) {
        return () -> {
            List<MetricSnapshot> out = new ArrayList<>();
            Map<String, Metric> members = registry.getMetrics();
            for (Family f : FAMILIES) {
                List<CounterSnapshot.CounterDataPointSnapshot> counters = new ArrayList<>();
                List<GaugeSnapshot.GaugeDataPointSnapshot> gauges = new ArrayList<>();
                List<SummarySnapshot.SummaryDataPointSnapshot> summaries = new ArrayList<>();
                for (Map.Entry<String, Metric> e : members.entrySet()) {
                    if (family(e.getKey()) != f) {
                        continue;
                    }
                    Labels labels = labels(f, e.getKey().substring(f.prefix().length()));
                    if (labels == null) {
                        continue;
                    }
                    switch (e.getValue()) {
                        case Counter c -> counters.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .labels(labels).value(c.getCount()).build());
                        case Meter m -> counters.add(CounterSnapshot.CounterDataPointSnapshot.builder()
                                .labels(labels).value(m.getCount()).build());
                        case Timer t -> summaries.add(summary(labels, t.getCount(), t.getSnapshot(), SECONDS_PER_NANO));
                        case Histogram h -> summaries.add(summary(labels, h.getCount(), h.getSnapshot(), 1.0));
                        case Gauge<?> g when g.getValue() instanceof Number n -> gauges.add(
                                GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(n.doubleValue())
                                        .build());
                        default -> {
                        }
                    }
                }
                if (!counters.isEmpty()) {
                    CounterSnapshot.Builder b = CounterSnapshot.builder().name(f.name()).help(help(f));
                    counters.forEach(b::dataPoint);
                    out.add(b.build());
                } else if (!summaries.isEmpty()) {
                    SummarySnapshot.Builder b = SummarySnapshot.builder().name(f.name()).help(help(f));
                    summaries.forEach(b::dataPoint);
                    out.add(b.build());
                } else if (!gauges.isEmpty()) {
                    GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(f.name()).help(help(f));
                    gauges.forEach(b::dataPoint);
                    out.add(b.build());
                }
            }
            return new MetricSnapshots(out);
        };
    }

    private static String help(Family f) {
        return "Dropwizard " + f.prefix() + String.join(".", f.labels().stream().map(l -> "<" + l + ">").toList());
    }

    /** Splits the variable part into one value per label (the last one keeps any further dots). */
    static Labels labels(Family f, String rest) {
        int n = f.labels().size();
        String[] values = rest.split("\\.", n);
        if (values.length != n) {
            return null;
        }
        return Labels.of(f.labels().toArray(String[]::new), values);
    }

    private static SummarySnapshot.SummaryDataPointSnapshot summary(Labels labels, long count, Snapshot s,
                                                                    double factor) {
        List<Quantile> quantiles = new ArrayList<>();
        for (double q : QUANTILES) {
            quantiles.add(new Quantile(q, s.getValue(q) * factor));
        }
        return SummarySnapshot.SummaryDataPointSnapshot.builder().labels(labels).count(count)
                .quantiles(Quantiles.of(quantiles)).build();
    }
}
