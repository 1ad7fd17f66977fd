/**
 * Ranges on one range server: their state (start, epoch, end, sealed), the index from
 * {@code (stream, range, offset)} to WAL positions, and the rules of append, fetch, seal and create
 * (contiguous offsets, epoch fencing, a sealed range never changes). Every state change is a WAL record
 * first; on start-up the WAL is replayed to rebuild it.
 *
 * <p>Trims (TRIM records) raise a range's first readable offset or drop the range. Checkpoints
 * ({@link io.elasticstream.rangestore.server.store.RangeStore#checkpoint}, scheduled by
 * {@link io.elasticstream.rangestore.server.store.CheckpointPolicy}) write every range's state and index
 * as one CHECKPOINT record after a MARK barrier and save its position in a checkpoint file; start-up
 * loads it and replays only from the barrier. After a checkpoint, WAL segments below both the barrier
 * and every live range's first batch are released to the WAL for reuse.
 *
 * <p>Threading: any thread may call {@link io.elasticstream.rangestore.server.store.RangeStore};
 * each range's state is guarded by its own monitor, held only for in-memory work, never across I/O.
 * Depends on the WAL package and the protocol's status codes; not on Netty channels.
 */
package io.elasticstream.rangestore.server.store;
