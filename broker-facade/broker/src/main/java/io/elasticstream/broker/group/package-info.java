/**
 * The classic consumer-group coordinator: group membership (JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup) as an explicit state machine ({@link io.elasticstream.broker.group.ClassicGroup}),
 * committed offsets, and their persistence as records in the internal topic {@code __consumer_offsets}
 * ({@link io.elasticstream.broker.group.GroupRecords} documents the record format).
 *
 * <p>Threading: {@link io.elasticstream.broker.group.GroupCoordinator} owns all group state on one
 * thread; requests, timer ticks and append/replay completions are queued to it. No lock is held across
 * I/O. Time comes from an injected {@code Clock}; session, rebalance and join deadlines are checked by
 * {@code tick()}, which a timer calls periodically (tests call it after advancing a manual clock).
 *
 * <p>Depends on kafka-clients' message classes, the partition package (for the log) and the placement
 * API (to create the internal topic and find its owners). Nothing in the broker depends on it except
 * the api package.
 */
package io.elasticstream.broker.group;
