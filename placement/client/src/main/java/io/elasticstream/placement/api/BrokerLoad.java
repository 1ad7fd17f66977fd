package io.elasticstream.placement.api;

/**
 * What a broker reports with each heartbeat; PD keeps the latest report as the value of the broker's
 * liveness key, and its status page charts the cluster from these reports.
 *
 * @param partitionsOwned     partitions the broker has open for write
 * @param bytesInPerSecond    produced bytes per second, recent average (0 if unknown)
 * @param bytesOutPerSecond   fetched bytes per second, recent average (0 if unknown)
 * @param produceP99Ms        99th percentile of produce latency until durable, milliseconds (0 if unknown)
 * @param fetchP99Ms          99th percentile of fetch request latency (long polls included), milliseconds
 *                            (0 if unknown)
 */
public record BrokerLoad(int partitionsOwned, long bytesInPerSecond, long bytesOutPerSecond, double produceP99Ms,
                         double fetchP99Ms) {
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
        LoadChecks.millis("produceP99Ms", produceP99Ms);
        LoadChecks.millis("fetchP99Ms", fetchP99Ms);
    }

    /** A report without latencies (0: unknown), as brokers sent before they reported any. */
    public BrokerLoad(int partitionsOwned, long bytesInPerSecond, long bytesOutPerSecond) {
        this(partitionsOwned, bytesInPerSecond, bytesOutPerSecond, 0, 0);
    }
}
