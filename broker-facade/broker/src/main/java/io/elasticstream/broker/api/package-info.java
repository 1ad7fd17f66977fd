/**
 * One handler per Kafka API, and {@link io.elasticstream.broker.api.KafkaApis}, which advertises the
 * supported version ranges (Kafka 4.4's, see {@link io.elasticstream.broker.api.SupportedApis}) and
 * dispatches. Every failure is turned into a Kafka error code in exactly one place,
 * {@link io.elasticstream.broker.api.ErrorMapper}. Incremental fetch sessions live in
 * {@link io.elasticstream.broker.api.FetchSessionCache}.
 *
 * <p>Handlers never block: they complete futures from PD, stream and timer callbacks. Depends on the
 * partition and topic packages, the placement API and kafka-clients' message classes.
 */
package io.elasticstream.broker.api;
