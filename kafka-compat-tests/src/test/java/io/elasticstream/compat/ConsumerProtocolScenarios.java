package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.get;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;

/**
 * Differential scenarios of KIP-848 consumer groups, driven by Kafka 4.4's Java consumer with
 * {@code group.protocol=consumer}. Member ids are random (the client makes them), so a scenario observes how
 * many partitions each member owns, not which. Epochs are observed relative to the group epoch after the first
 * join: Kafka 4.4 is at 2 there (it bumps once more right after creating a group), we are at 1; clients only
 * compare epochs, and every later bump is compared one for one.
 */
final class ConsumerProtocolScenarios {
    private static final int PARTITIONS = 4;

    /** The group epoch after the first join, which later epochs are observed relative to. */
    private static int base;

    private ConsumerProtocolScenarios() {
    }

    /**
     * Two members: the group epochs as they join and leave, the description (state, type, assignor, members),
     * commits at the member epoch, the listing by type, and what the classic DescribeGroups says of it.
     */
    static Observation twoMembers(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String group = "diff-kip848";
        String topic = group + "-topic";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, PARTITIONS, Map.of());
            try (KafkaConsumer<byte[], byte[]> a = member(bootstrap, group, "member-a")) {
                a.subscribe(List.of(topic));
                awaitAssignments(List.of(a));
                base = settled(admin, group).groupEpoch().orElse(0);
                describe(o, admin, group, "alone");
                try (KafkaConsumer<byte[], byte[]> b = member(bootstrap, group, "member-b")) {
                    b.subscribe(List.of(topic));
                    awaitAssignments(List.of(a, b));
                    o.put("two.sizes", a.assignment().size() + "+" + b.assignment().size());
                    describe(o, admin, group, "two");
                    a.commitSync(commitEach(a.assignment(), 3));
                    b.commitSync(commitEach(b.assignment(), 3));
                    o.put("two.committed", get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata())
                            .values().stream().map(v -> v == null ? "none" : String.valueOf(v.offset())).sorted()
                            .toList());
                    o.put("listedAsConsumer", listed(admin, new ListGroupsOptions().withTypes(Set.of(GroupType.CONSUMER))));
                    o.put("listedAsClassic", listed(admin, new ListGroupsOptions().withTypes(Set.of(GroupType.CLASSIC))));
                    o.outcome("classicDescribe", () -> {
                        var d = get(admin.describeClassicGroups(List.of(group)).describedGroups().get(group));
                        return d.state() + " " + d.members().size();
                    });
                }
                awaitAssignments(List.of(a));
                describe(o, admin, group, "afterBLeft");
            }
            describe(o, admin, group, "afterBothLeft");
            o.outcome("deleteEmpty", () -> get(admin.deleteConsumerGroups(List.of(group)).all()));
            o.outcome("describeDeleted", () -> get(admin.describeConsumerGroups(List.of(group)).describedGroups()
                    .get(group)).groupState());
        }
        return o;
    }

    /**
     * A running classic group upgraded online by a member using the consumer protocol, then downgraded when it
     * leaves: ConsumerGroupDescribe of the mixed group (member types, epochs relative to the group's), what the
     * classic DescribeGroups and ListGroups say of it, and the classic group it becomes again.
     */
    static Observation mixedProtocols(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String group = "diff-kip848-mixed";
        String topic = group + "-topic";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, PARTITIONS, Map.of());
            try (KafkaConsumer<byte[], byte[]> a = member(bootstrap, group, "member-a-classic", "classic")) {
                a.subscribe(List.of(topic));
                awaitAssignments(List.of(a));
                o.put("classic.describe", classicDescription(admin, group));
                try (KafkaConsumer<byte[], byte[]> b = member(bootstrap, group, "member-b-consumer", "consumer")) {
                    b.subscribe(List.of(topic));
                    awaitAssignments(List.of(a, b));
                    ConsumerGroupDescription d = settled(admin, group);
                    int epoch = d.groupEpoch().orElse(-1);
                    o.put("mixed.describe", "state=" + d.groupState() + " type=" + d.type() + " assignor="
                            + d.partitionAssignor() + " targetAssignmentEpoch="
                            + d.targetAssignmentEpoch().map(e -> "group" + (e - epoch)).orElse("none"));
                    List<MemberDescription> members = new ArrayList<>(d.members());
                    members.sort(Comparator.comparing(MemberDescription::clientId));
                    o.put("mixed.members", members.stream().map(m -> m.clientId() + " owns="
                            + m.assignment().topicPartitions().size() + " target="
                            + m.targetAssignment().map(t -> t.topicPartitions().size()).orElse(-1) + " epoch="
                            + m.memberEpoch().map(e -> "group" + (e - epoch)).orElse("none") + " upgraded="
                            + m.upgraded()).toList());
                    o.outcome("mixed.classicDescribe", () -> classicDescription(admin, group));
                    o.put("mixed.listed", listed(admin, new ListGroupsOptions()));
                }
                awaitAssignments(List.of(a));
                o.put("downgraded.classicDescribe", classicDescription(admin, group));
                o.put("downgraded.type", settled(admin, group).type().toString());
                o.put("downgraded.listed", listed(admin, new ListGroupsOptions()));
            }
        }
        return o;
    }

    private static String classicDescription(Admin admin, String group) throws Exception {
        var d = get(admin.describeClassicGroups(List.of(group)).describedGroups().get(group));
        return d.state() + " protocol=" + d.protocol() + " assignor=" + d.protocolData() + " members="
                + d.members().stream().map(m -> m.clientId() + ":" + m.assignment().topicPartitions().size())
                .sorted().toList();
    }

    private static KafkaConsumer<byte[], byte[]> member(String bootstrap, String group, String clientId) {
        return member(bootstrap, group, clientId, "consumer");
    }

    private static KafkaConsumer<byte[], byte[]> member(String bootstrap, String group, String clientId,
                                                        String protocol) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, config));
    }

    private static void awaitAssignments(List<KafkaConsumer<byte[], byte[]>> consumers) {
        GroupScenarios.awaitAssignments(consumers, PARTITIONS);
    }

    private static Map<TopicPartition, OffsetAndMetadata> commitEach(Set<TopicPartition> partitions, long offset) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        partitions.forEach(p -> out.put(p, new OffsetAndMetadata(offset)));
        return out;
    }

    /** The group as the admin client describes it once it is Stable or Empty. */
    private static ConsumerGroupDescription settled(Admin admin, String group) {
        return ScenarioSupport.await(group + " settled", () -> {
            try {
                ConsumerGroupDescription now = get(admin.describeConsumerGroups(List.of(group)).describedGroups()
                        .get(group));
                String state = now.groupState().toString();
                return state.equals("Stable") || state.equals("Empty") ? Optional.of(now) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty();
            }
        });
    }

    private static String relative(Optional<Integer> epoch) {
        return epoch.map(e -> "base" + (e - base >= 0 ? "+" : "") + (e - base)).orElse("none");
    }

    private static void describe(Observation o, Admin admin, String group, String phase) {
        ConsumerGroupDescription d = settled(admin, group);
        o.put(phase + ".describe", "state=" + d.groupState() + " type=" + d.type() + " assignor="
                + d.partitionAssignor() + " simple=" + d.isSimpleConsumerGroup() + " coordinator="
                + ScenarioSupport.node(d.coordinator()) + " groupEpoch=" + relative(d.groupEpoch())
                + " targetAssignmentEpoch=" + relative(d.targetAssignmentEpoch()));
        List<MemberDescription> members = new ArrayList<>(d.members());
        members.sort(Comparator.comparing(MemberDescription::clientId));
        o.put(phase + ".members", members.stream().map(m -> m.clientId() + " host=" + m.host().replaceAll("^/", "")
                + " owns=" + m.assignment().topicPartitions().size() + " target="
                + m.targetAssignment().map(t -> t.topicPartitions().size()).orElse(-1) + " epoch=" + relative(m.memberEpoch())
                + " instance=" + m.groupInstanceId() + " upgraded=" + m.upgraded()).toList());
    }

    private static List<String> listed(Admin admin, ListGroupsOptions options) throws Exception {
        List<String> out = new ArrayList<>();
        for (GroupListing g : get(admin.listGroups(options).all())) {
            if (g.groupId().startsWith("diff-kip848")) {
                out.add(g.groupId() + " type=" + g.type() + " protocol=" + g.protocol() + " state=" + g.groupState());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }
}
