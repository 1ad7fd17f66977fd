package io.elasticstream.rangestore.server.wal;

import io.elasticstream.common.Checks;

/**
 * Sizing of one write-ahead log.
 *
 * @param segmentSizeBytes   the most bytes one segment file holds (each file is preallocated at this size,
 *                           rounded up to 4 KiB, and zero-filled); a record that does not fit in the
 *                           rest of the current segment starts a new one
 * @param maxRecordSizeBytes the largest payload {@link Wal#append} accepts
 * @param maxBatchBytes      the most bytes (headers included) written and synced together by one
 *                           group commit; a single record larger than this is written alone
 * @param maxQueuedBytes     the most bytes (headers included) accepted but not yet durable; an append
 *                           beyond this fails with "WAL queue full" instead of blocking
 */
public record WalConfig(long segmentSizeBytes, int maxRecordSizeBytes, int maxBatchBytes, long maxQueuedBytes) {

    public static final long DEFAULT_SEGMENT_SIZE_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_RECORD_SIZE_BYTES = 16 << 20;
    public static final int DEFAULT_MAX_BATCH_BYTES = 4 << 20;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 64L << 20;

    public WalConfig {
        Checks.argument(maxRecordSizeBytes >= 0, "maxRecordSizeBytes must be >= 0, was %d", maxRecordSizeBytes);
        Checks.argument(maxBatchBytes > 0, "maxBatchBytes must be > 0, was %d", maxBatchBytes);
        long largestRecordBytes = RecordFormat.HEADER_BYTES + (long) maxRecordSizeBytes;
        Checks.argument(segmentSizeBytes >= largestRecordBytes,
                "segmentSizeBytes (%d) must hold the largest record (%d bytes with header)",
                segmentSizeBytes, largestRecordBytes);
        Checks.argument(maxQueuedBytes >= largestRecordBytes,
                "maxQueuedBytes (%d) must hold the largest record (%d bytes with header)",
                maxQueuedBytes, largestRecordBytes);
    }

    /** 64 MiB segments, 16 MiB records, 4 MiB per group commit, 64 MiB queued. */
    public static WalConfig defaults() {
        return new WalConfig(DEFAULT_SEGMENT_SIZE_BYTES, DEFAULT_MAX_RECORD_SIZE_BYTES, DEFAULT_MAX_BATCH_BYTES,
                DEFAULT_MAX_QUEUED_BYTES);
    }

    public WalConfig withSegmentSizeBytes(long value) {
        return new WalConfig(value, maxRecordSizeBytes, maxBatchBytes, maxQueuedBytes);
    }

    public WalConfig withMaxRecordSizeBytes(int value) {
        return new WalConfig(segmentSizeBytes, value, maxBatchBytes, maxQueuedBytes);
    }

    public WalConfig withMaxBatchBytes(int value) {
        return new WalConfig(segmentSizeBytes, maxRecordSizeBytes, value, maxQueuedBytes);
    }

    public WalConfig withMaxQueuedBytes(long value) {
        return new WalConfig(segmentSizeBytes, maxRecordSizeBytes, maxBatchBytes, value);
    }
}
