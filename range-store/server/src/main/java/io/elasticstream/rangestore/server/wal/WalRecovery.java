package io.elasticstream.rangestore.server.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a WAL directory back to a consistent state before the log is opened: every segment starts
 * where the previous one ended, every byte up to the end is a valid record, nothing follows.
 *
 * <p>Segments are scanned in order of base position. Each ends at its first invalid record (zeros of an
 * unwritten file, an old record of a reused file, a torn or a corrupt record), where it is truncated and
 * fsynced. The log continues into the next segment only if that one starts exactly where this one ended,
 * which is where the writer rolled; a segment that starts elsewhere shows that records were lost in
 * between (corruption), so it and every later segment are deleted: nothing after a bad record can be
 * trusted, and nothing acknowledged can lie there, because a batch is acknowledged only after it and
 * everything before it is synced. Zeros and old records of a reused file are an ordinary end, trimmed
 * quietly; a record written at its place but invalid (torn or corrupt) is logged as a warning. Runs on
 * the opening thread.
 */
final class WalRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(WalRecovery.class);

    /** The segments to keep, in order, and the position just past the last valid record. */
    record Result(List<Kept> segments, long endPosition) {
    }

    /** A segment that survived recovery. */
    record Kept(long basePosition, Path path) {
    }

    private WalRecovery() {
    }

    static Result recover(Path directory) throws IOException {
        TreeMap<Long, Path> found = listSegments(directory);
        List<Kept> kept = new ArrayList<>();
        if (found.isEmpty()) {
            return new Result(kept, 0);
        }
        long expectedBase = found.firstKey();
        boolean directoryChanged = false;
        String stopReason = null;
        for (var entry : found.entrySet()) {
            long base = entry.getKey();
            Path path = entry.getValue();
            if (stopReason == null && base != expectedBase) {
                stopReason = "segment " + path.getFileName() + " does not start where the log ends ("
                        + expectedBase + "): records before it were lost";
            }
            if (stopReason != null) {
                long sizeBytes = Files.size(path);
                Files.delete(path);
                directoryChanged = true;
                LOG.warn("WAL recovery in {}: deleted segment {} ({} bytes) because {}",
                        directory, path.getFileName(), sizeBytes, stopReason);
                continue;
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long sizeBytes = channel.size();
                SegmentScanner scanner = new SegmentScanner(channel::read, base, 0, sizeBytes, false);
                while (scanner.next()) {
                    // validating only
                }
                long validBytes = scanner.offset();
                kept.add(new Kept(base, path));
                expectedBase = base + validBytes;
                if (validBytes < sizeBytes) {
                    boolean writtenHere = scanner.invalidRecordClaimsThisPlace();
                    String what = writtenHere ? "a torn or corrupt record"
                            : scanner.restIsZero() ? "zeros" : "zeros or old records of a reused file";
                    channel.truncate(validBytes);
                    channel.force(true);
                    if (writtenHere) {
                        LOG.warn("WAL recovery in {}: invalid record at position {} in {}; dropped {} bytes "
                                + "from there to the end of the segment", directory, expectedBase,
                                path.getFileName(), sizeBytes - validBytes);
                    } else {
                        LOG.info("WAL recovery in {}: trimmed {} bytes ({}) after position {} in {}",
                                directory, sizeBytes - validBytes, what, expectedBase, path.getFileName());
                    }
                }
            }
        }
        if (directoryChanged) {
            fsyncDirectory(directory);
        }
        return new Result(kept, expectedBase);
    }

    /** Segment files by base position; other files are left alone. */
    static TreeMap<Long, Path> listSegments(Path directory) throws IOException {
        TreeMap<Long, Path> segments = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                long base = WalSegment.parseBasePosition(file.getFileName().toString());
                if (base >= 0 && Files.isRegularFile(file)) {
                    segments.put(base, file);
                }
            }
        }
        return segments;
    }

    /** Makes creations and deletions of files in {@code directory} durable. */
    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
