/**
 * The stream client's public face, used by brokers: open a stream as its single writer, append
 * batches (the client assigns offsets: a batch of N records takes N offsets), read batches by offset.
 * Replication is the client's job (ARCHITECTURE.md §3): every batch goes to every replica of the open
 * range and is confirmed once {@code ackCount} replicas hold it durably.
 *
 * <p>All methods are thread-safe and asynchronous. Depends on the placement API and the stream RPC
 * protocol.
 */
package io.elasticstream.streamclient.api;
