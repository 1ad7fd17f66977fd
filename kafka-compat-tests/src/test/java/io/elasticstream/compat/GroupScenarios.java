package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.get;
import static io.elasticstream.compat.ScenarioSupport.partitions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/** Differential scenarios of classic consumer groups (JoinGroup/SyncGroup, offsets, admin group APIs). */
final class GroupScenarios {
    private static final int PARTITIONS = 4;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);

    private GroupScenarios() {
    }

    /** Two members with the range assignor: assignments, group description, committed offsets, leaving. */
    static Observation rangeGroup(String bootstrap) throws Exception {
        return twoMemberGroup(bootstrap, "diff-group-range", RangeAssignor.class);
    }

    /** The same with the cooperative-sticky assignor (incremental rebalances). */
    static Observation cooperativeStickyGroup(String bootstrap) throws Exception {
        return twoMemberGroup(bootstrap, "diff-group-coop", CooperativeStickyAssignor.class);
    }

    private static Observation twoMemberGroup(String bootstrap, String name, Class<?> assignor) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = name + "-topic";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, PARTITIONS, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                for (int p = 0; p < PARTITIONS; p++) {
                    producer.send(new ProducerRecord<>(topic, p, null, ("v" + p).getBytes())).get();
                }
            }
            try (KafkaConsumer<byte[], byte[]> a = member(bootstrap, name, "member-a", assignor)) {
                a.subscribe(List.of(topic));
                awaitAssignments(List.of(a), PARTITIONS);
                o.put("alone.a", partitions(a.assignment()));
                describe(o, admin, name, "alone");
                try (KafkaConsumer<byte[], byte[]> b = member(bootstrap, name, "member-b", assignor)) {
                    b.subscribe(List.of(topic));
                    awaitAssignments(List.of(a, b), PARTITIONS);
                    o.put("two.a", partitions(a.assignment()));
                    o.put("two.b", partitions(b.assignment()));
                    describe(o, admin, name, "two");
                    a.commitSync(commitEach(a.assignment(), 1, "from-a"));
                    b.commitSync(commitEach(b.assignment(), 1, "from-b"));
                    o.put("two.committed", committed(admin, name));
                    o.put("two.committedSeenByMember", a.committed(a.assignment()).entrySet().stream()
                            .sorted(Map.Entry.comparingByKey(BY_PARTITION)).map(e -> e.getKey().partition() + "="
                                    + offsetText(e.getValue())).toList());
                }
                awaitAssignments(List.of(a), PARTITIONS);
                o.put("afterBLeft.a", partitions(a.assignment()));
                describe(o, admin, name, "afterBLeft");
            }
            describe(o, admin, name, "afterBothLeft");
            o.put("afterBothLeft.committed", committed(admin, name));
        }
        return o;
    }

    /**
     * Static membership (KIP-345): a member with a group.instance.id that closes sends no LeaveGroup, so the
     * group keeps it (and its partitions) until its session times out; the same instance id rejoining takes
     * its place without growing the group.
     */
    static Observation staticMembership(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String group = "diff-group-static";
        String topic = group + "-topic";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 2, Map.of());
            try (KafkaConsumer<byte[], byte[]> first = staticMember(bootstrap, group)) {
                first.subscribe(List.of(topic));
                awaitAssignments(List.of(first), 2);
                o.put("joined.a", partitions(first.assignment()));
                describe(o, admin, group, "joined");
            }
            describe(o, admin, group, "afterClose");
            try (KafkaConsumer<byte[], byte[]> again = staticMember(bootstrap, group)) {
                again.subscribe(List.of(topic));
                awaitAssignments(List.of(again), 2);
                o.put("rejoined.a", partitions(again.assignment()));
                describe(o, admin, group, "rejoined");
            }
        }
        return o;
    }

    private static KafkaConsumer<byte[], byte[]> staticMember(String bootstrap, String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "member-a");
        config.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-a");
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, config));
    }

    private static KafkaConsumer<byte[], byte[]> member(String bootstrap, String group, String clientId,
                                                        Class<?> assignor) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 200);
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, config));
    }

    /** Polls every consumer until each has partitions, none overlap, and together they hold all of them. */
    static void awaitAssignments(List<KafkaConsumer<byte[], byte[]>> consumers, int partitions) {
        ScenarioSupport.await(consumers.size() + " members sharing " + partitions + " partitions", () -> {
            Set<TopicPartition> all = new HashSet<>();
            int total = 0;
            boolean everyoneHasSome = true;
            for (KafkaConsumer<byte[], byte[]> c : consumers) {
                c.poll(POLL);
                all.addAll(c.assignment());
                total += c.assignment().size();
                everyoneHasSome &= !c.assignment().isEmpty();
            }
            return everyoneHasSome && all.size() == partitions && total == partitions
                    ? Optional.of(true) : Optional.empty();
        });
    }

    private static Map<TopicPartition, OffsetAndMetadata> commitEach(Set<TopicPartition> partitions, long offset,
                                                                    String metadata) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach(p -> out.put(p, new OffsetAndMetadata(offset, metadata)));
        return out;
    }

    /** A committed offset as offset:metadata, or "none" where the broker holds none (a null in the client). */
    private static String offsetText(OffsetAndMetadata committed) {
        return committed == null ? "none" : committed.offset() + ":" + committed.metadata();
    }

    private static String committed(Admin admin, String group) throws Exception {
        return get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()).entrySet().stream()
                .sorted(Map.Entry.comparingByKey(BY_PARTITION))
                .map(e -> e.getKey().partition() + "=" + offsetText(e.getValue())
                        + (e.getValue() == null ? "" : ":epoch=" + e.getValue().leaderEpoch()))
                .toList().toString();
    }

    private static void describe(Observation o, Admin admin, String group, String phase) throws Exception {
        ConsumerGroupDescription d = get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
        o.put(phase + ".describe", "state=" + d.groupState() + " type=" + d.type() + " assignor="
                + d.partitionAssignor() + " simple=" + d.isSimpleConsumerGroup() + " coordinator="
                + ScenarioSupport.node(d.coordinator()) + " groupEpoch=" + d.groupEpoch());
        List<MemberDescription> members = new ArrayList<>(d.members());
        members.sort(Comparator.comparing(MemberDescription::clientId));
        o.put(phase + ".members", members.stream().map(m -> m.clientId() + " host=" + m.host().replaceAll(
                "^/", "") + " assignment=" + partitions(m.assignment().topicPartitions()) + " instance="
                + m.groupInstanceId() + " memberIdPrefix=" + memberIdPrefix(m)).toList());
    }

    /** Which id a member id starts with (Kafka: the group.instance.id if set, else the client id), then "-". */
    private static String memberIdPrefix(MemberDescription m) {
        if (m.groupInstanceId().isPresent() && m.consumerId().startsWith(m.groupInstanceId().get() + "-")) {
            return "groupInstanceId";
        }
        return m.consumerId().startsWith(m.clientId() + "-") ? "clientId" : "other";
    }

    /** ListGroups with and without state and type filters. */
    static Observation listGroups(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-list-topic";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            o.outcome("createEmptyByCommit", () -> get(admin.alterConsumerGroupOffsets("diff-list-empty",
                    Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))).all()));
            try (KafkaConsumer<byte[], byte[]> c = member(bootstrap, "diff-list-stable", "lister",
                    RangeAssignor.class)) {
                c.subscribe(List.of(topic));
                awaitAssignments(List.of(c), 1);
                o.put("all", listed(admin, new ListGroupsOptions()));
                o.put("consumerGroups", listed(admin, ListGroupsOptions.forConsumerGroups()));
                o.put("stable", listed(admin, ListGroupsOptions.forConsumerGroups()
                        .inGroupStates(Set.of(GroupState.STABLE))));
                o.put("empty", listed(admin, ListGroupsOptions.forConsumerGroups()
                        .inGroupStates(Set.of(GroupState.EMPTY))));
                o.put("emptyOrStable", listed(admin, ListGroupsOptions.forConsumerGroups()
                        .inGroupStates(Set.of(GroupState.EMPTY, GroupState.STABLE))));
                o.put("dead", listed(admin, ListGroupsOptions.forConsumerGroups()
                        .inGroupStates(Set.of(GroupState.DEAD))));
                o.put("shareGroups", listed(admin, ListGroupsOptions.forShareGroups()));
                o.put("protocolTypeConsumer", listed(admin, new ListGroupsOptions()
                        .withProtocolTypes(Set.of("consumer"))));
            }
        }
        return o;
    }

    private static List<String> listed(Admin admin, ListGroupsOptions options) throws Exception {
        List<String> out = new ArrayList<>();
        for (GroupListing g : get(admin.listGroups(options).all())) {
            if (g.groupId().startsWith("diff-list-")) {
                out.add(g.groupId() + " type=" + g.type() + " protocol=" + g.protocol() + " state="
                        + g.groupState() + " simple=" + g.isSimpleConsumerGroup());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** DeleteGroups: refused while a member is in the group, accepted once it is empty, then gone. */
    static Observation deleteGroup(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-delgroup-topic";
        String group = "diff-delgroup";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            try (KafkaConsumer<byte[], byte[]> c = member(bootstrap, group, "deleter", RangeAssignor.class)) {
                c.subscribe(List.of(topic));
                awaitAssignments(List.of(c), 1);
                c.commitSync(commitEach(c.assignment(), 0, ""));
                o.outcome("deleteNonEmpty", () -> get(admin.deleteConsumerGroups(List.of(group)).all()));
                o.outcome("deleteOffsetsOfSubscribedTopic", () -> get(admin.deleteConsumerGroupOffsets(group,
                        Set.of(new TopicPartition(topic, 0))).all()));
            }
            o.put("stateAfterLeave", get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group))
                    .groupState());
            o.outcome("deleteEmpty", () -> get(admin.deleteConsumerGroups(List.of(group)).all()));
            o.outcome("describeDeleted", () -> get(admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group)).groupState());
            o.outcome("offsetsOfDeleted", () -> get(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()));
            o.outcome("deleteAgain", () -> get(admin.deleteConsumerGroups(List.of(group)).all()));
            o.outcome("deleteNeverExisted", () -> get(admin.deleteConsumerGroups(List.of("diff-never")).all()));
        }
        return o;
    }

    /**
     * Offsets named by a topic that does not exist: Kafka answers those partitions UNKNOWN_TOPIC_OR_PARTITION
     * (OffsetCommit and OffsetDelete) and commits the partitions of the topic that does exist.
     */
    static Observation offsetsOfUnknownTopic(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-unknown-offsets-topic";
        String group = "diff-unknown-offsets";
        TopicPartition known = new TopicPartition(topic, 0);
        TopicPartition unknown = new TopicPartition("diff-no-such-topic", 0);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            var altered = admin.alterConsumerGroupOffsets(group, Map.of(known, new OffsetAndMetadata(1),
                    unknown, new OffsetAndMetadata(2)));
            o.outcome("commit.known", () -> get(altered.partitionResult(known)));
            o.outcome("commit.unknown", () -> get(altered.partitionResult(unknown)));
            o.put("committed", committed(admin, group));
            var deleted = admin.deleteConsumerGroupOffsets(group, Set.of(known, unknown));
            o.outcome("delete.known", () -> get(deleted.partitionResult(known)));
            o.outcome("delete.unknown", () -> get(deleted.partitionResult(unknown)));
            o.put("committedAfterDelete", committed(admin, group));
        }
        return o;
    }
}
