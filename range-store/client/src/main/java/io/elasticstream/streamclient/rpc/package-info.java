/**
 * The client side of the stream RPC as the stream client uses it: typed calls over range-protocol's
 * {@link io.elasticstream.rangestore.rpc.StreamRpcClient} (one multiplexed TCP connection per range server,
 * requests matched to responses by request id, every pending request failed when its connection drops).
 *
 * <p>Thread-safe; callbacks complete on Netty event loop threads and must not block.
 */
package io.elasticstream.streamclient.rpc;
