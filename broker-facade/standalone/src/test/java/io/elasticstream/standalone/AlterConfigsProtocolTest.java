package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;
import org.apache.kafka.common.requests.AlterConfigsResponse;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.apache.kafka.common.requests.IncrementalAlterConfigsResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlterConfigs (the legacy replace-all) and IncrementalAlterConfigs over the wire, in every version
 * Kafka 4.4 serves: each resource of a request is answered on its own, with Kafka's error codes, and
 * only the successful, not validate-only ones change the topic's overrides.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class AlterConfigsProtocolTest {
    private static final short NONE = Errors.NONE.code();
    private static final short INVALID_REQUEST = Errors.INVALID_REQUEST.code();

    @TempDir
    static Path dataDir;
    private StandaloneFixture server;
    private Admin admin;

    @BeforeAll
    void start() throws Exception {
        server = new StandaloneFixture(dataDir);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, server.bootstrapServers()));
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private void createTopic(String name, Map<String, String> configs) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
    }

    /** The topic's own overrides (configs whose source is the topic). */
    private Map<String, String> overrides(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        Map<String, String> out = new TreeMap<>();
        for (ConfigEntry e : config.entries()) {
            if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                out.put(e.name(), e.value());
            }
        }
        return out;
    }

    private static AlterConfigsRequest.Config replaceWith(String name, String value) {
        return new AlterConfigsRequest.Config(List.of(new AlterConfigsRequest.ConfigEntry(name, value)));
    }

    private static AlterConfigsResource incremental(ConfigResource.Type type, String name, AlterableConfig... configs) {
        AlterConfigsResource resource = new AlterConfigsResource().setResourceType(type.id()).setResourceName(name);
        for (AlterableConfig c : configs) {
            resource.configs().mustAdd(c);
        }
        return resource;
    }

    private static AlterableConfig op(String name, String value, byte operation) {
        return new AlterableConfig().setName(name).setValue(value).setConfigOperation(operation);
    }

    @Test
    void alterConfigsReplacesAllOverridesAndAnswersEachResourceAloneInEveryVersion() throws Exception {
        String topic = "legacy-alter";
        createTopic(topic, Map.of("retention.ms", "100000"));
        try (RawKafkaClient c = new RawKafkaClient(server.kafkaAddress())) {
            for (short v = ApiKeys.ALTER_CONFIGS.oldestVersion(); v <= ApiKeys.ALTER_CONFIGS.latestVersion(false); v++) {
                String at = "AlterConfigs v" + v;
                Map<ConfigResource, AlterConfigsRequest.Config> request = new LinkedHashMap<>();
                request.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), replaceWith("max.message.bytes", "2000" + v));
                request.put(new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic"), replaceWith("retention.ms", "1"));
                request.put(new ConfigResource(ConfigResource.Type.BROKER, "0"), replaceWith("log.retention.ms", "1"));
                AlterConfigsResponse r = c.send(new AlterConfigsRequest.Builder(request, false), v);
                Map<String, Short> errors = new TreeMap<>();
                r.data().responses().forEach(e -> errors.put(e.resourceName(), e.errorCode()));
                assertEquals(Map.of(topic, NONE, "no-such-topic", Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                        "0", INVALID_REQUEST), errors, at);
                assertEquals(Map.of("max.message.bytes", "2000" + v), overrides(topic), at + " replaces every override");

                AlterConfigsResponse validateOnly = c.send(new AlterConfigsRequest.Builder(
                        Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), replaceWith("retention.ms", "5")),
                        true), v);
                assertEquals(NONE, validateOnly.data().responses().getFirst().errorCode(), at + " validate only");
                AlterConfigsResponse invalid = c.send(new AlterConfigsRequest.Builder(
                        Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), replaceWith("max.message.bytes", "-3")),
                        false), v);
                assertEquals(Errors.INVALID_CONFIG.code(), invalid.data().responses().getFirst().errorCode(), at + " invalid");
                assertEquals(Map.of("max.message.bytes", "2000" + v), overrides(topic), at + " validate only or invalid");
            }
        }
    }

    @Test
    void incrementalAlterConfigsAppliesEachOperationAndRefusesDuplicateKeysForThatResourceOnlyInEveryVersion()
            throws Exception {
        String topic = "incremental-alter";
        String other = "incremental-alter-duplicates";
        createTopic(topic, Map.of("max.message.bytes", "3000"));
        createTopic(other, Map.of("retention.ms", "100000"));
        byte set = AlterConfigOp.OpType.SET.id();
        byte delete = AlterConfigOp.OpType.DELETE.id();
        try (RawKafkaClient c = new RawKafkaClient(server.kafkaAddress())) {
            for (short v = ApiKeys.INCREMENTAL_ALTER_CONFIGS.oldestVersion();
                 v <= ApiKeys.INCREMENTAL_ALTER_CONFIGS.latestVersion(false); v++) {
                String at = "IncrementalAlterConfigs v" + v;
                IncrementalAlterConfigsRequestData data = new IncrementalAlterConfigsRequestData().setValidateOnly(false);
                data.resources().mustAdd(incremental(ConfigResource.Type.TOPIC, topic,
                        op("retention.ms", "1000" + v, set), op("max.message.bytes", null, delete)));
                data.resources().mustAdd(incremental(ConfigResource.Type.TOPIC, other,
                        op("retention.ms", "1", set), op("retention.ms", "2", set)));
                data.resources().mustAdd(incremental(ConfigResource.Type.BROKER, "0",
                        op("log.retention.ms", "1", set)));
                IncrementalAlterConfigsResponse r = c.send(new IncrementalAlterConfigsRequest.Builder(data), v);
                Map<String, Short> errors = new TreeMap<>();
                r.data().responses().forEach(e -> errors.put(e.resourceName(), e.errorCode()));
                assertEquals(Map.of(topic, NONE, other, INVALID_REQUEST, "0", INVALID_REQUEST), errors, at);
                assertEquals(Map.of("retention.ms", "1000" + v), overrides(topic), at);
                assertEquals(Map.of("retention.ms", "100000"), overrides(other), at + " duplicate keys change nothing");
            }
        }
    }
}
