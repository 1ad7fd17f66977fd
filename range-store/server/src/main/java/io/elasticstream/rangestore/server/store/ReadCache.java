package io.elasticstream.rangestore.server.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.elasticstream.common.Checks;
import java.nio.ByteBuffer;

/**
 * Recently appended WAL records by position, so that fetches of the tail (consumers that keep up) are
 * served from memory instead of a positional read. Bounded by the bytes it holds (Caffeine, size-weighted
 * W-TinyLFU eviction). A WAL record never changes once durable, so entries are never stale.
 * Thread-safe. {@link #disabled()} holds nothing.
 */
public final class ReadCache {
    private final Cache<Long, ByteBuffer> records;

    private ReadCache(Cache<Long, ByteBuffer> records) {
        this.records = records;
    }

    /** A cache of at most {@code maxBytes} of record bytes; 0 disables it. */
    public static ReadCache ofMaxBytes(long maxBytes) {
        Checks.argument(maxBytes >= 0, "read cache size %d must be >= 0", maxBytes);
        if (maxBytes == 0) {
            return disabled();
        }
        return new ReadCache(Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Long position, ByteBuffer record) -> record.remaining())
                .recordStats()
                .build());
    }

    public static ReadCache disabled() {
        return new ReadCache(null);
    }

    /** Remembers the durable record at {@code position}; {@code record} must not change afterwards. */
    void put(long position, ByteBuffer record) {
        if (records != null) {
            records.put(position, record.asReadOnlyBuffer());
        }
    }

    /** The record at {@code position} (a view of its own, positioned at its start), or null. */
    ByteBuffer get(long position) {
        if (records == null) {
            return null;
        }
        ByteBuffer record = records.getIfPresent(position);
        return record == null ? null : record.duplicate();
    }

    public CacheStats stats() {
        return records == null ? CacheStats.empty() : records.stats();
    }

    /** Record bytes held now. */
    public long sizeBytes() {
        return records == null ? 0 : records.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
    }
}
