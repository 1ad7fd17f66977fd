/**
 * Share groups (KIP-932, queues), not served yet: the delivery state of a partition for a share group
 * ({@link io.elasticstream.broker.share.SharePartition}: start and end offsets, in-flight records with their
 * acquisition locks and delivery counts, acknowledgements, and the state that is persisted, encoded by
 * {@link io.elasticstream.broker.share.SharePartitionStateCodec}), membership through
 * ShareGroupHeartbeat ({@link io.elasticstream.broker.share.ShareGroups}) and the {@code simple} assignor
 * ({@link io.elasticstream.broker.share.SimpleShareAssignor}). Design of record: docs/consumer-groups.md,
 * "Share groups". Depends on the group package's topic image and kafka-clients' messages.
 */
package io.elasticstream.broker.share;
