package io.elasticstream.rangestore.server.store;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.elasticstream.rangestore.protocol.Status;
import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalConfig;
import io.elasticstream.rangestore.server.wal.Wals;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the RangeStore tests share: a store on a real WAL with the default config in a fresh temporary
 * directory, restarted by reopening both on that directory, the WAL closed after each test; and helpers for
 * text payloads and the status of a failed operation.
 */
abstract class RangeStoreFixture {
    @TempDir
    Path dir;
    Wal wal;
    RangeStore store;

    /**
     * Opens the WAL in {@link #dir} (recovering what it holds) and the store on it; a test with another
     * layout overrides this, and {@link #restart()} reopens through it.
     */
    void open() {
        open(Wals.open(dir, WalConfig.defaults()));
    }

    /** Opens the store on {@code log}, which is closed after the test. */
    void open(Wal log) {
        wal = log;
        store = RangeStore.open(wal);
    }

    /** Closes the WAL and opens both again on the same directory. */
    void restart() {
        wal.close();
        open();
    }

    @AfterEach
    void closeWal() {
        if (wal != null) {
            wal.close();
        }
    }

    static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String text(ReadBatch b) {
        byte[] out = new byte[b.data().remaining()];
        b.data().duplicate().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    /** The status of the RangeStoreException {@code f} fails with (fails the test if it completes normally). */
    static Status statusOf(CompletableFuture<?> f) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        return ((RangeStoreException) e.getCause()).status();
    }
}
