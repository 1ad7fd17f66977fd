package io.elasticstream.rangestore.server.wal;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the best WAL engine this machine supports (or the one asked for). Thread-safe. */
public final class Wals {
    private static final Logger LOG = LoggerFactory.getLogger(Wals.class);
    private static final AtomicBoolean ENGINE_LOGGED = new AtomicBoolean();
    private static volatile WalEngine probed;
    private static volatile String unavailableReason;

    private Wals() {
    }

    /** The engine {@link WalEngine#AUTO} means on this machine: io_uring if a ring can be set up. Probed once. */
    public static WalEngine engine() {
        WalEngine engine = probed;
        if (engine == null) {
            synchronized (Wals.class) {
                engine = probed;
                if (engine == null) {
                    unavailableReason = IoUringWal.unavailableReason();
                    engine = unavailableReason == null ? WalEngine.IO_URING : WalEngine.FILE_CHANNEL;
                    probed = engine;
                }
            }
        }
        return engine;
    }

    /** Opens the log in {@code directory} with {@link WalEngine#AUTO}; see {@link #open(Path, WalConfig, WalEngine)}. */
    public static Wal open(Path directory, WalConfig config) {
        return open(directory, config, WalEngine.AUTO);
    }

    /**
     * Opens (creating and recovering as needed) the log in {@code directory} with {@code requested}
     * ({@link WalEngine#AUTO}: io_uring when available, else FileChannel); logs the engine at INFO the
     * first time, with the reason when io_uring is not available.
     *
     * @throws WalException if the directory cannot be used or is already open, or io_uring was asked for
     *                      and cannot be set up
     */
    public static Wal open(Path directory, WalConfig config, WalEngine requested) {
        return open(directory, config, requested, WalObserver.NONE);
    }

    /** As {@link #open(Path, WalConfig, WalEngine)}, reporting each group commit to {@code observer}. */
    public static Wal open(Path directory, WalConfig config, WalEngine requested, WalObserver observer) {
        WalEngine engine = requested == WalEngine.AUTO ? engine() : requested;
        if (ENGINE_LOGGED.compareAndSet(false, true)) {
            if (requested == WalEngine.AUTO && engine == WalEngine.FILE_CHANNEL) {
                LOG.info("WAL engine: {} — {} (io_uring not available: {})", engine, engine.description(),
                        unavailableReason);
            } else {
                LOG.info("WAL engine: {} — {}", engine, engine.description());
            }
        }
        return switch (engine) {
            case IO_URING -> IoUringWal.open(directory, config, observer);
            case FILE_CHANNEL, AUTO -> FileChannelWal.open(directory, config, observer);
        };
    }
}
