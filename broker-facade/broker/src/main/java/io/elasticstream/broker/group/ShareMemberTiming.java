package io.elasticstream.broker.group;

/**
 * How often a share group's members heartbeat and how long a silent one stays in the group, as its configs
 * say at the moment they are asked: the group's {@code share.heartbeat.interval.ms} and
 * {@code share.session.timeout.ms} ({@link GroupConfigs}), else the broker's {@code group.share.*} settings, as
 * Kafka 4.4 resolves them at each heartbeat.
 */
interface ShareMemberTiming {
    int heartbeatIntervalMs();

    int sessionTimeoutMs();

    /** The broker's settings, for every group. */
    static ShareMemberTiming of(ShareGroupConfig broker) {
        return new ShareMemberTiming() {
            @Override
            public int heartbeatIntervalMs() {
                return broker.heartbeatIntervalMs();
            }

            @Override
            public int sessionTimeoutMs() {
                return broker.sessionTimeoutMs();
            }
        };
    }

    /** {@code groupId}'s configs (never waiting: {@link GroupConfigs#cachedOverrides}). */
    static ShareMemberTiming of(GroupConfigs configs, String groupId) {
        return new ShareMemberTiming() {
            @Override
            public int heartbeatIntervalMs() {
                return configs.shareHeartbeatIntervalMs(groupId);
            }

            @Override
            public int sessionTimeoutMs() {
                return configs.shareSessionTimeoutMs(groupId);
            }
        };
    }
}
