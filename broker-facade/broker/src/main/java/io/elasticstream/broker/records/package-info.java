/**
 * The only package that touches Kafka's internal record classes
 * ({@code org.apache.kafka.common.record.internal}, an internal API of the pinned kafka-clients 4.4.0):
 * validating produced v2 batches in place, stamping base offset and leader epoch (both outside the batch
 * CRC), reading batch headers for producer state, and finding records by timestamp.
 *
 * <p>Stateless; thread-safe. Keep every use of the internal API here so an upgrade touches one package.
 */
package io.elasticstream.broker.records;
