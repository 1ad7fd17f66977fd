package io.elasticstream.placement.metadata;

import io.elasticstream.placement.metadata.MetadataStore.KeyValue;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Binary formats of the embedded store's files, all big-endian.
 *
 * <pre>
 * log file   = frame*
 * frame      = payloadLength:int32  crc32c(payload):int32  payload
 * payload    = FORMAT:int8  revision:int64
 *              grantCount:int32  (leaseId:int64 ttlMs:int64)*
 *              revokeCount:int32 (leaseId:int64)*
 *              changeCount:int32 change*
 * change     = PUT:int8 key value:bytes createRevision:int64 modRevision:int64 version:int64 leaseId:int64
 *            | DELETE:int8 key
 * key        = bytes (UTF-8)         bytes = length:int32 byte*
 *
 * snapshot   = MAGIC:int32 FORMAT:int32 revision:int64 nextLeaseId:int64 logGeneration:int64
 *              leaseCount:int32 (leaseId:int64 ttlMs:int64)*  kvCount:int32 kv*  crc32c(all before):int32
 * kv         = key value:bytes createRevision:int64 modRevision:int64 version:int64 leaseId:int64
 * </pre>
 *
 * A frame that is short, whose length does not fit the file, or whose CRC does not match is a torn
 * write: {@link #readFrame} reports it as absent so recovery can truncate there.
 */
final class LogCodec {
    static final int FRAME_HEADER_BYTES = 8;
    private static final byte ENTRY_FORMAT = 1;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final int SNAPSHOT_MAGIC = 0x45534d53; // "ESMS"
    private static final int SNAPSHOT_FORMAT = 1;

    private LogCodec() {
    }

    /** The framed bytes of one entry, ready to append. */
    static ByteBuffer encodeFrame(LogEntry entry) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0); // length, patched below
            out.writeInt(0); // crc, patched below
            out.writeByte(ENTRY_FORMAT);
            out.writeLong(entry.revision());
            out.writeInt(entry.grants().size());
            for (LogEntry.Grant grant : entry.grants()) {
                out.writeLong(grant.leaseId());
                out.writeLong(grant.ttlMs());
            }
            out.writeInt(entry.revokes().size());
            for (long leaseId : entry.revokes()) {
                out.writeLong(leaseId);
            }
            out.writeInt(entry.changes().size());
            for (LogEntry.Change change : entry.changes()) {
                if (change.kv() != null) {
                    out.writeByte(PUT);
                    writeKeyValue(out, change.kv());
                } else {
                    out.writeByte(DELETE);
                    writeBytes(out, change.key().getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: in-memory stream", e);
        }
        ByteBuffer frame = ByteBuffer.wrap(bytes.toByteArray());
        int payloadLength = frame.remaining() - FRAME_HEADER_BYTES;
        CRC32C crc = new CRC32C();
        crc.update(frame.array(), FRAME_HEADER_BYTES, payloadLength);
        frame.putInt(0, payloadLength);
        frame.putInt(4, (int) crc.getValue());
        return frame;
    }

    /**
     * Reads the frame at {@code buffer}'s position and advances past it; null (position unchanged) if
     * the bytes there are not a complete frame with a matching CRC.
     */
    static LogEntry readFrame(ByteBuffer buffer) {
        int start = buffer.position();
        if (buffer.remaining() < FRAME_HEADER_BYTES) {
            return null;
        }
        int payloadLength = buffer.getInt(start);
        int expectedCrc = buffer.getInt(start + 4);
        if (payloadLength <= 0 || payloadLength > buffer.remaining() - FRAME_HEADER_BYTES) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.slice(start + FRAME_HEADER_BYTES, payloadLength));
        if ((int) crc.getValue() != expectedCrc) {
            return null;
        }
        ByteBuffer payload = buffer.slice(start + FRAME_HEADER_BYTES, payloadLength);
        LogEntry entry = decodePayload(payload);
        buffer.position(start + FRAME_HEADER_BYTES + payloadLength);
        return entry;
    }

    private static LogEntry decodePayload(ByteBuffer in) {
        try {
            byte format = in.get();
            if (format != ENTRY_FORMAT) {
                throw new MetadataStoreException("unknown metadata log entry format " + format);
            }
            long revision = in.getLong();
            List<LogEntry.Grant> grants = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                grants.add(new LogEntry.Grant(in.getLong(), in.getLong()));
            }
            List<Long> revokes = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                revokes.add(in.getLong());
            }
            List<LogEntry.Change> changes = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                byte kind = in.get();
                switch (kind) {
                    case PUT -> changes.add(LogEntry.Change.put(readKeyValue(in)));
                    case DELETE -> changes.add(LogEntry.Change.delete(readString(in)));
                    default -> throw new MetadataStoreException("unknown metadata log change kind " + kind);
                }
            }
            if (in.hasRemaining()) {
                throw new MetadataStoreException("metadata log entry has " + in.remaining() + " trailing bytes");
            }
            return new LogEntry(revision, grants, revokes, changes);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            // The CRC matched, so this is not a torn write: the format is not what we wrote.
            throw new MetadataStoreException("undecodable metadata log entry with a valid CRC", e);
        }
    }

    // ---------------------------------------------------------------- snapshot

    /** A decoded snapshot. */
    record Snapshot(long revision, long nextLeaseId, long logGeneration, List<LogEntry.Grant> leases, List<KeyValue> kvs) {
    }

    static void writeSnapshot(OutputStream target, KvState state, long logGeneration) throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(target, new CRC32C());
        DataOutputStream out = new DataOutputStream(checked);
        out.writeInt(SNAPSHOT_MAGIC);
        out.writeInt(SNAPSHOT_FORMAT);
        out.writeLong(state.revision());
        out.writeLong(state.nextLeaseId());
        out.writeLong(logGeneration);
        List<KvState.Lease> leases = state.leases();
        out.writeInt(leases.size());
        for (KvState.Lease lease : leases) {
            out.writeLong(lease.id);
            out.writeLong(lease.ttlMs);
        }
        out.writeInt(state.keyValues().size());
        for (KeyValue kv : state.keyValues()) {
            writeKeyValue(out, kv);
        }
        out.flush();
        new DataOutputStream(target).writeInt((int) checked.getChecksum().getValue());
    }

    static Snapshot readSnapshot(byte[] bytes) {
        if (bytes.length < 4) {
            throw new MetadataStoreException("metadata snapshot is truncated (" + bytes.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if ((int) crc.getValue() != in.getInt(bytes.length - 4)) {
            throw new MetadataStoreException("metadata snapshot CRC mismatch");
        }
        in.limit(bytes.length - 4);
        try {
            if (in.getInt() != SNAPSHOT_MAGIC || in.getInt() != SNAPSHOT_FORMAT) {
                throw new MetadataStoreException("not a metadata snapshot of a known format");
            }
            long revision = in.getLong();
            long nextLeaseId = in.getLong();
            long logGeneration = in.getLong();
            List<LogEntry.Grant> leases = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                leases.add(new LogEntry.Grant(in.getLong(), in.getLong()));
            }
            List<KeyValue> kvs = new ArrayList<>();
            for (int i = count(in); i > 0; i--) {
                kvs.add(readKeyValue(in));
            }
            if (in.hasRemaining()) {
                throw new MetadataStoreException("metadata snapshot has " + in.remaining() + " trailing bytes");
            }
            return new Snapshot(revision, nextLeaseId, logGeneration, leases, kvs);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new MetadataStoreException("undecodable metadata snapshot with a valid CRC", e);
        }
    }

    // ---------------------------------------------------------------- primitives

    private static void writeKeyValue(DataOutputStream out, KeyValue kv) throws IOException {
        writeBytes(out, kv.key().getBytes(StandardCharsets.UTF_8));
        writeBytes(out, kv.value());
        out.writeLong(kv.createRevision());
        out.writeLong(kv.modRevision());
        out.writeLong(kv.version());
        out.writeLong(kv.leaseId());
    }

    private static KeyValue readKeyValue(ByteBuffer in) {
        String key = readString(in);
        byte[] value = readBytes(in);
        return new KeyValue(key, value, in.getLong(), in.getLong(), in.getLong(), in.getLong());
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("byte string of length " + length + " with " + in.remaining() + " left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static String readString(ByteBuffer in) {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static int count(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0 || count > in.remaining()) {
            throw new IllegalArgumentException("count " + count + " with " + in.remaining() + " bytes left");
        }
        return count;
    }
}
