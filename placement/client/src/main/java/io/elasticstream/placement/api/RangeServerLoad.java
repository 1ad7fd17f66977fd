package io.elasticstream.placement.api;

/**
 * What a range server reports with each heartbeat; PD keeps the latest report as the value of the
 * server's liveness key and prefers servers with more free disk among those holding equally many ranges.
 *
 * @param rangesHeld        ranges the server stores (open and sealed)
 * @param diskFreeBytes     usable bytes left on the data directory's file store
 * @param bytesInPerSecond  appended bytes per second, recent average (0 if unknown)
 */
public record RangeServerLoad(int rangesHeld, long diskFreeBytes, long bytesInPerSecond) {
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
    }
}
