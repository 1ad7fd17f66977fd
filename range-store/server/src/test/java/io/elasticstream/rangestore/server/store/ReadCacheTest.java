package io.elasticstream.rangestore.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadCacheTest {
    private static final long STREAM = 3;

    @TempDir
    Path dir;

    @Test
    void fetchesOfJustAppendedBatchesAreServedFromTheCacheWithTheSameBytesAsFromTheWal() {
        ReadCache cache = ReadCache.ofMaxBytes(1 << 20);
        List<String> cached;
        try (Wal wal = Wals.open(dir, WalConfig.defaults())) {
            RangeStore store = RangeStore.open(wal, cache);
            store.createRange(STREAM, 0, 0, 1).join();
            store.append(STREAM, 0, 1, 0, 2, 10L, bytes("first")).join();
            store.append(STREAM, 0, 1, 2, 1, 20L, bytes("second")).join();
            cached = texts(store.fetch(STREAM, 0, 0, -1, 1 << 20));
            assertEquals(List.of("first", "second"), cached);
            assertEquals(List.of("second"), texts(store.fetch(STREAM, 0, 2, -1, 1 << 20)));
            assertEquals(3, cache.stats().hitCount());
            assertEquals(0, cache.stats().missCount());
            assertTrue(cache.sizeBytes() > "firstsecond".length());
        }
        ReadCache fresh = ReadCache.ofMaxBytes(1 << 20);
        try (Wal wal = Wals.open(dir, WalConfig.defaults())) {
            RangeStore reopened = RangeStore.open(wal, fresh);
            assertEquals(cached, texts(reopened.fetch(STREAM, 0, 0, -1, 1 << 20)), "the WAL holds the same bytes");
            assertEquals(2, fresh.stats().missCount());
        }
    }

    @Test
    void aCacheOfZeroBytesHoldsNothing() {
        ReadCache cache = ReadCache.ofMaxBytes(0);
        try (Wal wal = Wals.open(dir, WalConfig.defaults())) {
            RangeStore store = RangeStore.open(wal, cache);
            store.createRange(STREAM, 0, 0, 1).join();
            store.append(STREAM, 0, 1, 0, 1, 10L, bytes("only")).join();
            assertEquals(List.of("only"), texts(store.fetch(STREAM, 0, 0, -1, 1 << 20)));
            assertEquals(0, cache.sizeBytes());
            assertEquals(0, cache.stats().requestCount());
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> texts(FetchResult result) {
        return result.batches().stream().map(b -> {
            byte[] out = new byte[b.data().remaining()];
            b.data().duplicate().get(out);
            return new String(out, StandardCharsets.UTF_8);
        }).toList();
    }
}
