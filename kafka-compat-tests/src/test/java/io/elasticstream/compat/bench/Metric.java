package io.elasticstream.compat.bench;

/** One measured quantity of the benchmark, how it reads in the table, and the goal we chase for it (if any). */
enum Metric {
    STARTUP_MS("Start-up time (process start → ready)", "ms", false, 0.5),
    IDLE_RSS_MIB("Idle RSS (5 s after ready)", "MiB", false, 0.5),
    PRODUCE_RECORDS_PER_SEC("Produce throughput, unlimited rate", "records/s", true, 1.3),
    PRODUCE_MIB_PER_SEC("Produce throughput, unlimited rate", "MiB/s", true, null),
    PRODUCE_P99_MS("Produce p99 latency, unlimited rate", "ms", false, null),
    FIXED_P50_MS("Produce p50 latency at fixed rate", "ms", false, null),
    FIXED_P99_MS("Produce p99 latency at fixed rate", "ms", false, 0.5),
    FIXED_P999_MS("Produce p99.9 latency at fixed rate", "ms", false, null),
    TXN_PRODUCE_RECORDS_PER_SEC("Transactional produce throughput (100 ms transactions)", "records/s", true, 1.0),
    TXN_PRODUCE_P99_MS("Transactional produce p99 latency", "ms", false, null),
    CONSUME_RECORDS_PER_SEC("Consume throughput, catch-up (fetch phase)", "records/s", true, 1.3),
    CONSUME_MIB_PER_SEC("Consume throughput, catch-up (fetch phase)", "MiB/s", true, null),
    E2E_AVG_MS("End-to-end latency, average", "ms", false, null),
    E2E_P99_MS("End-to-end latency, p99", "ms", false, null),
    GROUP_JOIN_CLASSIC_MS("Group of N members joining, classic protocol", "ms", false, null),
    GROUP_LEAVE_CLASSIC_MS("Rebalance after a member leaves, classic protocol", "ms", false, null),
    GROUP_JOIN_CONSUMER_MS("Group of N members joining, consumer protocol (KIP-848)", "ms", false, 1.0),
    GROUP_LEAVE_CONSUMER_MS("Rebalance after a member leaves, consumer protocol (KIP-848)", "ms", false, 1.0),
    SHARE_CONSUME_RECORDS_PER_SEC("Share-group consume, 3 consumers on one partition (KIP-932)", "records/s", true,
            1.0);

    final String label;
    final String unit;
    final boolean higherIsBetter;
    /** The ratio us/Kafka we aim for (at least this when higher is better, at most otherwise); null: none. */
    final Double goalRatio;

    Metric(String label, String unit, boolean higherIsBetter, Double goalRatio) {
        this.label = label;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.goalRatio = goalRatio;
    }
}
