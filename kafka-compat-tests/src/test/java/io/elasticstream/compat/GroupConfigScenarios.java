package io.elasticstream.compat;

import static io.elasticstream.compat.AdminScenarios.alter;
import static io.elasticstream.compat.AdminScenarios.op;
import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.describeEntry;
import static io.elasticstream.compat.ScenarioSupport.get;
import static io.elasticstream.compat.ScenarioSupport.settled;
import static io.elasticstream.compat.ScenarioSupport.synonyms;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;

/**
 * Differential scenario of group configs (Kafka's GROUP config resource, KIP-848 and KIP-932): what
 * DescribeConfigs, IncrementalAlterConfigs and the legacy AlterConfigs answer for a group, with the message of
 * every refusal a client can cause (Kafka's validation, the broker's bounds), and that a group needs not exist to
 * have configs nor loses them when deleted. {@link DifferentialTest} gives both brokers a static
 * {@code group.share.delivery.count.limit}, so one config comes from a static broker synonym.
 */
final class GroupConfigScenarios {
    private static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";
    private static final String SESSION_TIMEOUT = "consumer.session.timeout.ms";
    private static final String LOCK_DURATION = "share.record.lock.duration.ms";

    private GroupConfigScenarios() {
    }

    /** Every group config of a fresh group, then alters of every kind and their refusals, then the legacy API. */
    static Observation describeAndAlter(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        ConfigResource resource = group("diff-group-configs");
        try (Admin admin = admin(bootstrap)) {
            Config defaults = get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions()
                    .includeSynonyms(true).includeDocumentation(true)).values().get(resource));
            List<ConfigEntry> entries = defaults.entries().stream().sorted(Comparator.comparing(ConfigEntry::name))
                    .toList();
            o.put("defaults.names", entries.stream().map(ConfigEntry::name).toList());
            for (ConfigEntry e : entries) {
                o.put("defaults." + e.name(), describeEntry(e));
                o.put("defaults." + e.name() + ".synonyms", synonyms(e));
                o.put("defaults." + e.name() + ".documentation", e.documentation());
            }

