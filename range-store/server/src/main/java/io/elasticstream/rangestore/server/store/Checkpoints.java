package io.elasticstream.rangestore.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The checkpoint file: the WAL position of the latest CHECKPOINT record, as
 * {@code int64 position, int32 crc32c(position)}. Replaced atomically (write a temporary file, fsync,
 * rename, fsync the directory), so it always names a checkpoint that is durable in the WAL.
 */
final class Checkpoints {
    private static final int FILE_BYTES = 12;

    private Checkpoints() {
    }

    /** The saved checkpoint position, or -1 if there is none yet. */
    static long readPointer(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            if (bytes.length != FILE_BYTES || in.getInt(8) != crc(in.getLong(0))) {
                throw new IllegalStateException("checkpoint file " + file + " is corrupt");
            }
            return in.getLong(0);
        } catch (NoSuchFileException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint file " + file, e);
        }
    }

    static void writePointer(Path file, long position) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        ByteBuffer out = ByteBuffer.allocate(FILE_BYTES).putLong(position).putInt(crc(position)).flip();
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static int crc(long position) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(8).putLong(0, position));
        return (int) crc.getValue();
    }
}
