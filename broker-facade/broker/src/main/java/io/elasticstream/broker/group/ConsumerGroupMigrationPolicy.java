package io.elasticstream.broker.group;

import java.util.Locale;

/**
 * {@code group.consumer.migration.policy}, as in Kafka: whether a running group may change protocol online.
 * An upgrade turns a classic group into a consumer group when a member joins it with ConsumerGroupHeartbeat; a
 * downgrade turns a consumer group back into a classic group when its last member using the consumer protocol
 * goes and only classic members are left. With {@link #DISABLED}, classic members cannot join a consumer group
 * at all. Names are case-insensitive.
 */
public enum ConsumerGroupMigrationPolicy {
    BIDIRECTIONAL(true, true),
    UPGRADE(true, false),
    DOWNGRADE(false, true),
    DISABLED(false, false);

    private final boolean upgrade;
    private final boolean downgrade;

    ConsumerGroupMigrationPolicy(boolean upgrade, boolean downgrade) {
        this.upgrade = upgrade;
        this.downgrade = downgrade;
    }

    public boolean allowsUpgrade() {
        return upgrade;
    }

    public boolean allowsDowngrade() {
        return downgrade;
    }

    /** The policy of that name, in any case; IllegalArgumentException for an unknown one. */
    public static ConsumerGroupMigrationPolicy parse(String name) {
        for (ConsumerGroupMigrationPolicy p : values()) {
            if (p.toString().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("group.consumer.migration.policy: unknown policy '" + name
                + "' (bidirectional, upgrade, downgrade, disabled)");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
