package io.elasticstream.streamclient.api;

import io.elasticstream.common.Checks;

/**
 * Stream client settings.
 *
 * @param appendTimeoutMs        a replica that has not acknowledged an append within this time is
 *                               treated as failed: the writer seals the range and rolls to a new one
 * @param maxInflightBytes       unconfirmed bytes one stream may hold; beyond it appends are refused
 *                               with a retriable {@link StreamException.Backpressure}
 * @param rollRetryBackoffMs     pause between attempts to seal and roll after a failure
 * @param maxRollAttempts        attempts before the stream gives up and fails (its owner reopens it)
 */
public record StreamClientConfig(long appendTimeoutMs, long maxInflightBytes, long rollRetryBackoffMs,
                                 int maxRollAttempts) {

    public StreamClientConfig {
        Checks.argument(appendTimeoutMs > 0, "appendTimeoutMs must be positive");
        Checks.argument(maxInflightBytes > 0, "maxInflightBytes must be positive");
        Checks.argument(rollRetryBackoffMs >= 0, "rollRetryBackoffMs must not be negative");
        Checks.argument(maxRollAttempts > 0, "maxRollAttempts must be positive");
    }

    public static StreamClientConfig defaults() {
        return new StreamClientConfig(10_000, 64L * 1024 * 1024, 200, 50);
    }
}
