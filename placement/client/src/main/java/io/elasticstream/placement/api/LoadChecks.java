package io.elasticstream.placement.api;

/** Validation shared by the load reports. */
final class LoadChecks {
    private LoadChecks() {
    }

    /** A latency in milliseconds: finite and not negative. */
    static void millis(String name, double value) {
        if (!Double.isFinite(value) || value < 0) {
            throw new IllegalArgumentException(name + " " + value + " must be finite and not negative");
        }
    }
}
