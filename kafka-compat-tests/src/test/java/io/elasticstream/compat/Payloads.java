package io.elasticstream.compat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic record contents, so a reader can recompute exactly what was sent instead of keeping it.
 * A record is identified by (partition, sequence number within the partition). The value starts with
 * both, then pseudo-random bytes from a 16-letter alphabet (compressible about 2:1, so codecs have work).
 */
public final class Payloads {
    private static final byte[] ALPHABET = "abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = Integer.BYTES + Long.BYTES;

    private Payloads() {
    }

    public static byte[] key(int partition, long seq) {
        return ("p" + partition + "-s" + seq).getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] value(int partition, long seq, int sizeBytes) {
        if (sizeBytes < HEADER_BYTES) {
            throw new IllegalArgumentException("sizeBytes must be at least " + HEADER_BYTES + ": " + sizeBytes);
        }
        ByteBuffer buffer = ByteBuffer.allocate(sizeBytes);
        buffer.putInt(partition).putLong(seq);
        SplittableRandom random = new SplittableRandom(partition * 1_000_003L + seq * 0x9E3779B97F4A7C15L);
        while (buffer.hasRemaining()) {
            buffer.put(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return buffer.array();
    }

    /** Human-readable form of a key for failure messages. */
    public static String describe(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        return bytes.length <= 32 ? new String(bytes, StandardCharsets.US_ASCII)
                : bytes.length + " bytes";
    }
}
