package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Compares what Apache Kafka and we showed in one scenario, key by key, against the allow-list. */
public final class ObservationDiff {
    /** Shown for a key that one broker's observation does not have. */
    public static final String ABSENT = "(absent)";

    private ObservationDiff() {
    }

    /** One key whose values differ; {@code allowedBy} is the allow-list entry that accepts it, if any. */
    public record Difference(String key, String reference, String ours, Optional<DifferentialAllowlist.Entry> allowedBy) {
        public boolean allowed() {
            return allowedBy.isPresent();
        }

        @Override
        public String toString() {
            return key + "\n      kafka: " + reference + "\n      ours:  " + ours
                    + allowedBy.map(e -> "\n      allowed by " + e).orElse("");
        }
    }

    /** Every key (in the reference's order, then ours) whose value is not the same in both. */
    public static List<Difference> compare(String scenario, Observation reference, Observation ours,
                                           DifferentialAllowlist allowlist) {
        Set<String> keys = new LinkedHashSet<>(reference.values().keySet());
        keys.addAll(ours.values().keySet());
        List<Difference> out = new ArrayList<>();
        for (String key : keys) {
            String kafka = reference.values().getOrDefault(key, ABSENT);
            String us = ours.values().getOrDefault(key, ABSENT);
            if (!kafka.equals(us)) {
                out.add(new Difference(key, kafka, us, allowlist.find(scenario, key)));
            }
        }
        return out;
    }

    /** A failure message listing the differences no entry accepts (and, for context, those it does). */
    public static String describe(String scenario, List<Difference> differences) {
        StringBuilder out = new StringBuilder("scenario '" + scenario + "': Elastic Stream differs from Apache "
                + "Kafka where the allow-list (" + DifferentialAllowlist.RESOURCE + ") does not accept it:\n");
        differences.stream().filter(d -> !d.allowed()).forEach(d -> out.append("  ").append(d).append('\n'));
        long allowed = differences.stream().filter(Difference::allowed).count();
        if (allowed > 0) {
            out.append("(").append(allowed).append(" allowed difference(s) not shown)\n");
        }
        return out.toString();
    }
}
