/**
 * What the group and transaction coordinators share: {@link io.elasticstream.broker.coordinator.PartitionLoads},
 * the partitions of an internal topic ({@code __consumer_offsets}, {@code __transaction_state}) a coordinator
 * serves, loaded by replaying their records when they open on this broker and unloaded when they close or
 * fail. Depends on nothing in the broker but Kafka's error codes; {@code group} and {@code txn} depend on it.
 */
package io.elasticstream.broker.coordinator;
