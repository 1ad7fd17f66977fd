/**
 * Member sessions: {@link io.elasticstream.placement.member.MemberSession} registers a broker or range
 * server with PD and keeps its session alive with heartbeats carrying the member's load, registering
 * again whenever PD reports the session expired.
 *
 * <p>Threading: each session runs on its own scheduler thread; at most one PD request of a session is
 * in flight at a time. Depends on {@code io.elasticstream.placement.api}, {@code io.elasticstream.common}
 * and slf4j.
 */
package io.elasticstream.placement.member;
