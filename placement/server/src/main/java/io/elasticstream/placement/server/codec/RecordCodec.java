package io.elasticstream.placement.server.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one kind of record as {@code [format version byte][body]}. Subclasses write and read the
 * body of the current version, and may read bodies of older versions ({@link #readOlderBody}); reading a
 * value of any other version fails.
 *
 * @param <T> the record kind
 */
public abstract class RecordCodec<T> {
    /** Longest string a value may hold, a guard against reading garbage lengths. */
    static final int MAX_STRING_BYTES = 1 << 20;
    /** Most elements a list or map in a value may hold, for the same reason. */
    static final int MAX_ELEMENTS = 1 << 20;

    private final String kind;
    private final byte version;

    protected RecordCodec(String kind, int version) {
        this.kind = kind;
        this.version = (byte) version;
    }

    public final byte[] encode(T value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(version);
            writeBody(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    public final T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new CorruptRecordException(kind + ": empty value");
        }
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        try (DataInputStream data = new DataInputStream(in)) {
            byte found = data.readByte();
            T value;
            if (found == version) {
                value = readBody(data);
            } else if (found >= 1 && found < version) {
                value = readOlderBody(found, data);
            } else {
                throw unknownVersion(found);
            }
            if (in.available() != 0) {
                throw new CorruptRecordException(kind + ": " + in.available() + " trailing bytes");
            }
            return value;
        } catch (EOFException e) {
            throw new CorruptRecordException(kind + ": truncated value of " + bytes.length + " bytes", e);
        } catch (IOException e) {
            throw new CorruptRecordException(kind + ": unreadable value", e);
        }
    }

    protected abstract void writeBody(DataOutput out, T value) throws IOException;

    protected abstract T readBody(DataInput in) throws IOException;

    /**
     * Reads the body of an older format version {@code version} (at least 1, below the current one), as
     * values stored by an earlier release; by default none is known.
     */
    protected T readOlderBody(int version, DataInput in) throws IOException {
        throw unknownVersion(version);
    }

    private CorruptRecordException unknownVersion(int found) {
        return new CorruptRecordException(kind + ": unknown format version " + found + ", expected " + version);
    }

    /** Length-prefixed UTF-8, without {@link DataOutput#writeUTF}'s 64 KiB limit. */
    protected static void writeString(DataOutput out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + utf8.length + " bytes is too long to store");
        }
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    protected static String readString(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_STRING_BYTES) {
            throw new CorruptRecordException("string length " + length + " out of range");
        }
        byte[] utf8 = new byte[length];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    protected static int readCount(DataInput in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > MAX_ELEMENTS) {
            throw new CorruptRecordException("element count " + count + " out of range");
        }
        return count;
    }

    @Override
    public String toString() {
        return kind + " codec v" + version;
    }
}