            o.put("set", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET, "earliest"),
                    set(SESSION_TIMEOUT, "50000"), set("consumer.assignor.offload.enable", "false"),
                    set("streams.rack.aware.assignment.tags", "a,b"))));
            o.put("set.result", settled(() -> overrides(admin, resource), v -> v.contains(AUTO_OFFSET_RESET)));
            o.put("set.described", settled(() -> described(admin, resource), v -> v.contains("offload")));
            o.put("byDuration", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET,
                    "by_duration:PT1H"))));

            o.put("unknownName", answer(() -> alter(admin, resource, false, set("no.such.config", "1"))));
            o.put("invalidValue", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET, "sometimes"))));
            o.put("negativeDuration", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET,
                    "by_duration:-PT1H"))));
            o.put("notANumber", answer(() -> alter(admin, resource, false, set(SESSION_TIMEOUT, "abc"))));
            o.put("belowValidator", answer(() -> alter(admin, resource, false, set(LOCK_DURATION, "10"))));
            o.put("belowBrokerBound", answer(() -> alter(admin, resource, false, set(SESSION_TIMEOUT, "1000"))));
            o.put("aboveBrokerBound", answer(() -> alter(admin, resource, false, set(LOCK_DURATION, "70000"))));
            o.put("aboveBrokerMax", answer(() -> alter(admin, resource, false, set("streams.num.standby.replicas",
                    "3"))));
            o.put("isolationLevelCase", answer(() -> alter(admin, resource, false, set("share.isolation.level",
                    "READ_COMMITTED"))));
            o.put("unregisteredAssignor", answer(() -> alter(admin, resource, false, set("streams.assignor.name",
                    "nope"))));
            o.put("internalDlqTopic", answer(() -> alter(admin, resource, false,
                    set("errors.deadletterqueue.topic.name", "__dlq"))));
            o.put("duplicateRackTags", answer(() -> alter(admin, resource, false,
                    set("streams.rack.aware.assignment.tags", "x,x"))));
            o.put("emptyRackTag", answer(() -> alter(admin, resource, false,
                    set("streams.rack.aware.assignment.tags", "a,,b"))));
            o.put("appendToList", answer(() -> alter(admin, resource, false, op("streams.rack.aware.assignment.tags",
                    "c", AlterConfigOp.OpType.APPEND))));
            o.put("subtractFromNumber", answer(() -> alter(admin, resource, false, op(SESSION_TIMEOUT, "5",
                    AlterConfigOp.OpType.SUBTRACT))));
            o.put("duplicateKeys", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET, "earliest"),
                    set(AUTO_OFFSET_RESET, "latest"))));
            o.put("nullValue", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET, null))));
            o.put("twoChangesOneInvalid", answer(() -> alter(admin, resource, false,
                    set("share.isolation.level", "read_committed"), set(SESSION_TIMEOUT, "1"))));
            o.put("validateOnly", answer(() -> alter(admin, resource, true, set("share.session.timeout.ms", "50000"))));
            o.put("validateOnlyInvalid", answer(() -> alter(admin, resource, true, set(LOCK_DURATION, "70000"))));
            o.put("refusedChanges.result", settled(() -> overrides(admin, resource),
                    v -> v.contains("by_duration:PT1H")));

            o.put("delete", answer(() -> alter(admin, resource, false, op(AUTO_OFFSET_RESET, null,
                    AlterConfigOp.OpType.DELETE))));
            o.put("deleteNotSet", answer(() -> alter(admin, resource, false, op("share.delivery.count.limit", null,
                    AlterConfigOp.OpType.DELETE))));
            o.put("deleteUnknown", answer(() -> alter(admin, resource, false, op("no.such.config", null,
                    AlterConfigOp.OpType.DELETE))));
            o.put("delete.result", settled(() -> overrides(admin, resource), v -> !v.contains(AUTO_OFFSET_RESET)));

            ConfigResource empty = group("");
            o.put("emptyName.alter", answer(() -> alter(admin, empty, false, set(AUTO_OFFSET_RESET, "earliest"))));
            o.put("emptyName.describe", answer(() -> get(admin.describeConfigs(List.of(empty)).values().get(empty))));

            try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
                o.put("legacy.replace", legacyAlter(raw, resource.name(), Map.of(LOCK_DURATION, "20000")));
                o.put("legacy.replace.result", settled(() -> overrides(admin, resource),
                        v -> v.startsWith(LOCK_DURATION)));
                o.put("legacy.unknownName", legacyAlter(raw, resource.name(), Map.of("no.such.config", "1")));
                o.put("legacy.invalidValue", legacyAlter(raw, resource.name(), Map.of(AUTO_OFFSET_RESET, "soon")));
                o.put("legacy.empty", legacyAlter(raw, resource.name(), Map.of()));
                o.put("legacy.empty.result", settled(() -> overrides(admin, resource), String::isEmpty));
            }
        }
        return o;
    }

    /** Configs of a group that does not exist yet, then of the same group once it existed and was deleted. */
    static Observation outliveTheGroup(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String groupId = "diff-group-configs-deleted";
        String topic = groupId + "-topic";
        ConfigResource resource = group(groupId);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            o.put("beforeTheGroup", answer(() -> alter(admin, resource, false, set(AUTO_OFFSET_RESET, "earliest"))));
            o.put("beforeTheGroup.result", settled(() -> overrides(admin, resource), v -> !v.isEmpty()));
            o.put("commit", answer(() -> get(admin.alterConsumerGroupOffsets(groupId,
                    Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0))).all())));
            o.put("deleteGroup", answer(() -> get(admin.deleteConsumerGroups(List.of(groupId)).all())));
            o.put("afterDeletion.result", overrides(admin, resource));
        }
        return o;
    }

    private static ConfigResource group(String name) {
        return new ConfigResource(ConfigResource.Type.GROUP, name);
    }

    private static AlterConfigOp set(String name, String value) {
        return op(name, value, AlterConfigOp.OpType.SET);
    }

    /** {@code ok}, or the Kafka error a client sees with its message: refusals are compared word for word. */
    private static String answer(ScenarioSupport.Read<?> action) throws Exception {
        try {
            action.read();
            return "ok";
        } catch (ExecutionException e) {
            return Observation.errorName(e) + ": " + e.getCause().getMessage();
        }
    }

    /** The group's overrides as DescribeConfigs reports them: {@code name=value} sorted, with their synonyms. */
    private static String overrides(Admin admin, ConfigResource resource) throws Exception {
        Config config = get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions()
                .includeSynonyms(true)).values().get(resource));
        return config.entries().stream()
                .filter(e -> e.source() == ConfigEntry.ConfigSource.DYNAMIC_GROUP_CONFIG)
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(e -> e.name() + "=" + e.value() + " " + synonyms(e))
                .collect(Collectors.joining("; "));
    }

    /** Every described config's name and entry (no synonyms), sorted: which configs show, and how. */
    private static String described(Admin admin, ConfigResource resource) throws Exception {
        Config config = get(admin.describeConfigs(List.of(resource)).values().get(resource));
        TreeMap<String, String> byName = new TreeMap<>();
        config.entries().forEach(e -> byName.put(e.name(), describeEntry(e)));
        return byName.size() + " " + byName;
    }

    /** The legacy AlterConfigs v2 (the Java admin client no longer sends it): error code and message. */
    private static String legacyAlter(RawKafkaClient raw, String groupId, Map<String, String> configs) {
        List<AlterConfigsRequest.ConfigEntry> entries = configs.entrySet().stream()
                .map(e -> new AlterConfigsRequest.ConfigEntry(e.getKey(), e.getValue())).toList();
        AlterConfigsResponse r = raw.send(new AlterConfigsRequest.Builder(Map.of(group(groupId),
                new AlterConfigsRequest.Config(entries)), false), (short) 2);
        return r.data().responses().stream().map(x -> Errors.forCode(x.errorCode()).name() + " " + x.errorMessage())
                .collect(Collectors.joining("; "));
    }
}
