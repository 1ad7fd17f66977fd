/**
 * The write-ahead log: {@link io.elasticstream.rangestore.server.wal.Wal} and its engines. Records are
 * opaque here; the range store above gives them meaning. Group commit and fdatasync before
 * acknowledgement are this package's promise.
 *
 * <p>Entry points: {@link io.elasticstream.rangestore.server.wal.Wals#open} (picks the engine and logs
 * it; {@link io.elasticstream.rangestore.server.wal.WalEngine} forces one),
 * {@link io.elasticstream.rangestore.server.wal.WalConfig}. Engines, sharing group commit, the on-disk
 * format, recovery and reads ({@code GroupCommitWal}) and differing only in how the tail is written
 * ({@code SegmentWriter}): {@link io.elasticstream.rangestore.server.wal.IoUringWal} (preferred: O_DIRECT,
 * one linked WRITE + FSYNC(DATASYNC) per group commit through the FFM binding in {@code wal.uring}) and
 * {@link io.elasticstream.rangestore.server.wal.FileChannelWal} (portable fallback, used when
 * io_uring_setup is refused).
 *
 * <p>On disk: a directory of segment files named by the 20-digit logical position of their first
 * record ({@code 00000000000000000000.wal}), plus a {@code wal.lock} file that keeps a second process
 * out. Segment files are preallocated: created at full size (rounded up to 4 KiB) and zero-filled
 * before they take records, the next one in the background as {@code next-segment.prealloc} (renamed at
 * a roll; a leftover one is deleted at open), so a group commit's fdatasync flushes no metadata. Each
 * record is {@code crc32c:int | length:int | position:long | payload}; the CRC covers
 * length, position and payload. Records never span segments and positions are contiguous: a segment
 * that cannot take the next record is left short and the next one starts at the current end. Opening
 * a log recovers it: each segment is read up to its first invalid record (zeros, a stale record of a
 * reused file, a torn or corrupt record) and truncated there; the log goes on into the next segment only
 * if that one starts exactly there (which is where the writer rolled), otherwise the log ends and later
 * segments are deleted (every acknowledged record precedes the end, since a batch is acknowledged only
 * after it and everything before it is synced).
 *
 * <p>Reclamation: {@link io.elasticstream.rangestore.server.wal.Wal#releaseBefore} releases the oldest
 * segments (never the tail), oldest first and each durably, so the log then starts at a later segment
 * ({@link io.elasticstream.rangestore.server.wal.Wal#startPosition}); recovery accepts a log whose
 * first segment is not at 0. A released file is renamed {@code recycled-N.prealloc} and reused as it is
 * by the next preparation, without rewriting it (at most two wait; more are deleted, as are leftovers at
 * open): its old records carry positions that do not match where they now lie, so they read as the end
 * of the log, like zeros. The
 * log does not know what its records mean: the range store decides what is still needed.
 *
 * <p>Threading: one writer thread per log owns the files' tail and completes append futures (in
 * append order); appenders only enqueue into a bounded queue; readers use positional reads on their own
 * channels, so an interrupted reader cannot close the writer's channel. Package-private
 * {@code ...ForTest} hooks hold the writer or inject a write failure, for deterministic tests.
 * With O_DIRECT every write is 4 KiB-aligned, yet positions stay contiguous: the io_uring engine
 * rewrites the last partial block with each batch and pads with zeros past the end (see
 * {@code IoUringSegmentWriter}); zeros past the end read as the end of the log.
 * A {@link io.elasticstream.rangestore.server.wal.WalObserver} passed to {@code Wals.open} hears of every group
 * commit on the writer thread (size, write + sync time), for metrics.
 * Depends on the JDK, slf4j and {@code io.elasticstream.common} only (no Netty).
 */
package io.elasticstream.rangestore.server.wal;
