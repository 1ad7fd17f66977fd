/**
 * The stream client's implementation: opening a stream as writer (epoch bump, sealing the orphan
 * range, opening a new range) and {@link io.elasticstream.streamclient.internal.ReplicatedStream},
 * which sends every batch to every replica and confirms the contiguous prefix acknowledged by
 * {@code ackCount} replicas.
 *
 * <p>Threading: a stream's offset assignment and confirmation state is guarded by one lock, held only
 * for in-memory work and for handing frames to Netty (which keeps them in order); futures are
 * completed outside it. Depends on the placement API, the stream RPC protocol and
 * {@link io.elasticstream.streamclient.rpc}.
 */
package io.elasticstream.streamclient.internal;
