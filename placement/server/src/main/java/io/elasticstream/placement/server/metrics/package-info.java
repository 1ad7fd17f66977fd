/**
 * Placement driver metrics ({@code placement.*}) on the process's Dropwizard registry, passed in by the
 * process main. Thread-safe; depends on metrics-core and es-common only.
 */
package io.elasticstream.placement.server.metrics;
