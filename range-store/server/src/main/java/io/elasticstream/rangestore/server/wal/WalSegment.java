package io.elasticstream.rangestore.server.wal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file seen by readers: its base position and a read-only channel for positional reads.
 *
 * <p>A {@link FileChannel} is closed for every thread when any thread is interrupted inside an I/O
 * call. So that one interrupted reader cannot break the log, the read channel is reopened when that
 * happens: the interrupted caller gets its exception, the others retry on the new channel. The writer
 * uses its own channel, which readers' interrupts cannot reach. Thread-safe.
 */
final class WalSegment implements AutoCloseable {
    private static final Pattern FILE_NAME = Pattern.compile("(\\d{20})\\.wal");
    private static final int MAX_READ_ATTEMPTS = 3;

    private final long basePosition;
    private final Path path;
    private volatile FileChannel readChannel;
    private volatile boolean closed;

    private WalSegment(long basePosition, Path path, FileChannel readChannel) {
        this.basePosition = basePosition;
        this.path = path;
        this.readChannel = readChannel;
    }

    static WalSegment open(long basePosition, Path path) throws IOException {
        return new WalSegment(basePosition, path, FileChannel.open(path, StandardOpenOption.READ));
    }

    /** The file name of the segment whose first record is at {@code basePosition}. */
    static String fileName(long basePosition) {
        return String.format("%020d.wal", basePosition);
    }

    /** The base position encoded in a segment file name, or -1 if the name is not a segment's. */
    static long parseBasePosition(String fileName) {
        Matcher m = FILE_NAME.matcher(fileName);
        if (!m.matches()) {
            return -1;
        }
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1; // 20 digits above Long.MAX_VALUE: not one of ours
        }
    }

    long basePosition() {
        return basePosition;
    }

    Path path() {
        return path;
    }

    /** Positional read at {@code fileOffset}; same contract as {@link FileChannel#read(ByteBuffer, long)}. */
    int read(ByteBuffer dst, long fileOffset) throws IOException {
        for (int attempt = 1; ; attempt++) {
            FileChannel channel = readChannel;
            try {
                return channel.read(dst, fileOffset);
            } catch (ClosedByInterruptException e) {
                reopenAfter(channel); // this caller was interrupted; keep the segment usable for others
                throw e;
            } catch (ClosedChannelException e) {
                if (closed || attempt >= MAX_READ_ATTEMPTS) {
                    throw e;
                }
                reopenAfter(channel); // another thread's interrupt closed it under us
            }
        }
    }

    /** Fills {@code dst} from {@code fileOffset}. */
    void readFully(ByteBuffer dst, long fileOffset) throws IOException {
        long offset = fileOffset;
        while (dst.hasRemaining()) {
            int n = read(dst, offset);
            if (n < 0) {
                throw new EOFException("end of " + path + " at offset " + offset);
            }
            offset += n;
        }
    }

    private synchronized void reopenAfter(FileChannel failed) throws IOException {
        if (!closed && readChannel == failed) {
            readChannel = FileChannel.open(path, StandardOpenOption.READ);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        closed = true;
        readChannel.close();
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
