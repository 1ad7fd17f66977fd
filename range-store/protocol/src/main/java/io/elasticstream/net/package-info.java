/**
 * Netty plumbing shared by every TCP server and client of the project: transport selection
 * (io_uring, then epoll, then NIO) and event loop groups.
 *
 * <p>Stateless helpers; thread-safe. Depends on Netty and {@code io.elasticstream.common}.
 */
package io.elasticstream.net;
