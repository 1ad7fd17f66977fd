/**
 * The write-ahead log: {@link io.elasticstream.rangestore.server.wal.Wal} and its engines. Records are
 * opaque here; the range store above gives them meaning. Group commit and fdatasync before
 * acknowledgement are this package's promise.
 *
 * <p>Threading: one writer thread per log owns the files' tail; readers use positional reads.
 * Depends on the JDK and {@code io.elasticstream.common} only (no Netty).
 */
package io.elasticstream.rangestore.server.wal;
