/**
 * Ranges on one range server: their state (start, epoch, end, sealed), the index from
 * {@code (stream, range, offset)} to WAL positions, and the rules of append, fetch, seal and create
 * (contiguous offsets, epoch fencing, a sealed range never changes). Every state change is a WAL record
 * first; on start-up the WAL is replayed to rebuild it.
 *
 * <p>Threading: any thread may call {@link io.elasticstream.rangestore.server.store.RangeStore};
 * each range's state is guarded by its own monitor, held only for in-memory work, never across I/O.
 * Depends on the WAL package and the protocol's status codes; not on Netty channels.
 */
package io.elasticstream.rangestore.server.store;
