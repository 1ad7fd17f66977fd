/**
 * Metrics of writer-side replication ({@code rangestore.replication.*}) on the process's Dropwizard
 * registry, passed in by the process main through {@code DefaultStreamClient}.
 *
 * <p>Threading: called from any thread (append callers, RPC event loops, the scheduler); metrics are
 * thread-safe. Depends on metrics-core and es-common only.
 */
package io.elasticstream.streamclient.metrics;
