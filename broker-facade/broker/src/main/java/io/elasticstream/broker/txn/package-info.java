/**
 * The transaction coordinator (KIP-98, KIP-360, KIP-890): transactional ids, their producer ids and epochs,
 * and the state machine of their transactions ({@link io.elasticstream.broker.txn.TxnState}), persisted in
 * the internal topic {@code __transaction_state} ({@link io.elasticstream.broker.txn.TxnRecords}), with the
 * markers written through {@link io.elasticstream.broker.txn.TxnMarkers}.
 *
 * <p>The Kafka APIs reach it through the api package ({@code TxnApis}); the
 * {@code __transaction_state} partitions open here are seen through {@link io.elasticstream.broker.txn.TxnLogs} /
 * {@link io.elasticstream.broker.txn.TxnLog}; the partition side it relies on (markers, the last stable
 * offset, the aborted-transaction index) is in the partition package. The whole design, with the failover
 * between markers: {@code docs/transactions.md}.
 *
 * <p>Threading: {@link io.elasticstream.broker.txn.TransactionCoordinator} owns all state on one thread;
 * requests, timer ticks and append/replay completions are queued to it. Time comes from an injected
 * {@code Clock}. Depends on the partition package (its logs) and kafka-clients' types only.
 */
package io.elasticstream.broker.txn;
