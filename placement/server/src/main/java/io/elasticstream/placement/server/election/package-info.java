/**
 * Leader election of placement drivers through the metadata store (etcd in a cluster).
 *
 * <p>A candidate campaigns by granting a store lease and, in one transaction, creating
 * {@code <prefix>pd/leader} only if absent (attached to the lease, value: id, RPC address, term) and
 * raising the fencing term {@code <prefix>pd/term}. While leading it keeps the lease alive every TTL/3
 * and steps down when a keep-alive fails for good or the leader key is gone or replaced. Followers
 * watch the key and campaign as soon as it disappears (and re-check it every TTL/3 in case a watch
 * event was missed). Safety never rests on timing: {@link io.elasticstream.placement.server.election.Leadership#guard()}
 * compares the leader key's create revision, so a deposed leader's guarded writes fail in the store.
 *
 * <p>Threading: each {@link io.elasticstream.placement.server.election.LeaderElection} runs on its own
 * single thread; listener callbacks run there and must not block for long. Depends on
 * {@code io.elasticstream.placement.metadata}, {@code io.elasticstream.common} and slf4j.
 */
package io.elasticstream.placement.server.election;
