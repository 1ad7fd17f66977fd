package io.elasticstream.placement.server.election;

import io.elasticstream.common.Checks;

/**
 * One candidate's election settings.
 *
 * @param clusterPrefix the store prefix of the cluster; ends with '/'
 * @param candidateId   this placement driver's id (unique in the cluster)
 * @param rpcAddress    {@code host:port} where this placement driver's RPC listens
 * @param leaseTtlMs    how long a leader survives without keep-alives; followers take over after it
 */
public record ElectionConfig(String clusterPrefix, String candidateId, String rpcAddress, long leaseTtlMs) {
    public static final long DEFAULT_LEASE_TTL_MS = 3_000;

    public ElectionConfig {
        Checks.notNull(clusterPrefix, "clusterPrefix");
        Checks.argument(clusterPrefix.endsWith("/"), "clusterPrefix '%s' must end with '/'", clusterPrefix);
        Checks.argument(candidateId != null && !candidateId.isBlank(), "candidateId must not be blank");
        Checks.notNull(rpcAddress, "rpcAddress");
        Checks.argument(leaseTtlMs >= 300, "leaseTtlMs %d must be >= 300", leaseTtlMs);
    }

    public String leaderKey() {
        return clusterPrefix + "pd/leader";
    }

    public String termKey() {
        return clusterPrefix + "pd/term";
    }

    /** How often the leader refreshes its lease and a follower re-checks the leader key. */
    public long tickMs() {
        return leaseTtlMs / 3;
    }
}
