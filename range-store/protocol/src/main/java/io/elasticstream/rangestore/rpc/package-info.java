/**
 * The client side of the stream RPC, shared by every process that sends stream RPC requests: the
 * stream client (brokers), range servers (pulling a range they copy from another replica) and PD
 * (asking a range server to copy a range). {@link io.elasticstream.rangestore.rpc.StreamRpcClient} keeps
 * one lazily reconnecting connection per server and matches responses to requests by id.
 *
 * <p>Thread-safe; responses complete on Netty event loops, so callers must not block in their
 * continuations. Depends on Netty, {@code io.elasticstream.net} and the protocol messages.
 */
package io.elasticstream.rangestore.rpc;
