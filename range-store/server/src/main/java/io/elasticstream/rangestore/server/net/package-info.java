/**
 * The range server's stream RPC endpoint: a Netty server that decodes frames, hands each request to
 * the {@link io.elasticstream.rangestore.server.store.RangeStore}, and writes the response when the
 * store completes it. Event loops never block: appends complete asynchronously from the WAL, fetches
 * (which read files) run on a small read pool.
 *
 * <p>A malformed frame or an unknown opcode closes only that connection, with a log line.
 */
package io.elasticstream.rangestore.server.net;
