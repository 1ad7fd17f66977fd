/**
 * Partitions this broker owns, each backed by one stream (Kafka offset == stream offset, leader epoch
 * == stream epoch). {@link io.elasticstream.broker.partition.PartitionManager} follows PD's assignments
 * and opens/closes {@link io.elasticstream.broker.partition.PartitionLog}s; a partition log validates and
 * appends produced batches with idempotent-producer checks, serves reads up to the high watermark (the
 * stream's confirmed offset) and wakes long-polling fetches. The log start offset is the stream's start,
 * moved by DeleteRecords and by the {@link io.elasticstream.broker.partition.RetentionAgent}
 * ({@code retention.ms}, {@code retention.bytes}); {@link io.elasticstream.broker.partition.LeaderEpochCache}
 * derives Kafka's leader-epoch history from the stream's ranges.
 *
 * <p>Transactions: transactional batches open their producer's transaction on the partition, COMMIT/ABORT
 * markers ({@code PartitionLog.appendMarker}, written for the transaction coordinator) end it; the last
 * stable offset is the first offset of the oldest open transaction (capped by the high watermark), and
 * aborted transactions are indexed for {@code read_committed} fetches. Both live in the producer state
 * ({@link io.elasticstream.broker.partition.ProducerStateTable}) and so in its snapshots at PD.
 * A transactional batch that would open its producer's transaction here is written only once the
 * transaction's coordinator confirmed the partition is in it, and no marker came since
 * ({@link io.elasticstream.broker.partition.TxnVerifications}, KIP-890).
 * {@link io.elasticstream.broker.partition.KeyedRecordLog} is an internal topic's partition used as a
 * key/value log by a coordinator.
 *
 * <p>Threading: a partition's producer state and append ordering are guarded by the partition's monitor,
 * held only for in-memory work (offsets are assigned synchronously by the stream); completions run on
 * stream client threads. Depends on the stream client API, the placement API and the records package.
 */
package io.elasticstream.broker.partition;
