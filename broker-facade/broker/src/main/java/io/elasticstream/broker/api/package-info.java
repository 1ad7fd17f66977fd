/**
 * One handler per Kafka API, and {@link io.elasticstream.broker.api.KafkaApis}, which advertises the
 * supported version ranges (Kafka 4.4's, see {@link io.elasticstream.broker.api.SupportedApis}) and
 * dispatches. Every failure is turned into a Kafka error code in exactly one place,
 * {@link io.elasticstream.broker.api.ErrorMapper}. Incremental fetch sessions live in
 * {@link io.elasticstream.broker.api.FetchSessionCache}. FindCoordinator resolves group and transaction
 * coordinators over their internal topics ({@link io.elasticstream.broker.api.CoordinatorTopic}); the
 * transaction APIs are {@link io.elasticstream.broker.api.TxnApis}, markers go out through
 * {@link io.elasticstream.broker.api.MarkerWriter}, a transactional write's check that its partition is in
 * the transaction (KIP-890: verified for v1 clients, added for v2 ones) through
 * {@link io.elasticstream.broker.api.TxnWriteVerifier} and {@link io.elasticstream.broker.api.TxnPartitionAdder}, and the requests to other brokers through
 * {@link io.elasticstream.broker.api.PeerRequests} (docs/transactions.md). Share groups: membership through
 * {@link io.elasticstream.broker.api.ShareGroupApis}, ShareFetch and ShareAcknowledge through
 * {@link io.elasticstream.broker.api.ShareApis}, share-partition states kept at the group coordinator through
 * {@link io.elasticstream.broker.api.ShareStates} and answered there by
 * {@link io.elasticstream.broker.api.ShareStateApis}, the admin clients' share-group offsets through
 * {@link io.elasticstream.broker.api.ShareOffsetsApis} (docs/consumer-groups.md).
 *
 * <p>Handlers never block: they complete futures from PD, stream and timer callbacks. Depends on the
 * partition, topic, group, share, txn and peer packages, the placement API and kafka-clients' message classes.
 */
package io.elasticstream.broker.api;
