/**
 * A runnable (not timed-test) WAL benchmark: {@link io.elasticstream.rangestore.server.wal.bench.WalBench},
 * launched by {@code bin/bench-wal}. Uses only the public WAL API.
 */
package io.elasticstream.rangestore.server.wal.bench;
