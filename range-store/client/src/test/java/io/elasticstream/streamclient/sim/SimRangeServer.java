package io.elasticstream.streamclient.sim;

import io.elasticstream.placement.api.RangeServerInfo;
import io.elasticstream.rangestore.server.store.RangeStore;

/** One range server: the real {@link RangeStore} on a simulated disk; it can crash and restart. */
final class SimRangeServer {
    final RangeServerInfo info;
    private final SimDisk disk;
    private SimDisk.SimWal wal;
    private RangeStore store;
    private int incarnation;

    SimRangeServer(SimWorld world, int id) {
        this.info = new RangeServerInfo(id, "sim-" + id, 9000 + id);
        this.disk = new SimDisk(world);
        restart();
    }

    boolean isUp() {
        return store != null;
    }

    /** Changes with every restart, so answers from a previous life can be dropped. */
    int incarnation() {
        return incarnation;
    }

    RangeStore store() {
        return store;
    }

    void crash() {
        if (store != null) {
            wal.crash();
            store = null;
        }
    }

    void restart() {
        if (store == null) {
            wal = disk.open();
            store = RangeStore.open(wal);
            incarnation++;
        }
    }
}
