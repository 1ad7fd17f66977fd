package io.elasticstream.rangestore.server.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Gathering positional writes through {@link FileChannel} and {@code force(false)} (fdatasync). */
final class FileChannelSegmentWriter implements SegmentWriter {
    private FileChannel channel;

    @Override
    public void switchTo(Path path, long validBytes) throws IOException {
        FileChannel next = FileChannel.open(path, StandardOpenOption.WRITE);
        close();
        channel = next;
    }

    @Override
    public void writeAndSync(ByteBuffer[] buffers, long fileOffset, long totalBytes) throws IOException {
        channel.position(fileOffset);
        long written = 0;
        int first = 0;
        while (written < totalBytes) {
            written += channel.write(buffers, first, buffers.length - first);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
        channel.force(false);
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing was pending: every write was forced before its append completed
            }
            channel = null;
        }
    }
}
