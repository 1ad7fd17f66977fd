package io.elasticstream.broker.group;

import java.util.EnumSet;
import java.util.Set;

/**
 * States of a classic group, with Kafka's names (as reported by ListGroups and DescribeGroups) and the
 * states each may move to; see {@link ClassicGroup} for what causes each transition.
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String kafkaName;

    GroupState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    public String kafkaName() {
        return kafkaName;
    }

    /** States this state may move to. */
    Set<GroupState> next() {
        return switch (this) {
            case EMPTY -> EnumSet.of(PREPARING_REBALANCE, DEAD);
            case PREPARING_REBALANCE -> EnumSet.of(COMPLETING_REBALANCE, EMPTY, DEAD);
            case COMPLETING_REBALANCE -> EnumSet.of(STABLE, PREPARING_REBALANCE, DEAD);
            case STABLE -> EnumSet.of(PREPARING_REBALANCE, DEAD);
            case DEAD -> EnumSet.noneOf(GroupState.class);
        };
    }

    /** The state with this Kafka name, case-insensitively (ListGroups filters), or null. */
    public static GroupState fromKafkaName(String name) {
        for (GroupState s : values()) {
            if (s.kafkaName.equalsIgnoreCase(name)) {
                return s;
            }
        }
        return null;
    }
}
