package io.elasticstream.compat.bench;

/**
 * How much each run does. Records are always 1 KiB, produced with acks=all to 8-partition topics.
 *
 * @param produceRecords records for the unlimited-rate ProducerPerformance (then read back by ConsumerPerformance)
 * @param fixedRateRecords records for the fixed-rate ProducerPerformance
 * @param fixedRatePerSec the fixed rate, records per second
 * @param transactionalRecords records for the transactional ProducerPerformance (unlimited rate, a transaction
 *                             every {@value #TRANSACTION_MS} ms)
 * @param endToEndRecords round trips for EndToEndLatency (one at a time)
 * @param groupMembers members of the group whose rebalances are timed (one partition each)
 * @param shareRecords records read by {@value #SHARE_CONSUMERS} share consumers from one partition
 * @param runs how many times each broker is measured (medians are quoted)
 */
record Workload(String name, int produceRecords, int fixedRateRecords, int fixedRatePerSec, int transactionalRecords,
                int endToEndRecords, int groupMembers, int shareRecords, int runs) {
    static final int TRANSACTION_MS = 100;
    static final int RECORD_SIZE_BYTES = 1024;
    static final int PARTITIONS = 8;
    static final int IDLE_SECONDS = 5;
    /** The share group's consumers, all on one partition. */
    static final int SHARE_CONSUMERS = 3;

    static Workload shortMode() {
        return new Workload("short (smoke test)", 20_000, 10_000, 10_000, 10_000, 500, 3, 5_000, 1);
    }

    static Workload fullMode(int runs) {
        return new Workload("full", 200_000, 100_000, 10_000, 100_000, 2_000, 10, 100_000, runs);
    }

    Workload withRuns(int newRuns) {
        return new Workload(name, produceRecords, fixedRateRecords, fixedRatePerSec, transactionalRecords,
                endToEndRecords, groupMembers, shareRecords, newRuns);
    }
}
