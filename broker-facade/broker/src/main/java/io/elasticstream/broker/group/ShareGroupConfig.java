package io.elasticstream.broker.group;

import io.elasticstream.common.Checks;
import java.util.Map;

/**
 * The broker's share-group membership settings, named and defaulted as in Apache Kafka 4.4. The settings of a
 * group's share-partitions (record lock duration, delivery-count limit, record locks), which a group may
 * override, are resolved by {@link GroupConfigs#shareSettings}.
 *
 * @param heartbeatIntervalMs {@code group.share.heartbeat.interval.ms}
 * @param sessionTimeoutMs    {@code group.share.session.timeout.ms}: a member silent this long is removed
 * @param maxShareSessions    {@code group.share.max.share.sessions}: share sessions per broker
 */
public record ShareGroupConfig(int heartbeatIntervalMs, int sessionTimeoutMs, int maxShareSessions) {

    public ShareGroupConfig {
        Checks.argument(heartbeatIntervalMs > 0 && heartbeatIntervalMs < sessionTimeoutMs,
                "group.share.heartbeat.interval.ms must be above 0 and below group.share.session.timeout.ms");
        Checks.argument(maxShareSessions > 0, "group.share.max.share.sessions must be above 0");
    }

    /** Kafka 4.4's defaults. */
    public static ShareGroupConfig defaults() {
        return new ShareGroupConfig(5_000, 45_000, 2_000);
    }

    /** Kafka's defaults, overridden by the Kafka-named settings present in {@code props}. */
    public static ShareGroupConfig from(Map<String, String> props) {
        ShareGroupConfig d = defaults();
        return new ShareGroupConfig(
                GroupConfig.intProp(props, "group.share.heartbeat.interval.ms", d.heartbeatIntervalMs),
                GroupConfig.intProp(props, "group.share.session.timeout.ms", d.sessionTimeoutMs),
                GroupConfig.intProp(props, "group.share.max.share.sessions", d.maxShareSessions));
    }
}
