package io.elasticstream.placement.rpc;

import io.elasticstream.common.Checks;

import java.util.Arrays;
import java.util.List;

/**
 * How {@link RemotePlacementService} reaches the placement drivers.
 *
 * @param addresses         every PD's RPC {@code host:port}; any of them may be the leader
 * @param callTimeoutMs     how long one call may take in all, across redirects, retries and PD restarts
 * @param requestTimeoutMs  how long one HTTP request to one PD may take
 * @param minBackoffMs      first pause before retrying when no leader answered
 * @param maxBackoffMs      longest such pause (the pause doubles up to it)
 */
public record RemotePlacementConfig(List<String> addresses, long callTimeoutMs, long requestTimeoutMs,
                                    long minBackoffMs, long maxBackoffMs) {

    public RemotePlacementConfig {
        addresses = List.copyOf(addresses);
        Checks.argument(!addresses.isEmpty(), "at least one placement driver address is needed");
        for (String address : addresses) {
            int colon = address.lastIndexOf(':');
            Checks.argument(colon > 0 && colon < address.length() - 1, "'%s' is not host:port", address);
        }
        Checks.argument(callTimeoutMs > 0 && requestTimeoutMs > 0, "timeouts must be positive");
        Checks.argument(minBackoffMs > 0 && maxBackoffMs >= minBackoffMs, "backoff %d..%d ms is invalid",
                minBackoffMs, maxBackoffMs);
    }

    /** Defaults: 30 s per call, 10 s per request, backoff 50..1000 ms. */
    public static RemotePlacementConfig of(List<String> addresses) {
        return new RemotePlacementConfig(addresses, 30_000, 10_000, 50, 1_000);
    }

    /** Parses a comma-separated {@code host:port} list. */
    public static List<String> parseAddresses(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    public RemotePlacementConfig withCallTimeoutMs(long timeoutMs) {
        return new RemotePlacementConfig(addresses, timeoutMs, requestTimeoutMs, minBackoffMs, maxBackoffMs);
    }
}
