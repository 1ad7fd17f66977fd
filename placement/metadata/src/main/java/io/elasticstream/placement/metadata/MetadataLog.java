package io.elasticstream.placement.metadata;

import io.elasticstream.common.Checks;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of the embedded store in its directory, and their recovery.
 *
 * <ul>
 *   <li>{@code snapshot}: the whole state at some point (see {@link LogCodec}); it names the first log
 *       generation to replay after it.</li>
 *   <li>{@code log-<generation>}: append-only frames of committed mutations; generations are
 *       consecutive, the highest one is being appended to.</li>
 *   <li>{@code LOCK}: held while the store is open, so two stores never share a directory.</li>
 * </ul>
 *
 * <p>Compaction first starts log generation G+1 (so nothing more goes to G), then writes the snapshot
 * naming G+1 to a temporary file, fsyncs it, renames it over {@code snapshot}, fsyncs the directory and
 * only then deletes the logs before G+1. A crash at any point leaves either the old snapshot with every
 * log after it, or the new one with G+1.
 *
 * <p>Used only by the store's owner thread (and by {@link #open} before that thread starts).
 */
final class MetadataLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataLog.class);
    private static final String SNAPSHOT = "snapshot";
    private static final String SNAPSHOT_TMP = "snapshot.tmp";
    private static final String LOCK = "LOCK";
    private static final String LOG_PREFIX = "log-";
    private static final long FIRST_GENERATION = 1;

    private final Path directory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<ByteBuffer> unwritten = new ArrayList<>();
    private FileChannel current;
    private long generation;
    private long sizeBytes;

    private MetadataLog(Path directory, FileChannel lockChannel, FileLock lock) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Locks the directory, loads the snapshot and replays the logs into {@code state} (which must be new). */
    static MetadataLog open(Path directory, KvState state) throws IOException {
        boolean created = !Files.isDirectory(directory);
        Files.createDirectories(directory);
        if (created && directory.toAbsolutePath().getParent() != null) {
            fsyncDirectory(directory.toAbsolutePath().getParent());
        }
        FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new MetadataStoreException("metadata directory " + directory + " is in use by another store");
        }
        MetadataLog log = new MetadataLog(directory, lockChannel, lock);
        try {
            log.recover(state);
            return log;
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    private void recover(KvState state) throws IOException {
        Files.deleteIfExists(directory.resolve(SNAPSHOT_TMP));
        long firstGeneration = FIRST_GENERATION;
        Path snapshotPath = directory.resolve(SNAPSHOT);
        if (Files.exists(snapshotPath)) {
            LogCodec.Snapshot snapshot = LogCodec.readSnapshot(Files.readAllBytes(snapshotPath));
            state.restore(snapshot.revision(), snapshot.nextLeaseId(), snapshot.leases(), snapshot.kvs());
            firstGeneration = snapshot.logGeneration();
        }
        List<Long> generations = new ArrayList<>();
        for (long g : logGenerations()) {
            if (g < firstGeneration) {
                Files.delete(logPath(g)); // left over from a compaction that crashed after its snapshot was in place
            } else {
                generations.add(g);
            }
        }
        for (int i = 0; i < generations.size(); i++) {
            long expected = firstGeneration + i;
            if (generations.get(i) != expected) {
                throw new MetadataStoreException("metadata log generation " + expected + " is missing in " + directory);
            }
        }
        int entries = 0;
        for (int i = 0; i < generations.size(); i++) {
            boolean last = i == generations.size() - 1;
            entries += replay(generations.get(i), last, state);
        }
        generation = generations.isEmpty() ? firstGeneration : generations.getLast();
        boolean created = generations.isEmpty();
        current = FileChannel.open(logPath(generation), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        current.position(sizeBytes);
        if (created) {
            fsyncDirectory();
        }
        LOG.info("metadata store in {} recovered at revision {} ({} log entries, log generation {})",
                directory, state.revision(), entries, generation);
    }

    /** Replays one log file; a bad frame ends the last file (torn tail, truncated) and is fatal in an earlier one. */
    private int replay(long logGeneration, boolean last, KvState state) throws IOException {
        Path path = logPath(logGeneration);
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path));
        int entries = 0;
        while (bytes.hasRemaining()) {
            LogEntry entry = LogCodec.readFrame(bytes);
            if (entry == null) {
                break;
            }
            state.replay(entry);
            entries++;
        }
        if (bytes.hasRemaining()) {
            if (!last) {
                throw new MetadataStoreException("metadata log " + path + " is corrupt at byte " + bytes.position()
                        + " and is not the last log");
            }
            LOG.warn("metadata log {} has a torn or corrupt entry at byte {}: truncating {} bytes", path,
                    bytes.position(), bytes.remaining());
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                channel.truncate(bytes.position());
                channel.force(true);
            }
        }
        if (last) {
            sizeBytes = bytes.position();
        }
        return entries;
    }

    /** Queues a framed entry; it is written and made durable by the next {@link #sync}. */
    void append(ByteBuffer frame) {
        unwritten.add(frame);
    }

    boolean hasUnwritten() {
        return !unwritten.isEmpty();
    }

    /** Writes every queued entry and forces them to disk: one fsync for the whole group. */
    void sync() throws IOException {
        if (unwritten.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = unwritten.toArray(ByteBuffer[]::new);
        long total = 0;
        for (ByteBuffer buffer : buffers) {
            total += buffer.remaining();
        }
        long written = 0;
        while (written < total) {
            written += current.write(buffers);
        }
        current.force(false); // fdatasync: includes the file size, which is all the metadata we need
        sizeBytes += total;
        unwritten.clear();
    }

    long sizeBytes() {
        return sizeBytes;
    }

    /** Replaces the logs with a snapshot of {@code state}; every entry must already be synced. */
    void compact(KvState state) throws IOException {
        Checks.state(unwritten.isEmpty(), "compaction with %d unwritten entries", unwritten.size());
        long nextGeneration = generation + 1;
        FileChannel next = FileChannel.open(logPath(nextGeneration), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            fsyncDirectory();
        } catch (IOException e) {
            next.close();
            throw e;
        }
        FileChannel previous = current;
        current = next;
        generation = nextGeneration;
        sizeBytes = 0;
        previous.close();

        Path tmp = directory.resolve(SNAPSHOT_TMP);
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            LogCodec.writeSnapshot(out, state, nextGeneration);
            out.flush();
            channel.force(true);
        }
        Files.move(tmp, directory.resolve(SNAPSHOT), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory();
        for (long g : logGenerations()) {
            if (g < nextGeneration) {
                Files.delete(logPath(g));
            }
        }
        LOG.info("metadata store in {} wrote a snapshot at revision {}; now on log generation {}", directory,
                state.revision(), nextGeneration);
    }

    @Override
    public void close() {
        try {
            if (current != null) {
                current.close();
            }
        } catch (IOException e) {
            LOG.warn("closing metadata log in {}", directory, e);
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("releasing metadata directory lock in {}", directory, e);
        }
    }

    private List<Long> logGenerations() throws IOException {
        List<Long> generations = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, LOG_PREFIX + "*")) {
            for (Path file : files) {
                String suffix = file.getFileName().toString().substring(LOG_PREFIX.length());
                try {
                    generations.add(Long.parseLong(suffix));
                } catch (NumberFormatException e) {
                    LOG.warn("ignoring unexpected file {} in metadata directory", file);
                }
            }
        }
        generations.sort(null);
        return generations;
    }

    private Path logPath(long logGeneration) {
        return directory.resolve(String.format("%s%016d", LOG_PREFIX, logGeneration));
    }

    private void fsyncDirectory() throws IOException {
        fsyncDirectory(directory);
    }

    private static void fsyncDirectory(Path path) throws IOException {
        try (FileChannel dir = FileChannel.open(path, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
