package io.elasticstream.rangestore.server.main;

import io.elasticstream.placement.api.RangeServerLoad;
import io.elasticstream.rangestore.server.store.RangeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/** The load a range server reports with each PD heartbeat: ranges held and free disk under its data directory. */
public final class RangeServerLoads {
    private static final Logger LOG = LoggerFactory.getLogger(RangeServerLoads.class);

    private RangeServerLoads() {
    }

    /** Reads {@code store}'s range count and {@code dataDir}'s free space each time it is asked. */
    public static Supplier<RangeServerLoad> of(RangeStore store, Path dataDir) {
        return () -> new RangeServerLoad(store.rangeCount(), usableBytes(dataDir), 0);
    }

    /** Free space for the load report; 0 if the file store cannot tell. */
    private static long usableBytes(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException e) {
            LOG.debug("cannot read the free space of {}: {}", directory, e.toString());
            return 0;
        }
    }
}
