package io.elasticstream.placement.api;

/**
 * What a range server reports with each heartbeat; PD keeps the latest report as the value of the
 * server's liveness key and prefers servers with more free disk among those holding equally many ranges.
 * PD's status page charts the cluster from these reports.
 *
 * @param rangesHeld        ranges the server stores (open and sealed)
 * @param diskFreeBytes     usable bytes left on the data directory's file store
 * @param bytesInPerSecond  appended bytes per second, recent average (0 if unknown)
 * @param walFsyncP99Ms     99th percentile of the WAL's write + fsync of a group commit, milliseconds (0 if unknown)
 * @param diskUsedBytes     bytes of the WAL's segment files (0 if unknown)
 * @param diskTotalBytes    size of the file store holding the WAL (0 if unknown)
 */
public record RangeServerLoad(int rangesHeld, long diskFreeBytes, long bytesInPerSecond, double walFsyncP99Ms,
                              long diskUsedBytes, long diskTotalBytes) {
    /** Nothing known yet: what PD stores at registration until the first heartbeat. */
    public static final RangeServerLoad UNKNOWN = new RangeServerLoad(0, 0, 0);

    public RangeServerLoad {
        if (rangesHeld < 0) {
            throw new IllegalArgumentException("rangesHeld " + rangesHeld + " must not be negative");
        }
        if (diskFreeBytes < 0) {
            throw new IllegalArgumentException("diskFreeBytes " + diskFreeBytes + " must not be negative");
        }
        if (bytesInPerSecond < 0) {
            throw new IllegalArgumentException("bytesInPerSecond " + bytesInPerSecond + " must not be negative");
        }
        LoadChecks.millis("walFsyncP99Ms", walFsyncP99Ms);
        if (diskUsedBytes < 0) {
            throw new IllegalArgumentException("diskUsedBytes " + diskUsedBytes + " must not be negative");
        }
        if (diskTotalBytes < 0) {
            throw new IllegalArgumentException("diskTotalBytes " + diskTotalBytes + " must not be negative");
        }
    }

    /** A report without WAL latency and disk use (0: unknown), as range servers sent before they reported any. */
    public RangeServerLoad(int rangesHeld, long diskFreeBytes, long bytesInPerSecond) {
        this(rangesHeld, diskFreeBytes, bytesInPerSecond, 0, 0, 0);
    }
}
