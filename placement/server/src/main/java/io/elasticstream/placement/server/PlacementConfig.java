package io.elasticstream.placement.server;

import io.elasticstream.common.Checks;

/**
 * What PD needs to know about its cluster.
 *
 * @param clusterPrefix         the metadata store prefix every PD key lives under; ends with '/'
 * @param defaultReplicaCount   range servers each new stream's ranges are placed on
 * @param defaultAckCount       replicas that must store a batch before it is confirmed
 * @param memberSessionTtlMs    how long a broker or range server stays live after its last heartbeat
 *                              (members heartbeat every third of it); etcd rounds it up to whole seconds
 * @param rangeRepairIntervalMs how often the leader looks for sealed ranges that lost a replica and copies
 *                              them to another range server ({@link RangeRepairer}); 0 = never
 */
public record PlacementConfig(String clusterPrefix, int defaultReplicaCount, int defaultAckCount,
                              long memberSessionTtlMs, long rangeRepairIntervalMs) {
    public static final String DEFAULT_CLUSTER_PREFIX = "/elastic-stream/";
    public static final long DEFAULT_MEMBER_SESSION_TTL_MS = 6_000;
    public static final long DEFAULT_RANGE_REPAIR_INTERVAL_MS = 5_000;

    public PlacementConfig {
        Checks.notNull(clusterPrefix, "clusterPrefix");
        Checks.argument(clusterPrefix.endsWith("/"), "clusterPrefix '%s' must end with '/'", clusterPrefix);
        Checks.argument(defaultReplicaCount >= 1, "defaultReplicaCount %d must be >= 1", defaultReplicaCount);
        Checks.argument(defaultAckCount >= 1 && defaultAckCount <= defaultReplicaCount,
                "defaultAckCount %d must be in [1, defaultReplicaCount %d]", defaultAckCount, defaultReplicaCount);
        Checks.argument(memberSessionTtlMs > 0, "memberSessionTtlMs %d must be positive", memberSessionTtlMs);
        Checks.argument(rangeRepairIntervalMs >= 0, "rangeRepairIntervalMs %d must not be negative",
                rangeRepairIntervalMs);
    }

    /** A config with the default range repair interval. */
    public PlacementConfig(String clusterPrefix, int defaultReplicaCount, int defaultAckCount,
                           long memberSessionTtlMs) {
        this(clusterPrefix, defaultReplicaCount, defaultAckCount, memberSessionTtlMs, DEFAULT_RANGE_REPAIR_INTERVAL_MS);
    }

    /** A config with the default member session TTL and range repair interval. */
    public PlacementConfig(String clusterPrefix, int defaultReplicaCount, int defaultAckCount) {
        this(clusterPrefix, defaultReplicaCount, defaultAckCount, DEFAULT_MEMBER_SESSION_TTL_MS);
    }

    /** One range server, one copy: what standalone mode runs with. */
    public static PlacementConfig standalone() {
        return new PlacementConfig(DEFAULT_CLUSTER_PREFIX, 1, 1);
    }

    public PlacementConfig withMemberSessionTtlMs(long ttlMs) {
        return new PlacementConfig(clusterPrefix, defaultReplicaCount, defaultAckCount, ttlMs, rangeRepairIntervalMs);
    }

    public PlacementConfig withRangeRepairIntervalMs(long intervalMs) {
        return new PlacementConfig(clusterPrefix, defaultReplicaCount, defaultAckCount, memberSessionTtlMs, intervalMs);
    }
}
