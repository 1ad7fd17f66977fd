package io.elasticstream.rangestore.server.wal;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the best WAL engine this machine supports. Thread-safe. */
public final class Wals {
    private static final Logger LOG = LoggerFactory.getLogger(Wals.class);
    private static final AtomicBoolean ENGINE_LOGGED = new AtomicBoolean();

    private Wals() {
    }

    /** The engine {@link #open} uses on this machine. */
    public static WalEngine engine() {
        // The io_uring engine will be probed here first (kernel support, seccomp) and preferred.
        return WalEngine.FILE_CHANNEL;
    }

    /**
     * Opens (creating and recovering as needed) the log in {@code directory} with the best engine;
     * logs the engine at INFO the first time.
     *
     * @throws WalException if the directory cannot be used or is already open
     */
    public static Wal open(Path directory, WalConfig config) {
        WalEngine engine = engine();
        if (ENGINE_LOGGED.compareAndSet(false, true)) {
            LOG.info("WAL engine: {} — {}", engine, engine.description());
        }
        return switch (engine) {
            case FILE_CHANNEL -> FileChannelWal.open(directory, config);
        };
    }
}
