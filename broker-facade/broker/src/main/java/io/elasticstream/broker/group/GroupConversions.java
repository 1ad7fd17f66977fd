package io.elasticstream.broker.group;

import io.elasticstream.broker.partition.KeyedRecordLog;
import io.elasticstream.common.Clock;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.SchemaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Online migration of a running group between the classic and the consumer protocol, as Kafka 4.4 does it
 * ({@code group.consumer.migration.policy}):
 * <ul>
 *   <li><b>upgrade</b> ({@link #toConsumerGroup}): a ConsumerGroupHeartbeat joins a classic group with members.
 *       If the policy allows it, the group uses the {@code consumer} embedded protocol and it is within
 *       {@code group.consumer.max.size}, the classic group becomes a consumer group at its generation as group and
 *       assignment epoch: its waiting JoinGroup and SyncGroup requests are answered REBALANCE_IN_PROGRESS, and each
 *       member stays, as a member speaking the classic protocol, with the subscription of its JoinGroup and the
 *       partitions of its SyncGroup assignment (decoded with {@link ConsumerProtocol}). Else GROUP_ID_NOT_FOUND with
 *       Kafka's message. The records: the classic group's tombstone, then the consumer group's.
 *   <li><b>downgrade</b> ({@link #maybeToClassicGroup}): members leave or are fenced, and those left all speak the
 *       classic protocol. If there are some, the policy allows it and they are within {@code group.max.size}, the
 *       consumer group becomes a classic group at its group epoch as generation, each member keeping its session
 *       timeout, protocols and assignment, and a rebalance starts so that they all rejoin. The records: the
 *       consumer group's tombstones, then the classic group's.
 * </ul>
 * Both keep the group's offsets. The records are queued on the consumer group
 * ({@link ConsumerGroup#conversionRecords}) and written with the request's other changes, before it is answered.
 * Owned by the coordinator thread.
 */
final class GroupConversions {
    private static final Logger LOG = LoggerFactory.getLogger(GroupConversions.class);

    private final GroupConfig groupConfig;
    private final ConsumerGroupConfig config;
    private final GroupStore groups;
    private final ClassicGroupProtocol classic;
    private final Clock clock;

    GroupConversions(GroupConfig groupConfig, ConsumerGroupConfig config, GroupStore groups,
                     ClassicGroupProtocol classic, Clock clock) {
        this.groupConfig = groupConfig;
        this.config = config;
        this.groups = groups;
        this.classic = classic;
        this.clock = clock;
    }

    // ---------------------------------------------------------------- upgrade

    /**
     * The consumer group that is to replace the classic group {@code c} (which has members), or a
     * {@link ConsumerGroupProtocol.Refusal} (GROUP_ID_NOT_FOUND, Kafka's message) when it may not be converted.
     * The classic members' waiting requests are answered REBALANCE_IN_PROGRESS at once; the consumer group takes
     * the classic group's place only when the join that converts it is accepted ({@link #register}): as in Kafka,
     * a refused join leaves the classic group as it was.
     */
    ConsumerGroup toConsumerGroup(ClassicGroup c, TopicImage topics) {
        String cannot = "Cannot upgrade classic group " + c.groupId + " to consumer group because ";
        if (!config.migrationPolicy().allowsUpgrade()) {
            throw refusal(cannot + "online upgrade is disabled.");
        }
        if (!ClassicGroup.CONSUMER_PROTOCOL.equals(c.protocolType)) {
            throw refusal(cannot + "the group does not use the consumer embedded protocol.");
        }
        if (c.members.size() > config.maxSize()) {
            throw refusal(cannot + "the group size exceeds the consumer group maximum size.");
        }
        ConsumerGroup g = new ConsumerGroup(c.groupId, c.partition, c.offsets);
        g.groupEpoch = c.generationId;
        g.assignmentEpoch = c.generationId;
        long now = clock.monotonicMillis();
        for (GroupMember cm : c.members.values()) {
            ConsumerGroupMember m = member(c, cm, topics, cannot);
            m.sessionDeadlineMs = now + cm.sessionTimeoutMs;
            g.put(m);
            g.targetAssignment.put(m.memberId, m.assigned);
        }
        for (GroupMember cm : c.members.values()) {
            cm.completeJoin(ClassicResponses.joinError(cm.memberId, Errors.REBALANCE_IN_PROGRESS));
            cm.completeSync(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
        }
        g.conversionRecords.add(new KeyedRecordLog.Entry(GroupRecords.groupKey(c.groupId), null));
        return g;
    }

    /** {@code g}, made by {@link #toConsumerGroup}, takes the place of the classic group it converts. */
    void register(ConsumerGroup g) {
        if (groups.get(g.groupId) instanceof ClassicGroup c) {
            c.unload();
            groups.replace(g);
            LOG.info("Group {}: classic group at generation {} with {} members converted to a consumer group",
                    g.groupId, c.generationId, c.members.size());
        }
    }

    /** Kafka's {@code ConsumerGroup.fromClassicGroup} for one member. */
    private static ConsumerGroupMember member(ClassicGroup c, GroupMember cm, TopicImage topics, String cannot) {
        ConsumerPartitionAssignor.Subscription subscription;
        ConsumerPartitionAssignor.Assignment assignment;
        try {
            byte[] metadata = c.protocolName != null && cm.protocols.containsKey(c.protocolName)
                    ? cm.protocols.get(c.protocolName) : cm.protocols.values().iterator().next();
            subscription = ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata));
            assignment = cm.assignment.length == 0 ? null
                    : ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(cm.assignment));
        } catch (SchemaException | IllegalArgumentException e) {
            LOG.warn("Group {}: member {} has a malformed consumer protocol subscription or assignment: {}",
                    c.groupId, cm.memberId, e.toString());
            throw refusal(cannot + "the embedded consumer protocol is malformed.");
        }
        if (assignment != null && assignment.userData() != null && assignment.userData().hasRemaining()) {
            throw refusal(cannot + "an unsupported custom assignor is in use. Please refer to the documentation or "
                    + "switch to a default assignor before re-attempting the upgrade.");
        }
        ConsumerGroupMember m = new ConsumerGroupMember(cm.memberId);
        m.instanceId = cm.groupInstanceId;
        m.rackId = subscription.rackId().orElse(null);
        m.clientId = cm.clientId;
        m.clientHost = cm.clientHost;
        m.rebalanceTimeoutMs = cm.rebalanceTimeoutMs;
        m.subscribedTopicNames = List.copyOf(new TreeSet<>(subscription.topics()));
        m.memberEpoch = c.generationId;
        m.previousMemberEpoch = c.generationId;
        m.state = ConsumerGroupMember.State.STABLE;
        m.own(assignment == null ? Assignment.EMPTY : toAssignment(assignment.partitions(), topics),
                Assignment.EMPTY, c.generationId);
        m.classic = ClassicMemberMetadata.of(cm.sessionTimeoutMs, cm.protocols);
        return m;
    }

    private static ConsumerGroupProtocol.Refusal refusal(String message) {
        return new ConsumerGroupProtocol.Refusal(Errors.GROUP_ID_NOT_FOUND, message);
    }

    // ---------------------------------------------------------------- downgrade

    /**
     * Converts {@code g} back to a classic group if, once {@code leaving} are gone, it has only members speaking the
     * classic protocol and Kafka's other conditions hold; whether it did. The classic group then rebalances, unless
     * {@code rebalance} is false: a static classic member just took the place of the last member using the
     * consumer protocol, and every member keeps its assignment (as Kafka).
     */
    boolean maybeToClassicGroup(ConsumerGroup g, Set<String> leaving, TopicImage topics, boolean rebalance) {
        int remaining = (int) g.members.keySet().stream().filter(id -> !leaving.contains(id)).count();
        if (!g.allUseClassicProtocolExcept(leaving) || remaining == 0) {
            return false;
        }
        if (!config.migrationPolicy().allowsDowngrade()) {
            LOG.info("Cannot downgrade consumer group {} to classic group because the online downgrade is disabled.",
                    g.groupId);
            return false;
        }
        if (remaining > groupConfig.maxGroupSize()) {
            LOG.info("Cannot downgrade consumer group {} to classic group because its group size is greater than "
                    + "classic group max size.", g.groupId);
            return false;
        }
        ClassicGroup c = new ClassicGroup(g.groupId, g.partition, g.offsets);
        c.generationId = g.groupEpoch;
        for (ConsumerGroupMember m : g.members.values()) {
            if (leaving.contains(m.memberId)) {
                continue;
            }
            GroupMember cm = new GroupMember(m.memberId, m.instanceId, m.clientId, m.clientHost, m.rebalanceTimeoutMs,
                    m.classic.sessionTimeoutMs(), m.classic.asMap());
            cm.protocolType = ClassicGroup.CONSUMER_PROTOCOL;
            cm.assignment = encode(m.assigned, topics, m.classic.consumerProtocolVersion());
            c.add(cm);
        }
        c.protocolName = c.selectProtocol();
        c.forceState(GroupState.STABLE); // the members hold their assignments until they rejoin

        List<KeyedRecordLog.Entry> records = new ArrayList<>();
        g.writtenMembers.keySet().forEach(id -> records.add(
                new KeyedRecordLog.Entry(ConsumerGroupRecords.memberKey(g.groupId, id), null)));
        records.add(new KeyedRecordLog.Entry(ConsumerGroupRecords.groupKey(g.groupId), null));
        records.add(ClassicGroupProtocol.record(c, clock.epochMillis()));
        g.writtenMembers.clear();
        g.unload();
        g.conversionRecords.addAll(records);
        groups.replace(c);
        LOG.info("Group {}: consumer group at epoch {} converted to a classic group with {} members", g.groupId,
                g.groupEpoch, c.members.size());
        classic.converted(c, rebalance);
        return true;
    }

    // ---------------------------------------------------------------- ConsumerProtocol

    /** Topic-name partitions as an assignment by topic id; partitions of unknown topics are left out. */
    static Assignment toAssignment(List<TopicPartition> partitions, TopicImage topics) {
        Assignment.Builder b = Assignment.builder();
        for (TopicPartition tp : partitions) {
            TopicImage.Topic t = topics == null ? null : topics.byName().get(tp.topic());
            if (t != null) {
                b.add(t.id(), tp.partition());
            }
        }
        return b.build();
    }

    /** An assignment as a classic member reads it: {@link ConsumerProtocol} in {@code version}, by topic name. */
    static byte[] encode(Assignment a, TopicImage topics, short version) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<org.apache.kafka.common.Uuid, Set<Integer>> e : a.partitions().entrySet()) {
            TopicImage.Topic t = topics == null ? null : topics.byId().get(e.getKey());
            if (t != null) {
                e.getValue().forEach(p -> partitions.add(new TopicPartition(t.name(), p)));
            }
        }
        ByteBuffer b = ConsumerProtocol.serializeAssignment(new ConsumerPartitionAssignor.Assignment(partitions),
                version);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
