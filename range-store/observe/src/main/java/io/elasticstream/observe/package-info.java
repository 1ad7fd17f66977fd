/**
 * Observability plumbing for process mains: the one Dropwizard {@link com.codahale.metrics.MetricRegistry}
 * per process with the JVM's metrics ({@link io.elasticstream.observe.ProcessMetrics}), its JMX view, and
 * the process HTTP server ({@link io.elasticstream.observe.MetricsHttpServer}) that serves Prometheus
 * {@code /metrics} (dotted Dropwizard names mapped to Prometheus names with labels by
 * {@link io.elasticstream.observe.PrometheusNames}) and the status page ({@code /status}, static files from
 * the classpath, plus a JSON document the caller supplies); and the shutdown plumbing of cluster process
 * mains ({@link io.elasticstream.observe.ProcessLifecycle}).
 *
 * <p>Logic modules never depend on this package: they take a {@code MetricRegistry} (metrics-core only)
 * through their constructors. Only mains (standalone, cluster processes) wire this module in.
 *
 * <p>Threading: the HTTP server answers on its own small thread pool; the registry is thread-safe.
 * Depends on es-common, metrics-core/jvm/jmx and the Prometheus Dropwizard bridge and HTTP exporter.
 */
package io.elasticstream.observe;
