/**
 * The range server's stream RPC endpoint: a Netty server that decodes frames, hands each request to
 * the {@link io.elasticstream.rangestore.server.store.RangeStore}, and writes the response when the
 * store completes it. Event loops never block: appends complete asynchronously from the WAL, fetches
 * (which read files) run on a small read pool.
 *
 * <p>COPY_RANGE ({@code RangeCopy}) makes this server a new replica of a sealed range: it pulls the
 * batches from the range's other replicas with ordinary FETCH requests (through a stream RPC client of its
 * own) and stores them with the same create, append and seal as a writer's, sealing only once all of it
 * is durable. PD sends it to re-replicate ranges that lost a replica.
 *
 * <p>A malformed frame or an unknown opcode closes only that connection, with a log line.
 */
package io.elasticstream.rangestore.server.net;
