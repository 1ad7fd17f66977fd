package io.elasticstream.rangestore.server.wal;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of one record: {@code crc32c:int | length:int | position:long | payload}, big-endian.
 * The CRC32C covers length, position and payload, so a torn record, a record from a recycled or copied
 * file (its position field is wrong) and a bit flip are all detected.
 */
final class RecordFormat {
    static final int HEADER_BYTES = 16;
    static final int CRC_OFFSET = 0;
    static final int LENGTH_OFFSET = 4;
    static final int POSITION_OFFSET = 8;
    /** The header bytes covered by the CRC: length and position. */
    static final int CRC_COVERED_HEADER_BYTES = HEADER_BYTES - LENGTH_OFFSET;

    private RecordFormat() {
    }

    /** Bytes a record with this payload length occupies in a segment. */
    static long recordBytes(int payloadLength) {
        return HEADER_BYTES + (long) payloadLength;
    }

    /**
     * Fills the 16 header bytes at {@code header}'s absolute index {@code at} for a record at
     * {@code position}; the payload's position is not changed.
     */
    static void writeHeader(ByteBuffer header, int at, long position, ByteBuffer payload, CRC32C crc) {
        header.putInt(at + LENGTH_OFFSET, payload.remaining());
        header.putLong(at + POSITION_OFFSET, position);
        crc.reset();
        crc.update(header.slice(at + LENGTH_OFFSET, CRC_COVERED_HEADER_BYTES));
        crc.update(payload.duplicate());
        header.putInt(at + CRC_OFFSET, (int) crc.getValue());
    }

    /**
     * Starts the CRC of a record: resets {@code crc} and feeds it the length and position of the
     * header at {@code header}'s absolute index {@code at}.
     */
    static void startCrc(CRC32C crc, ByteBuffer header, int at) {
        crc.reset();
        crc.update(header.slice(at + LENGTH_OFFSET, CRC_COVERED_HEADER_BYTES));
    }
}
