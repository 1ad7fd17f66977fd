/**
 * The group coordinator: classic consumer groups (JoinGroup, SyncGroup, Heartbeat, LeaveGroup), KIP-848
 * consumer groups (ConsumerGroupHeartbeat, ConsumerGroupDescribe), KIP-932 share groups (ShareGroupHeartbeat,
 * ShareGroupDescribe, and the share-partition states their partitions' leaders keep here), committed offsets,
 * and their persistence as records in the internal topic {@code __consumer_offsets}.
 *
 * <p>Pieces, each testable alone with a manual clock and an in-memory {@link io.elasticstream.broker.group.GroupLog}:
 * <ul>
 *   <li>{@link io.elasticstream.broker.group.GroupCoordinator}: the entry point and owner thread; admin answers;
 *   <li>{@link io.elasticstream.broker.group.CoordinatorPartitions}: loading and unloading the
 *       {@code __consumer_offsets} partitions open here;
 *   <li>{@link io.elasticstream.broker.group.GroupStore}: the groups by id and how replayed records rebuild
 *       them; {@link io.elasticstream.broker.group.GroupRecords}: the record codec (Kafka's format);
 *   <li>{@link io.elasticstream.broker.group.Group}: what every kind of group answers;
 *       {@link io.elasticstream.broker.group.ClassicGroup}: the classic state machine, its transition table in
 *       the class doc; {@link io.elasticstream.broker.group.ClassicGroupProtocol}: the requests and deadlines
 *       that drive it;
 *   <li>{@link io.elasticstream.broker.group.ConsumerGroup} and
 *       {@link io.elasticstream.broker.group.ConsumerGroupMember}: a KIP-848 group, its epochs, members and
 *       target assignment; {@link io.elasticstream.broker.group.ConsumerGroupProtocol}: heartbeats,
 *       reconciliation (revoke before assign) and timeouts; {@link io.elasticstream.broker.group.UniformAssignor}
 *       and {@link io.elasticstream.broker.group.RangeAssignor}: the server-side assignors;
 *       {@link io.elasticstream.broker.group.ConsumerGroupRecords}: their records, written before each answer;
 *       {@link io.elasticstream.broker.group.TopicImage}: the topics they subscribe to;
 *       {@link io.elasticstream.broker.group.ConsumerGroupConfig}: the broker's KIP-848 settings;
 *   <li>online migration between the protocols ({@link io.elasticstream.broker.group.ConsumerGroupMigrationPolicy},
 *       {@code group.consumer.migration.policy}): {@link io.elasticstream.broker.group.GroupConversions} converts a
 *       classic group with members into a consumer group when a KIP-848 member joins, and back when only classic
 *       members are left; {@link io.elasticstream.broker.group.ClassicMembersOfConsumerGroup} serves the JoinGroup,
 *       SyncGroup, Heartbeat and LeaveGroup of a consumer group's members that speak the classic protocol (their
 *       {@link io.elasticstream.broker.group.ClassicMemberMetadata});
 *   <li>{@link io.elasticstream.broker.group.ShareGroup} and {@link io.elasticstream.broker.group.ShareGroupMembership}:
 *       a KIP-932 group, its members, epochs and states; {@link io.elasticstream.broker.group.ShareGroupProtocol}:
 *       heartbeats, expiry, describe, and the states' reads and writes;
 *       {@link io.elasticstream.broker.group.SimpleShareAssignor}: Kafka's {@code simple} assignor;
 *       {@link io.elasticstream.broker.group.ShareGroupRecords}: the group's epoch and states in the log;
 *       {@link io.elasticstream.broker.group.ShareGroupConfig}: the broker's membership settings;
 *   <li>{@link io.elasticstream.broker.group.OffsetStore} and {@link io.elasticstream.broker.group.GroupOffsets}:
 *       OffsetCommit, TxnOffsetCommit (pending until the transaction's marker), OffsetFetch, OffsetDelete.
 *   <li>{@link io.elasticstream.broker.group.GroupConfigs}: each group's dynamic configs (Kafka's GROUP config
 *       resource, kept at PD), cached for the coordinators and resolved against the broker settings.
 * </ul>
 *
 * <p>Threading: all group state is owned by the coordinator's one thread; requests, timer ticks and
 * append/replay completions are queued to it. No lock is held across I/O. Time comes from an injected
 * {@code Clock}; session, rebalance and join deadlines are checked by {@code tick()}, which a timer calls
 * periodically (tests call it after advancing a manual clock).
 *
 * <p>Depends on kafka-clients' message classes, the partition package (for the log), the placement
 * API (to create the internal topic and find its owners, and for group configs) and the config package
 * (group config rules), and the share package (a share-partition's state and its codec). Nothing in the broker
 * depends on it except the api package.
 */
package io.elasticstream.broker.group;
