package io.elasticstream.broker.group;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A server-side assignor of KIP-848 consumer groups ({@code group.consumer.assignors}): from the members'
 * subscriptions (resolved to topic ids) and current assignments, the target assignment of every member.
 * Each partition of a subscribed topic goes to exactly one member subscribed to its topic. Pure: the same
 * inputs give the same output.
 */
interface ConsumerAssignor {
    String name();

    /** One member as the assignor sees it ({@code rackId} may be null). */
    record MemberSpec(String instanceId, String rackId, Set<Uuid> topics, Assignment current) {
    }

    /** The target assignment of every member of {@code members} (absent or empty: nothing). */
    Map<String, Assignment> assign(Map<String, MemberSpec> members, TopicImage topics);

    static ConsumerAssignor named(String name) {
        return switch (name) {
            case UniformAssignor.NAME -> new UniformAssignor();
            case RangeAssignor.NAME -> new RangeAssignor();
            default -> throw new IllegalArgumentException("unknown assignor " + name);
        };
    }
}
