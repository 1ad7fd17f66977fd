/**
 * Broker metrics ({@code broker.*}) on the process's Dropwizard registry, passed in by the process main.
 * {@link io.elasticstream.broker.metrics.InstrumentedHandler} wraps the Kafka API dispatch once (rate,
 * latency and errors per API, bytes per topic), {@link io.elasticstream.broker.metrics.BrokerMetrics}
 * holds the metric objects and observes connections; handlers themselves are not instrumented.
 *
 * <p>Threading: metrics are thread-safe; the wrapper's completion callbacks run on whatever thread
 * completes a response. Depends on metrics-core, kafka-clients' message classes, {@code net} and
 * {@code topic}.
 */
package io.elasticstream.broker.metrics;
