/**
 * {@code bin/bench}: Elastic Stream against a real Apache Kafka 4.4 broker on the same machine, measured with
 * Kafka's own tools ({@code ProducerPerformance}, {@code ConsumerPerformance}, {@code EndToEndLatency}) plus
 * start-up time and idle RSS, repeated, medians compared side by side.
 *
 * <p>{@link io.elasticstream.compat.bench.BenchMain} is a plain {@code main} run by {@code bin/bench} on the
 * module's test classpath; {@code BenchSmokeTest} runs it in short mode as a smoke test (no thresholds).
 * {@link io.elasticstream.compat.bench.FailoverBench} ({@code bin/bench-failover}) SIGKILLs brokers and range
 * servers of a {@link io.elasticstream.compat.ClusterHarness} cluster under a producer and reports how long
 * partitions were unavailable and how produce latency suffered (its own threads: see its class comment).
 *
 * <p>Threading: single-threaded; brokers and tools are child processes run one at a time.
 *
 * <p>Dependencies: the compat harnesses ({@link io.elasticstream.compat.ApacheKafkaBroker},
 * {@link io.elasticstream.compat.StandaloneServer}), Kafka clients and tools. Time is real wall-clock time
 * (it is what is measured); the only deliberate wait is the 5 s idle period before reading RSS.
 */
package io.elasticstream.compat.bench;
