package io.elasticstream.placement.api;

/**
 * What a broker reports with each heartbeat; PD keeps the latest report as the value of the broker's
 * liveness key.
 *
 * @param partitionsOwned     partitions the broker has open for write
 * @param bytesInPerSecond    produced bytes per second, recent average (0 if unknown)
 * @param bytesOutPerSecond   fetched bytes per second, recent average (0 if unknown)
 */
public record BrokerLoad(int partitionsOwned, long bytesInPerSecond, long bytesOutPerSecond) {
    /** Nothing known yet: what PD stores at registration until the first heartbeat. */
    public static final BrokerLoad UNKNOWN = new BrokerLoad(0, 0, 0);

    public BrokerLoad {
        if (partitionsOwned < 0) {
            throw new IllegalArgumentException("partitionsOwned " + partitionsOwned + " must not be negative");
        }
        if (bytesInPerSecond < 0) {
            throw new IllegalArgumentException("bytesInPerSecond " + bytesInPerSecond + " must not be negative");
        }
        if (bytesOutPerSecond < 0) {
            throw new IllegalArgumentException("bytesOutPerSecond " + bytesOutPerSecond + " must not be negative");
        }
    }
}
