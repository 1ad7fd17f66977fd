package io.elasticstream.rangestore.server.wal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads the records of one segment sequentially through a read-ahead window, validating each one:
 * its length fits before the limit, its position field equals where it lies, and its CRC32C matches.
 * Used by recovery (payloads not kept) and by replay (payloads handed out). Single-threaded.
 */
final class SegmentScanner {
    /** Where the bytes come from: a positional read, like {@link java.nio.channels.FileChannel#read(ByteBuffer, long)}. */
    @FunctionalInterface
    interface PositionalReader {
        int read(ByteBuffer dst, long fileOffset) throws IOException;
    }

    static final int WINDOW_BYTES = 1 << 20;

    private final PositionalReader reader;
    private final long basePosition;
    private final long limitOffset;
    private final boolean keepPayload;
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
    private final CRC32C crc = new CRC32C();
    private long windowFileOffset;
    private int windowLength;
    private long offset;
    private long recordPosition = -1;
    private ByteBuffer payload;

    /**
     * @param basePosition the segment's base position
     * @param startOffset  file offset of the first record to read
     * @param limitOffset  file offset where the records end (file size, or the durable end)
     * @param keepPayload  whether {@link #payload()} is needed (replay) or only validation (recovery)
     */
    SegmentScanner(PositionalReader reader, long basePosition, long startOffset, long limitOffset,
                   boolean keepPayload) {
        this.reader = reader;
        this.basePosition = basePosition;
        this.offset = startOffset;
        this.limitOffset = limitOffset;
        this.keepPayload = keepPayload;
    }

    /**
     * Reads the record at {@link #offset()}. Returns true and moves past it if it is valid; returns
     * false (and stays) at the limit or at an invalid record: {@code offset() < limit} tells which.
     */
    boolean next() throws IOException {
        long available = limitOffset - offset;
        if (available < RecordFormat.HEADER_BYTES) {
            return false;
        }
        ByteBuffer header = view(offset, RecordFormat.HEADER_BYTES);
        int h = header.position();
        int storedCrc = header.getInt(h + RecordFormat.CRC_OFFSET);
        int length = header.getInt(h + RecordFormat.LENGTH_OFFSET);
        long position = header.getLong(h + RecordFormat.POSITION_OFFSET);
        if (length < 0 || length > available - RecordFormat.HEADER_BYTES || position != basePosition + offset) {
            return false;
        }
        RecordFormat.startCrc(crc, header, h);
        long payloadOffset = offset + RecordFormat.HEADER_BYTES;
        ByteBuffer body = null;
        if (length <= WINDOW_BYTES) {
            body = view(payloadOffset, length);
            crc.update(body.duplicate());
        } else if (keepPayload) {
            body = ByteBuffer.allocate(length);
            readFully(body, payloadOffset);
            body.flip();
            crc.update(body.duplicate());
        } else {
            for (long at = payloadOffset, end = payloadOffset + length; at < end; ) {
                int chunk = (int) Math.min(WINDOW_BYTES, end - at);
                crc.update(view(at, chunk));
                at += chunk;
            }
        }
        if ((int) crc.getValue() != storedCrc) {
            return false;
        }
        recordPosition = position;
        payload = keepPayload ? body : null;
        offset = payloadOffset + length;
        return true;
    }

    /** File offset of the next record to read (just past the last valid one). */
    long offset() {
        return offset;
    }

    /** Position of the record the last successful {@link #next()} read. */
    long recordPosition() {
        return recordPosition;
    }

    /** Payload of the record the last successful {@link #next()} read; valid until the next call. */
    ByteBuffer payload() {
        return payload;
    }

    /**
     * Whether the bytes at {@link #offset()} hold a record header whose position field names this very
     * place: an invalid record there was written here (torn or corrupt), unlike zeros or an old record of
     * a reused file, whose position fields name other places.
     */
    boolean invalidRecordClaimsThisPlace() throws IOException {
        if (limitOffset - offset < RecordFormat.HEADER_BYTES) {
            return false;
        }
        ByteBuffer header = view(offset, RecordFormat.HEADER_BYTES);
        return header.getLong(header.position() + RecordFormat.POSITION_OFFSET) == basePosition + offset;
    }

    /** Whether every byte from {@link #offset()} to the limit is zero (an unwritten tail, not a torn one). */
    boolean restIsZero() throws IOException {
        for (long at = offset; at < limitOffset; ) {
            int chunk = (int) Math.min(WINDOW_BYTES, limitOffset - at);
            ByteBuffer bytes = view(at, chunk);
            for (int i = bytes.position(); i < bytes.limit(); i++) {
                if (bytes.get(i) != 0) {
                    return false;
                }
            }
            at += chunk;
        }
        return true;
    }

    /** A buffer over {@code [fileOffset, fileOffset + length)} with position and limit set, from the window. */
    private ByteBuffer view(long fileOffset, int length) throws IOException {
        long windowEnd = windowFileOffset + windowLength;
        if (fileOffset < windowFileOffset || fileOffset + length > windowEnd) {
            window.clear();
            window.limit((int) Math.min(WINDOW_BYTES, limitOffset - fileOffset));
            windowFileOffset = fileOffset;
            windowLength = 0;
            readFully(window, fileOffset);
            windowLength = window.position();
        }
        int start = (int) (fileOffset - windowFileOffset);
        return window.duplicate().limit(start + length).position(start);
    }

    private void readFully(ByteBuffer dst, long fileOffset) throws IOException {
        long at = fileOffset;
        while (dst.hasRemaining()) {
            int n = reader.read(dst, at);
            if (n < 0) {
                throw new EOFException("segment at base " + basePosition + " ends before offset " + limitOffset);
            }
            at += n;
        }
    }
}
