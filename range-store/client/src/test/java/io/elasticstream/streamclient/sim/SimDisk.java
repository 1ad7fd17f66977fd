package io.elasticstream.streamclient.sim;

import io.elasticstream.rangestore.server.wal.Wal;
import io.elasticstream.rangestore.server.wal.WalException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A range server's disk: what survives a crash is exactly the synced records. {@link #open} gives a
 * {@link Wal} over it that group-commits after a random delay and loses every unsynced append when the
 * server crashes (their futures never complete, as in a real crash).
 */
final class SimDisk {
    private final SimWorld world;
    private final TreeMap<Long, byte[]> synced = new TreeMap<>();
    private long end;

    SimDisk(SimWorld world) {
        this.world = world;
    }

    SimWal open() {
        return new SimWal();
    }

    /** The WAL of one incarnation of the server. */
    final class SimWal implements Wal {
        private final List<Object[]> unsynced = new ArrayList<>();
        private boolean crashed;
        private boolean syncScheduled;
        private long appends;
        private long syncs;
        private long bytes;

        @Override
        public CompletableFuture<Long> append(ByteBuffer record) {
            CompletableFuture<Long> f = new CompletableFuture<>();
            if (crashed) {
                return f; // a dead process answers nothing
            }
            byte[] copy = new byte[record.remaining()];
            record.duplicate().get(copy);
            long position = end;
            end += copy.length + 16;
            unsynced.add(new Object[] {position, copy, f});
            if (!syncScheduled) {
                syncScheduled = true;
                world.schedule(this::sync, world.delay(0, 3));
            }
            return f;
        }

        private void sync() {
            syncScheduled = false;
            if (crashed) {
                return;
            }
            List<Object[]> batch = new ArrayList<>(unsynced);
            unsynced.clear();
            syncs++;
            for (Object[] r : batch) {
                synced.put((Long) r[0], (byte[]) r[1]);
                appends++;
                bytes += ((byte[]) r[1]).length;
            }
            for (Object[] r : batch) {
                @SuppressWarnings("unchecked")
                CompletableFuture<Long> f = (CompletableFuture<Long>) r[2];
                f.complete((Long) r[0]);
            }
        }

        /** The process dies: unsynced appends are lost. */
        void crash() {
            crashed = true;
            if (!unsynced.isEmpty()) {
                end = (Long) unsynced.getFirst()[0];
            }
            unsynced.clear();
        }

        @Override
        public ByteBuffer read(long position) {
            byte[] r = synced.get(position);
            if (r == null) {
                throw new WalException("no record at " + position);
            }
            return ByteBuffer.wrap(r.clone());
        }

        @Override
        public void replay(long fromPosition, RecordVisitor visitor) {
            synced.tailMap(fromPosition).forEach((p, r) -> visitor.onRecord(p, ByteBuffer.wrap(r.clone())));
        }

        @Override
        public long endPosition() {
            return end;
        }

        @Override
        public long appendCount() {
            return appends;
        }

        @Override
        public long syncCount() {
            return syncs;
        }

        @Override
        public long bytesWritten() {
            return bytes;
        }

        @Override
        public void close() {
            crash();
        }
    }
}
