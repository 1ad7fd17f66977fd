/**
 * The delivery side of share groups (KIP-932, queues), on the brokers that lead the partitions: the delivery
 * state of a partition for a share group ({@link io.elasticstream.broker.share.SharePartition}: start and end
 * offsets, in-flight records with their acquisition locks and delivery counts, acknowledgements), the
 * share-partitions of this broker with their opening and write-back to a
 * {@link io.elasticstream.broker.share.SharePartitions.StateStore} ({@link io.elasticstream.broker.share.SharePartitions}),
 * the persisted form of a state ({@link io.elasticstream.broker.share.SharePartitionStateCodec}), and the share
 * sessions of ShareFetch and ShareAcknowledge ({@link io.elasticstream.broker.share.ShareSessions}). Membership
 * lives with the group coordinator (the group package). Depends on nothing of the broker's other packages;
 * on kafka-clients' types. Design of record: docs/consumer-groups.md, "Share groups".
 */
package io.elasticstream.broker.share;
