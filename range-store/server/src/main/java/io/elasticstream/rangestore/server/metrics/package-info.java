/**
 * Range server metrics ({@code rangestore.*}) on the process's Dropwizard registry, which the process
 * main passes in. {@link io.elasticstream.rangestore.server.metrics.WalMetrics} observes the WAL's group
 * commits and reads its directory for segment count and disk use.
 *
 * <p>Threading: registry metrics are thread-safe; observers are called on the WAL writer thread and only
 * update metrics. Depends on metrics-core and the {@code wal} package.
 */
package io.elasticstream.rangestore.server.metrics;
