/**
 * Share groups (KIP-932, queues): the delivery state of a partition for a share group
 * ({@link io.elasticstream.broker.share.SharePartition}: start and end offsets, in-flight records with their
 * acquisition locks and delivery counts, acknowledgements, and the state that is persisted). Design of
 * record: docs/consumer-groups.md, "Share groups". Depends on kafka-clients' protocol enums only.
 */
package io.elasticstream.broker.share;
