/**
 * Broker-to-broker Kafka requests: a transaction coordinator sends WriteTxnMarkers to the owners of a
 * transaction's partitions, and a partition owner sends AddPartitionsToTxn v5 (transactions v2's implicit
 * add) to the transaction's coordinator. {@link io.elasticstream.broker.peer.BrokerPeers} is the seam;
 * {@link io.elasticstream.broker.peer.NettyBrokerPeers} speaks the Kafka wire protocol over one reused
 * connection per broker.
 */
package io.elasticstream.broker.peer;
