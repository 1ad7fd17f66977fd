/**
 * Topics as the broker sees them: lookups through PD (by name and by Kafka topic id), creation with
 * Kafka's validation rules (names, partition counts, replication factors, known topic configs) and
 * auto-creation, config alteration and partition increases, and the per-topic
 * {@code max.message.bytes} the produce path enforces.
 *
 * <p>Thread-safe; asynchronous. Depends on the placement API and kafka-clients' validation helpers.
 */
package io.elasticstream.broker.topic;
