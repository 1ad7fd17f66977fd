package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsResponse;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;
import org.apache.kafka.common.requests.ListPartitionReassignmentsResponse;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.requests.DeleteGroupsRequest;
import org.apache.kafka.common.requests.DeleteGroupsResponse;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.requests.DescribeGroupsResponse;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupRequest;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListGroupsRequest;
import org.apache.kafka.common.requests.ListGroupsResponse;
import org.apache.kafka.common.requests.OffsetCommitRequest;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetDeleteRequest;
import org.apache.kafka.common.requests.OffsetDeleteResponse;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.SyncGroupRequest;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteRecordsRequest;
import org.apache.kafka.common.requests.DeleteRecordsResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DescribeProducersRequest;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.requests.FetchMetadata;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka wire protocol as this broker speaks it, checked request by request with kafka-clients'
 * own message classes: every version advertised in ApiVersions is answered and parses, errors carry
 * Kafka's codes, and bad input closes only the offending connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaProtocolTest {
    @TempDir
    static Path dataDir;
    private StandaloneFixture server;

    @BeforeAll
    void start() throws Exception {
        server = new StandaloneFixture(dataDir);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private RawKafkaClient connect() throws Exception {
        return new RawKafkaClient(server.kafkaAddress());
    }

    private static short[] versions(ApiKeys key, ApiVersionsResponseData advertised) {
        ApiVersionsResponseData.ApiVersion v = advertised.apiKeys().find(key.id);
        short min = (short) Math.max(v.minVersion(), key.oldestVersion());
        short[] out = new short[v.maxVersion() - min + 1];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) (min + i);
        }
        return out;
    }

    private ApiVersionsResponseData advertised(RawKafkaClient c) throws Exception {
        ApiVersionsResponse r = c.send(new ApiVersionsRequest.Builder(), ApiKeys.API_VERSIONS.latestVersion());
        return r.data();
    }

    private CreatableTopicResult createTopic(RawKafkaClient c, String name, int partitions, short version,
                                             Map<String, String> configs) throws Exception {
        CreatableTopicConfigCollection cfg = new CreatableTopicConfigCollection();
        configs.forEach((k, v) -> cfg.add(new CreatableTopicConfig().setName(k).setValue(v)));
        CreatableTopicCollection topics = new CreatableTopicCollection();
        // Before v4 partitions and replication factor must be explicit.
        topics.add(new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor(version < 4 ? (short) 1 : (short) -1).setConfigs(cfg));
        CreateTopicsResponse r = c.send(new CreateTopicsRequest.Builder(new CreateTopicsRequestData().setTopics(topics)
                .setTimeoutMs(10_000)), version);
        return r.data().topics().find(name);
    }

    private static MemoryRecords records(String... values) {
        MemoryRecordsBuilder b = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE, TimestampType.CREATE_TIME, 0L);
        long ts = 1_700_000_000_000L;
        for (String v : values) {
            b.append(new SimpleRecord(ts++, null, v.getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    private MetadataResponseTopic metadata(RawKafkaClient c, String topic) throws Exception {
        MetadataResponse r = c.send(new MetadataRequest.Builder(List.of(topic), false), (short) 12);
        return r.data().topics().find(topic);
    }

    /** Waits until the topic's partitions are open (the broker opens them right after creation). */
    private Uuid awaitReady(RawKafkaClient c, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            MetadataResponseTopic t = metadata(c, topic);
            if (t != null && t.errorCode() == 0 && !t.partitions().isEmpty()
                    && t.partitions().stream().allMatch(p -> p.errorCode() == 0)) {
                return t.topicId();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("topic " + topic + " never became ready");
    }

    private ProduceResponse produce(RawKafkaClient c, String topic, Uuid topicId, short acks, short version,
                                    MemoryRecords records) throws Exception {
        ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            td.setTopicId(topicId);
        } else {
            td.setName(topic);
        }
        td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records));
        ProduceRequestData.TopicProduceDataCollection collection = new ProduceRequestData.TopicProduceDataCollection();
        collection.add(td);
        return c.send(ProduceRequest.builder(new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000)
                .setTopicData(collection)), version);
    }

    @Test
    void apiVersionsAnswersEveryVersionItAdvertisesWithAVersionZeroHeader() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            assertEquals(Errors.NONE.code(), advertised.errorCode());
            for (ApiKeys key : List.of(ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.METADATA, ApiKeys.LIST_OFFSETS,
                    ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.API_VERSIONS,
                    ApiKeys.DELETE_RECORDS, ApiKeys.OFFSET_FOR_LEADER_EPOCH, ApiKeys.DESCRIBE_PRODUCERS)) {
                assertTrue(advertised.apiKeys().find(key.id) != null, key + " is advertised");
            }
            assertEquals(0, advertised.apiKeys().find(ApiKeys.PRODUCE.id).minVersion(), "Produce from v0, as Kafka 4");
            for (short v : versions(ApiKeys.API_VERSIONS, advertised)) {
                ApiVersionsResponse r = c.send(new ApiVersionsRequest.Builder(), v);
                assertEquals(Errors.NONE.code(), r.data().errorCode(), "ApiVersions v" + v);
            }
        }
    }

    @Test
    void aNewerApiVersionsRequestGetsUnsupportedVersionAndTheRangesInAVersionZeroBody() throws Exception {
        try (RawKafkaClient c = connect()) {
            c.sendHeaderOnly(ApiKeys.API_VERSIONS, (short) 99);
            ByteBuffer response = ByteBuffer.wrap(c.readFrame());
            RequestHeader v0 = new RequestHeader(ApiKeys.API_VERSIONS, (short) 0, "raw-test", c.lastCorrelationId());
            ApiVersionsResponse r = (ApiVersionsResponse) AbstractResponse.parseResponse(response, v0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), r.data().errorCode());
            assertNotEquals(null, r.data().apiKeys().find(ApiKeys.METADATA.id));
        }
    }

    @Test
    void everyAdvertisedVersionOfTopicAdminMetadataProduceFetchAndListOffsetsIsAnswered() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            for (short v : versions(ApiKeys.CREATE_TOPICS, advertised)) {
                CreatableTopicResult created = createTopic(c, "create-v" + v, 2, v, Map.of());
                assertEquals(Errors.NONE.code(), created.errorCode(), "CreateTopics v" + v);
            }
            String topic = "versions";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);

            for (short v : versions(ApiKeys.METADATA, advertised)) {
                MetadataRequestData data = new MetadataRequestData().setTopics(List.of(
                        new MetadataRequestData.MetadataRequestTopic().setName(topic)));
                if (v >= 4) {
                    data.setAllowAutoTopicCreation(false);
                }
                // kafka-clients no longer builds Metadata v0, but Kafka 4 still serves it: build it by hand.
                MetadataResponse r = c.send(new AbstractRequest.Builder<MetadataRequest>(ApiKeys.METADATA, v, v) {
                    @Override
                    public MetadataRequest build(short version) {
                        return new MetadataRequest(data, version);
                    }
                }, v);
                MetadataResponseTopic t = r.data().topics().find(topic);
                assertEquals(Errors.NONE.code(), t.errorCode(), "Metadata v" + v);
                assertEquals(1, t.partitions().size(), "Metadata v" + v);
                assertEquals(1, r.data().brokers().size(), "Metadata v" + v);
            }

            long expectedOffset = 0;
            for (short v : versions(ApiKeys.PRODUCE, advertised)) {
                ProduceResponse r = produce(c, topic, topicId, (short) -1, v, records("v" + v + "-a", "v" + v + "-b"));
                PartitionProduceResponse p = r.data().responses().iterator().next().partitionResponses().getFirst();
                assertEquals(Errors.NONE.code(), p.errorCode(), "Produce v" + v);
                assertEquals(expectedOffset, p.baseOffset(), "Produce v" + v + " base offset");
                expectedOffset += 2;
            }

            for (short v : versions(ApiKeys.FETCH, advertised)) {
                Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
                wanted.put(new TopicPartition(topic, 0),
                        new FetchRequest.PartitionData(topicId, 2, -1, 1 << 20, Optional.empty()));
                FetchResponse r = c.send(FetchRequest.Builder.forConsumer(v, 100, 1, wanted), v);
                FetchResponseData.PartitionData p = r.data().responses().getFirst().partitions().getFirst();
                assertEquals(Errors.NONE.code(), p.errorCode(), "Fetch v" + v);
                assertEquals(expectedOffset, p.highWatermark(), "Fetch v" + v + " high watermark");
                MemoryRecords fetched = (MemoryRecords) p.records();
                RecordBatch first = fetched.batches().iterator().next();
                assertEquals(2, first.baseOffset(), "Fetch v" + v + " returns the batch holding offset 2");
            }

            for (short v : versions(ApiKeys.LIST_OFFSETS, advertised)) {
                for (long ts : new long[] {ListOffsetsRequest.EARLIEST_TIMESTAMP, ListOffsetsRequest.LATEST_TIMESTAMP}) {
                    ListOffsetsResponse r = c.send(ListOffsetsRequest.Builder.forConsumer(false,
                            IsolationLevel.READ_UNCOMMITTED).setTargetTimes(List.of(new ListOffsetsTopic().setName(topic)
                            .setPartitions(List.of(new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(ts))))), v);
                    ListOffsetsPartitionResponse p = r.data().topics().getFirst().partitions().getFirst();
                    assertEquals(Errors.NONE.code(), p.errorCode(), "ListOffsets v" + v);
                    assertEquals(ts == ListOffsetsRequest.EARLIEST_TIMESTAMP ? 0 : expectedOffset, p.offset(),
                            "ListOffsets v" + v + " at " + ts);
                }
            }

            long lastProducerId = -1;
            for (short v : versions(ApiKeys.INIT_PRODUCER_ID, advertised)) {
                InitProducerIdResponse r = c.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                        .setTransactionalId(null).setTransactionTimeoutMs(60_000)), v);
                assertEquals(Errors.NONE.code(), r.data().errorCode(), "InitProducerId v" + v);
                assertTrue(r.data().producerId() > lastProducerId, "producer ids are fresh");
                lastProducerId = r.data().producerId();
            }

            for (short v : versions(ApiKeys.DELETE_TOPICS, advertised)) {
                String name = "create-v" + (v + 1);
                DeleteTopicsRequestData data = new DeleteTopicsRequestData().setTimeoutMs(10_000);
                if (v >= 6) {
                    data.setTopics(List.of(new DeleteTopicsRequestData.DeleteTopicState().setName(name)));
                } else {
                    data.setTopicNames(List.of(name));
                }
                DeleteTopicsResponse r = c.send(new DeleteTopicsRequest.Builder(data), v);
                assertEquals(Errors.NONE.code(), r.data().responses().iterator().next().errorCode(), "DeleteTopics v" + v);
            }
        }
    }

    @Test
    void invalidRequestsGetTheErrorCodesKafkaSends() throws Exception {
        try (RawKafkaClient c = connect()) {
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), createTopic(c, "bad/name", 1, (short) 7, Map.of()).errorCode());
            assertEquals(Errors.INVALID_PARTITIONS.code(), createTopic(c, "zero-partitions", 0, (short) 7, Map.of()).errorCode());
            assertEquals(Errors.INVALID_CONFIG.code(),
                    createTopic(c, "bad-config", 1, (short) 7, Map.of("no.such.config", "1")).errorCode());
            assertEquals(Errors.NONE.code(), createTopic(c, "errors", 1, (short) 7, Map.of()).errorCode());
            assertEquals(Errors.TOPIC_ALREADY_EXISTS.code(), createTopic(c, "errors", 1, (short) 7, Map.of()).errorCode());
            Uuid id = awaitReady(c, "errors");

            PartitionProduceResponse unknown = produce(c, "no-such-topic", Uuid.ZERO_UUID, (short) 1, (short) 12,
                    records("x")).data().responses().iterator().next().partitionResponses().getFirst();
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), unknown.errorCode());
            PartitionProduceResponse unknownId = produce(c, null, Uuid.randomUuid(), (short) 1, (short) 13,
                    records("x")).data().responses().iterator().next().partitionResponses().getFirst();
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), unknownId.errorCode());
            PartitionProduceResponse badAcks = produce(c, "errors", id, (short) 2, (short) 13, records("x"))
                    .data().responses().iterator().next().partitionResponses().getFirst();
            assertEquals(Errors.INVALID_REQUIRED_ACKS.code(), badAcks.errorCode());

            Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
            wanted.put(new TopicPartition("errors", 0), new FetchRequest.PartitionData(id, 5, -1, 1024, Optional.empty()));
            FetchResponse beyond = c.send(FetchRequest.Builder.forConsumer((short) 17, 0, 1, wanted), (short) 17);
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(),
                    beyond.data().responses().getFirst().partitions().getFirst().errorCode());

            MetadataResponse noAuto = c.send(new MetadataRequest.Builder(List.of("not-created"), false), (short) 12);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), noAuto.data().topics().find("not-created").errorCode());
            MetadataResponse auto = c.send(new MetadataRequest.Builder(List.of("auto-created"), true), (short) 12);
            assertEquals(Errors.LEADER_NOT_AVAILABLE.code(), auto.data().topics().find("auto-created").errorCode());
            awaitReady(c, "auto-created");
        }
    }

    @Test
    void aMalformedFrameOrAnUnsupportedVersionClosesOnlyThatConnection() throws Exception {
        try (RawKafkaClient healthy = connect(); RawKafkaClient garbage = connect(); RawKafkaClient tooNew = connect();
             RawKafkaClient negative = connect()) {
            garbage.sendFrame(ByteBuffer.wrap(new byte[] {0x7f, 0x7f, 1, 2, 3, 4, 5, 6, 7}));
            assertTrue(garbage.closedByServer(), "an unknown API key closes the connection");
            tooNew.sendHeaderOnly(ApiKeys.METADATA, (short) 99);
            assertTrue(tooNew.closedByServer(), "an unsupported Metadata version closes the connection");
            negative.sendBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0});
            assertTrue(negative.closedByServer(), "a negative frame size closes the connection");
            assertEquals(Errors.NONE.code(), advertised(healthy).errorCode(), "other connections carry on");
        }
    }

    @Test
    void acksZeroGetsNoResponseButTheNextRequestIsStillAnsweredInOrder() throws Exception {
        try (RawKafkaClient c = connect()) {
            assertEquals(Errors.NONE.code(), createTopic(c, "acks0", 1, (short) 7, Map.of()).errorCode());
            Uuid id = awaitReady(c, "acks0");
            ProduceRequestData.TopicProduceDataCollection collection = new ProduceRequestData.TopicProduceDataCollection();
            ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setTopicId(id);
            td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records("fire")));
            collection.add(td);
            var request = ProduceRequest.builder(new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000)
                    .setTopicData(collection)).build((short) 13);
            c.sendFrame(request.serializeWithHeader(new RequestHeader(ApiKeys.PRODUCE, (short) 13, "raw-test", 1000)));
            ApiVersionsResponse next = c.send(new ApiVersionsRequest.Builder(), (short) 4);
            assertEquals(Errors.NONE.code(), next.data().errorCode());
            List<Long> offsets = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && offsets.isEmpty()) {
                ListOffsetsResponse r = c.send(ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                        .setTargetTimes(List.of(new ListOffsetsTopic().setName("acks0").setPartitions(List.of(
                                new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1))))), (short) 9);
                long end = r.data().topics().getFirst().partitions().getFirst().offset();
                if (end == 1) {
                    offsets.add(end);
                }
            }
            assertEquals(List.of(1L), offsets, "the acks=0 record was written");
        }
    }

    private static final short NO_GROUP_ERROR = Errors.NONE.code();

    /** Retries a group request while the coordinator is being created or loaded, as clients do. */
    private static <T> T untilCoordinatorReady(java.util.concurrent.Callable<T> call, java.util.function.ToIntFunction<T> error)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            T r = call.call();
            int e = error.applyAsInt(r);
            if (e != Errors.COORDINATOR_LOAD_IN_PROGRESS.code() && e != Errors.COORDINATOR_NOT_AVAILABLE.code()
                    && e != Errors.NOT_COORDINATOR.code()) {
                return r;
            }
            assertTrue(System.nanoTime() < deadline, "the group coordinator never became ready: error " + e);
            Thread.onSpinWait();
        }
    }

    private static FindCoordinatorRequest.Builder findCoordinator(String group, short v) {
        FindCoordinatorRequestData data = new FindCoordinatorRequestData().setKeyType((byte) 0);
        return new FindCoordinatorRequest.Builder(v >= 4 ? data.setCoordinatorKeys(List.of(group)) : data.setKey(group));
    }

    private static int findCoordinatorError(FindCoordinatorResponse r, short v) {
        return v >= 4 ? r.data().coordinators().getFirst().errorCode() : r.data().errorCode();
    }

    private static JoinGroupRequestData joinData(String group, String memberId, short v) {
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range").setMetadata(new byte[] {1}));
        JoinGroupRequestData data = new JoinGroupRequestData().setGroupId(group).setMemberId(memberId)
                .setProtocolType("consumer").setProtocols(protocols).setSessionTimeoutMs(10_000);
        return v >= 1 ? data.setRebalanceTimeoutMs(10_000) : data;
    }

    @Test
    @Timeout(value = 110, unit = TimeUnit.SECONDS)
    void everyAdvertisedVersionOfTheGroupApisIsAnswered() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            int port = server.kafkaAddress().getPort();
            for (short v : versions(ApiKeys.FIND_COORDINATOR, advertised)) {
                FindCoordinatorResponse r = untilCoordinatorReady(() -> c.send(findCoordinator("proto", v), v),
                        resp -> findCoordinatorError(resp, v));
                assertEquals(Errors.NONE.code(), findCoordinatorError(r, v), "FindCoordinator v" + v);
                assertEquals(port, v >= 4 ? r.data().coordinators().getFirst().port() : r.data().port());
            }

            // One member joins, syncs, heartbeats and leaves with each JoinGroup version (and the matching
            // version of the others): the group goes Empty -> ... -> Stable -> Empty every round.
            short[] syncVersions = versions(ApiKeys.SYNC_GROUP, advertised);
            short[] heartbeatVersions = versions(ApiKeys.HEARTBEAT, advertised);
            short[] leaveVersions = versions(ApiKeys.LEAVE_GROUP, advertised);
            for (short v : versions(ApiKeys.JOIN_GROUP, advertised)) {
                String group = "proto-join";
                JoinGroupResponse joined = untilCoordinatorReady(() -> c.send(new JoinGroupRequest.Builder(
                        joinData(group, "", v)), v), resp -> resp.data().errorCode());
                if (v >= 4) {
                    assertEquals(Errors.MEMBER_ID_REQUIRED.code(), joined.data().errorCode(), "JoinGroup v" + v);
                    joined = c.send(new JoinGroupRequest.Builder(joinData(group, joined.data().memberId(), v)), v);
                }
                JoinGroupResponseData j = joined.data();
                assertEquals(Errors.NONE.code(), j.errorCode(), "JoinGroup v" + v);
                assertEquals(j.memberId(), j.leader(), "JoinGroup v" + v + ": the only member leads");
                short sv = syncVersions[Math.min(v, syncVersions.length - 1)];
                SyncGroupRequestData sync = new SyncGroupRequestData().setGroupId(group).setMemberId(j.memberId())
                        .setGenerationId(j.generationId());
                sync.assignments().add(new SyncGroupRequestData.SyncGroupRequestAssignment().setMemberId(j.memberId())
                        .setAssignment(new byte[] {7}));
                SyncGroupResponse synced = c.send(new SyncGroupRequest.Builder(sync), sv);
                assertEquals(Errors.NONE.code(), synced.data().errorCode(), "SyncGroup v" + sv);
                assertEquals(7, synced.data().assignment()[0], "SyncGroup v" + sv);
                short hv = heartbeatVersions[Math.min(v, heartbeatVersions.length - 1)];
                HeartbeatResponse beat = c.send(new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId(group)
                        .setMemberId(j.memberId()).setGenerationId(j.generationId())), hv);
                assertEquals(Errors.NONE.code(), beat.data().errorCode(), "Heartbeat v" + hv);
                short lv = leaveVersions[Math.min(v, leaveVersions.length - 1)];
                LeaveGroupResponse left = c.send(new LeaveGroupRequest.Builder(group,
                        List.of(new MemberIdentity().setMemberId(j.memberId()))), lv);
                assertEquals(Errors.NONE.code(), left.data().errorCode(), "LeaveGroup v" + lv);
                if (lv >= 3) {
                    assertEquals(Errors.NONE.code(), left.data().members().getFirst().errorCode(), "LeaveGroup v" + lv);
                }
            }

            String topic = "group-offsets";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);
            for (short v : versions(ApiKeys.OFFSET_COMMIT, advertised)) {
                String group = "proto-commit-v" + v;
                OffsetCommitRequestData data = new OffsetCommitRequestData().setGroupId(group).setTopics(List.of(
                        new OffsetCommitRequestData.OffsetCommitRequestTopic().setName(topic).setTopicId(topicId)
                                .setPartitions(List.of(new OffsetCommitRequestData.OffsetCommitRequestPartition()
                                        .setPartitionIndex(0).setCommittedOffset(100 + v).setCommittedMetadata("m" + v)))));
                OffsetCommitResponse r = untilCoordinatorReady(() -> c.send(
                        OffsetCommitRequest.Builder.forTopicIdsOrNames(data), v),
                        resp -> resp.data().topics().getFirst().partitions().getFirst().errorCode());
                assertEquals(Errors.NONE.code(), r.data().topics().getFirst().partitions().getFirst().errorCode(),
                        "OffsetCommit v" + v);
            }
            short lastCommit = advertised.apiKeys().find(ApiKeys.OFFSET_COMMIT.id).maxVersion();
            String committedGroup = "proto-commit-v" + lastCommit;
            for (short v : versions(ApiKeys.OFFSET_FETCH, advertised)) {
                OffsetFetchRequestData data = new OffsetFetchRequestData().setGroups(List.of(
                        new OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId(committedGroup).setTopics(List.of(
                                new OffsetFetchRequestData.OffsetFetchRequestTopics().setName(topic).setTopicId(topicId)
                                        .setPartitionIndexes(List.of(0))))));
                OffsetFetchResponse r = c.send(OffsetFetchRequest.Builder.forTopicIdsOrNames(data, false), v);
                var group = r.group(committedGroup);
                assertEquals(NO_GROUP_ERROR, group.errorCode(), "OffsetFetch v" + v);
                var p = group.topics().getFirst().partitions().getFirst();
                assertEquals(100 + lastCommit, p.committedOffset(), "OffsetFetch v" + v);
                assertEquals("m" + lastCommit, p.metadata(), "OffsetFetch v" + v + " metadata round-trips");
            }

            for (short v : versions(ApiKeys.LIST_GROUPS, advertised)) {
                ListGroupsResponse r = c.send(new ListGroupsRequest.Builder(new ListGroupsRequestData()), v);
                assertEquals(Errors.NONE.code(), r.data().errorCode(), "ListGroups v" + v);
                assertTrue(r.data().groups().stream().anyMatch(g -> g.groupId().equals("proto-join")), "ListGroups v" + v);
            }
            for (short v : versions(ApiKeys.DESCRIBE_GROUPS, advertised)) {
                DescribeGroupsResponse r = c.send(new DescribeGroupsRequest.Builder(new DescribeGroupsRequestData()
                        .setGroups(List.of("proto-join"))), v);
                assertEquals(Errors.NONE.code(), r.data().groups().getFirst().errorCode(), "DescribeGroups v" + v);
                assertEquals("Empty", r.data().groups().getFirst().groupState(), "DescribeGroups v" + v);
            }
            for (short v : versions(ApiKeys.OFFSET_DELETE, advertised)) {
                OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection topics =
                        new OffsetDeleteRequestData.OffsetDeleteRequestTopicCollection();
                topics.add(new OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(topic).setPartitions(List.of(
                        new OffsetDeleteRequestData.OffsetDeleteRequestPartition().setPartitionIndex(0))));
                OffsetDeleteResponse r = c.send(new OffsetDeleteRequest.Builder(new OffsetDeleteRequestData()
                        .setGroupId("proto-commit-v" + (lastCommit - 1)).setTopics(topics)), v);
                assertEquals(Errors.NONE.code(), r.data().errorCode(), "OffsetDelete v" + v);
            }
            for (short v : versions(ApiKeys.DELETE_GROUPS, advertised)) {
                String group = "proto-commit-v" + (2 + v);
                DeleteGroupsResponse r = c.send(new DeleteGroupsRequest.Builder(new DeleteGroupsRequestData()
                        .setGroupsNames(List.of(group))), v);
                assertEquals(Errors.NONE.code(), r.data().results().find(group).errorCode(), "DeleteGroups v" + v);
            }
        }
    }

    private static DeleteRecordsPartitionResult deleteRecords(RawKafkaClient c, String topic, int partition, long offset,
                                                              short version) throws Exception {
        DeleteRecordsResponse r = c.send(new DeleteRecordsRequest.Builder(new DeleteRecordsRequestData().setTimeoutMs(10_000)
                .setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(topic).setPartitions(List.of(
                        new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(partition)
                                .setOffset(offset)))))), version);
        return r.data().topics().find(topic).partitions().find(partition);
    }

    private static long listOffset(RawKafkaClient c, String topic, long timestamp) throws Exception {
        short v = ApiKeys.LIST_OFFSETS.latestVersion(false);
        ListOffsetsResponse r = c.send(ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsTopic().setName(topic).setPartitions(List.of(
                        new ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp))))), v);
        ListOffsetsPartitionResponse p = r.data().topics().getFirst().partitions().getFirst();
        assertEquals(Errors.NONE.code(), p.errorCode(), "ListOffsets at " + timestamp);
        return p.offset();
    }

    private static FetchResponseData.PartitionData fetch(RawKafkaClient c, String topic, Uuid topicId, long offset)
            throws Exception {
        short v = ApiKeys.FETCH.latestVersion(false);
        Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
        wanted.put(new TopicPartition(topic, 0), new FetchRequest.PartitionData(topicId, offset, -1, 1 << 20,
                Optional.empty()));
        FetchResponse r = c.send(FetchRequest.Builder.forConsumer(v, 0, 1, wanted), v);
        return r.data().responses().getFirst().partitions().getFirst();
    }

    @Test
    void deleteRecordsMovesTheLogStartOffsetForListOffsetsAndFetchInEveryAdvertisedVersion() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            String topic = "delete-records";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);
            for (String[] batch : new String[][] {{"a", "b"}, {"c", "d"}, {"e", "f"}, {"g"}}) {
                produce(c, topic, topicId, (short) -1, (short) 13, records(batch));
            }
            long highWatermark = 7;

            long expectedStart = 0;
            for (short v : versions(ApiKeys.DELETE_RECORDS, advertised)) {
                expectedStart = 1 + 2L * v; // in the middle of batch v
                DeleteRecordsPartitionResult r = deleteRecords(c, topic, 0, expectedStart, v);
                assertEquals(Errors.NONE.code(), r.errorCode(), "DeleteRecords v" + v);
                assertEquals(expectedStart, r.lowWatermark(), "DeleteRecords v" + v + " low watermark");
            }
            assertEquals(expectedStart, listOffset(c, topic, ListOffsetsRequest.EARLIEST_TIMESTAMP));
            assertEquals(expectedStart, listOffset(c, topic, ListOffsetsRequest.EARLIEST_LOCAL_TIMESTAMP));
            assertEquals(highWatermark, listOffset(c, topic, ListOffsetsRequest.LATEST_TIMESTAMP));
            assertEquals(expectedStart, listOffset(c, topic, 1_700_000_000_000L),
                    "a timestamp lookup never answers an offset below the log start offset");

            FetchResponseData.PartitionData below = fetch(c, topic, topicId, expectedStart - 1);
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), below.errorCode(), "a fetch below the log start offset");
            assertEquals(-1, below.highWatermark(), "Kafka reports no offsets with an error");
            assertEquals(-1, below.logStartOffset());
            FetchResponseData.PartitionData at = fetch(c, topic, topicId, expectedStart);
            assertEquals(Errors.NONE.code(), at.errorCode());
            assertEquals(expectedStart, at.logStartOffset());
            assertEquals(highWatermark, at.highWatermark());
            assertEquals(expectedStart - 1, ((MemoryRecords) at.records()).batches().iterator().next().baseOffset(),
                    "the whole batch holding the log start offset is returned");

            short latest = ApiKeys.DELETE_RECORDS.latestVersion(false);
            DeleteRecordsPartitionResult lower = deleteRecords(c, topic, 0, 1, latest);
            assertEquals(Errors.NONE.code(), lower.errorCode(), "deleting below the start is not an error");
            assertEquals(expectedStart, lower.lowWatermark(), "and does not move the start back");
            DeleteRecordsPartitionResult beyond = deleteRecords(c, topic, 0, highWatermark + 1, latest);
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), beyond.errorCode());
            assertEquals(-1, beyond.lowWatermark());
            assertEquals(Errors.OFFSET_OUT_OF_RANGE.code(), deleteRecords(c, topic, 0, -2, latest).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), deleteRecords(c, topic, 1, 0, latest).errorCode());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), deleteRecords(c, "no-such", 0, 0, latest).errorCode());

            DeleteRecordsPartitionResult all = deleteRecords(c, topic, 0, DeleteRecordsRequest.HIGH_WATERMARK, latest);
            assertEquals(Errors.NONE.code(), all.errorCode());
            assertEquals(highWatermark, all.lowWatermark(), "-1 deletes up to the high watermark");
            FetchResponseData.PartitionData empty = fetch(c, topic, topicId, highWatermark);
            assertEquals(Errors.NONE.code(), empty.errorCode());
            assertEquals(highWatermark, empty.logStartOffset());
            assertEquals(0, ((MemoryRecords) empty.records()).sizeInBytes());
            assertEquals(highWatermark, listOffset(c, topic, ListOffsetsRequest.EARLIEST_TIMESTAMP));

            assertEquals(Errors.NONE.code(), createTopic(c, "compacted", 1, (short) 7,
                    Map.of("cleanup.policy", "compact")).errorCode());
            awaitReady(c, "compacted");
            assertEquals(Errors.POLICY_VIOLATION.code(), deleteRecords(c, "compacted", 0, 0, latest).errorCode());
        }
    }

    private static EpochEndOffset offsetForLeaderEpoch(RawKafkaClient c, String topic, int partition, int currentLeaderEpoch,
                                                      int leaderEpoch, short version) throws Exception {
        OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderTopic().setTopic(topic).setPartitions(List.of(new OffsetForLeaderPartition()
                .setPartition(partition).setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(leaderEpoch))));
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setTopics(topics);
        if (version >= 3) {
            data.setReplicaId(-1); // a consumer; v2 has no replica id
        }
        OffsetsForLeaderEpochResponse r = c.send(new AbstractRequest.Builder<OffsetsForLeaderEpochRequest>(
                ApiKeys.OFFSET_FOR_LEADER_EPOCH, version, version) {
            @Override
            public OffsetsForLeaderEpochRequest build(short v) {
                return new OffsetsForLeaderEpochRequest(data, v);
            }
        }, version);
        return r.data().topics().find(topic).partitions().getFirst();
    }

    @Test
    void offsetForLeaderEpochAnswersTheEndOfEachEpochInEveryAdvertisedVersion() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            String topic = "leader-epochs";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);
            int epoch = metadata(c, topic).partitions().getFirst().leaderEpoch();
            assertTrue(epoch >= 1, "the partition's leader epoch is its stream epoch: " + epoch);
            produce(c, topic, topicId, (short) -1, (short) 13, records("a", "b", "c"));

            for (short v : versions(ApiKeys.OFFSET_FOR_LEADER_EPOCH, advertised)) {
                EpochEndOffset current = offsetForLeaderEpoch(c, topic, 0, epoch, epoch, v);
                assertEquals(Errors.NONE.code(), current.errorCode(), "OffsetForLeaderEpoch v" + v);
                assertEquals(epoch, current.leaderEpoch(), "OffsetForLeaderEpoch v" + v);
                assertEquals(3, current.endOffset(), "OffsetForLeaderEpoch v" + v + ": the current epoch ends at the log end");
                EpochEndOffset older = offsetForLeaderEpoch(c, topic, 0, -1, epoch - 1, v);
                assertEquals(Errors.NONE.code(), older.errorCode(), "OffsetForLeaderEpoch v" + v);
                assertEquals(epoch - 1, older.leaderEpoch(), "OffsetForLeaderEpoch v" + v);
                assertEquals(0, older.endOffset(), "OffsetForLeaderEpoch v" + v + ": an epoch before any ends at the start");
            }
            short latest = ApiKeys.OFFSET_FOR_LEADER_EPOCH.latestVersion(false);
            EpochEndOffset newer = offsetForLeaderEpoch(c, topic, 0, -1, epoch + 1, latest);
            assertEquals(Errors.NONE.code(), newer.errorCode());
            assertEquals(-1, newer.leaderEpoch(), "an epoch newer than the current one is unknown");
            assertEquals(-1, newer.endOffset());
            assertEquals(Errors.FENCED_LEADER_EPOCH.code(), offsetForLeaderEpoch(c, topic, 0, epoch - 1, epoch, latest)
                    .errorCode());
            EpochEndOffset unknownEpoch = offsetForLeaderEpoch(c, topic, 0, epoch + 1, epoch, latest);
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), unknownEpoch.errorCode());
            assertEquals(-1, unknownEpoch.endOffset());
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), offsetForLeaderEpoch(c, topic, 3, -1, epoch, latest)
                    .errorCode());
        }
    }

    @Test
    void describeProducersListsTheIdempotentProducersOfAPartitionInEveryAdvertisedVersion() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            String topic = "producers";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);
            InitProducerIdResponse init = c.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(null).setTransactionTimeoutMs(60_000)), ApiKeys.INIT_PRODUCER_ID.latestVersion(false));
            long producerId = init.data().producerId();
            short producerEpoch = init.data().producerEpoch();
            long ts = 1_700_000_000_000L;
            for (int seq = 0; seq < 4; seq += 2) {
                PartitionProduceResponse p = produce(c, topic, topicId, (short) -1, (short) 13,
                        MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, producerEpoch, seq,
                                new SimpleRecord(ts + seq, null, "x".getBytes(StandardCharsets.UTF_8)),
                                new SimpleRecord(ts + seq + 1, null, "y".getBytes(StandardCharsets.UTF_8))))
                        .data().responses().iterator().next().partitionResponses().getFirst();
                assertEquals(Errors.NONE.code(), p.errorCode());
            }

            for (short v : versions(ApiKeys.DESCRIBE_PRODUCERS, advertised)) {
                DescribeProducersRequest.Builder request = new DescribeProducersRequest.Builder(
                        new DescribeProducersRequestData());
                request.addTopic(topic).setPartitionIndexes(List.of(0, 5));
                DescribeProducersResponse r = c.send(request, v);
                List<DescribeProducersResponseData.PartitionResponse> partitions = r.data().topics().getFirst().partitions();
                assertEquals(Errors.NONE.code(), partitions.get(0).errorCode(), "DescribeProducers v" + v);
                DescribeProducersResponseData.ProducerState state = partitions.get(0).activeProducers().getFirst();
                assertEquals(1, partitions.get(0).activeProducers().size(), "DescribeProducers v" + v);
                assertEquals(producerId, state.producerId(), "DescribeProducers v" + v);
                assertEquals(producerEpoch, state.producerEpoch(), "DescribeProducers v" + v);
                assertEquals(3, state.lastSequence(), "DescribeProducers v" + v);
                assertEquals(ts + 3, state.lastTimestamp(), "DescribeProducers v" + v);
                assertEquals(-1, state.coordinatorEpoch(), "DescribeProducers v" + v);
                assertEquals(-1, state.currentTxnStartOffset(), "DescribeProducers v" + v);
                assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), partitions.get(1).errorCode(),
                        "DescribeProducers v" + v + " for a partition that does not exist");
            }
        }
    }

    /** One fetch in a session: {@code changed} partitions (fetch offsets), {@code forgotten} ones. */
    private static FetchResponse sessionFetch(RawKafkaClient c, short v, FetchMetadata metadata, String topic, Uuid topicId,
                                              Map<Integer, Long> changed, List<Integer> forgotten) throws Exception {
        Map<TopicPartition, FetchRequest.PartitionData> wanted = new LinkedHashMap<>();
        changed.forEach((partition, offset) -> wanted.put(new TopicPartition(topic, partition),
                new FetchRequest.PartitionData(topicId, offset, -1, 1 << 20, Optional.empty())));
        List<TopicIdPartition> removed = forgotten.stream()
                .map(partition -> new TopicIdPartition(topicId, partition, topic)).toList();
        return c.send(FetchRequest.Builder.forConsumer(v, 0, 1, wanted).metadata(metadata).removed(removed), v);
    }

    /** Partition index to (high watermark, record bytes) of the partitions a fetch response carries. */
    private static Map<Integer, List<Long>> carried(FetchResponse r) {
        Map<Integer, List<Long>> out = new LinkedHashMap<>();
        for (FetchResponseData.FetchableTopicResponse t : r.data().responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                out.put(p.partitionIndex(), List.of(p.highWatermark(), (long) p.records().sizeInBytes()));
            }
        }
        return out;
    }

    @Test
    void incrementalFetchSessionsCarryOnlyPartitionsWithNewsInEveryVersionThatHasThem() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            String topic = "fetch-sessions";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 2, (short) 7, Map.of()).errorCode());
            Uuid topicId = awaitReady(c, topic);
            produce(c, topic, topicId, (short) -1, (short) 13, records("a", "b"));
            long p1End = 0;

            for (short v : versions(ApiKeys.FETCH, advertised)) {
                if (v < 7) {
                    continue; // sessions start at v7
                }
                FetchResponse full = sessionFetch(c, v, FetchMetadata.INITIAL, topic, topicId, Map.of(0, 0L, 1, p1End),
                        List.of());
                int session = full.data().sessionId();
                assertNotEquals(FetchMetadata.INVALID_SESSION_ID, session, "Fetch v" + v + ": a full fetch opens a session");
                assertEquals(Set.of(0, 1), carried(full).keySet(), "Fetch v" + v + ": a full fetch has all");
                FetchMetadata next = FetchMetadata.newIncremental(session);

                FetchResponse again = sessionFetch(c, v, next, topic, topicId, Map.of(), List.of());
                assertEquals(session, again.data().sessionId());
                assertEquals(Set.of(0), carried(again).keySet(),
                        "Fetch v" + v + ": partition 0 still has records at its cached offset; partition 1 has no news");
                next = next.nextIncremental();

                FetchResponse caughtUp = sessionFetch(c, v, next, topic, topicId, Map.of(0, 2L), List.of());
                assertEquals(Map.of(), carried(caughtUp), "Fetch v" + v + ": nothing new anywhere");
                next = next.nextIncremental();

                ProduceRequestData.TopicProduceData td = new ProduceRequestData.TopicProduceData().setTopicId(topicId);
                td.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(1).setRecords(records("c")));
                ProduceRequestData.TopicProduceDataCollection produce = new ProduceRequestData.TopicProduceDataCollection();
                produce.add(td);
                c.send(ProduceRequest.builder(new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                        .setTopicData(produce)), (short) 13);
                FetchResponse news = sessionFetch(c, v, next, topic, topicId, Map.of(), List.of());
                assertEquals(Set.of(1), carried(news).keySet(), "Fetch v" + v + ": partition 1 got a record");
                assertEquals(p1End + 1, carried(news).get(1).get(0), "Fetch v" + v + ": its new high watermark");
                p1End++;

                FetchResponse stale = sessionFetch(c, v, next, topic, topicId, Map.of(), List.of());
                assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), stale.data().errorCode(), "Fetch v" + v);
                next = next.nextIncremental();
                FetchResponse forgot = sessionFetch(c, v, next, topic, topicId, Map.of(), List.of(1));
                assertEquals(Errors.NONE.code(), forgot.data().errorCode(), "Fetch v" + v);
                assertTrue(carried(forgot).isEmpty(), "Fetch v" + v + ": partition 1 left the session");

                FetchResponse closed = sessionFetch(c, v, next.nextCloseExisting(), topic, topicId, Map.of(0, 2L),
                        List.of());
                assertEquals(FetchMetadata.INVALID_SESSION_ID, closed.data().sessionId(), "Fetch v" + v + ": closed");
                FetchResponse gone = sessionFetch(c, v, next.nextIncremental(), topic, topicId, Map.of(), List.of());
                assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), gone.data().errorCode(), "Fetch v" + v);
            }
        }
    }

    private static AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse reassign(RawKafkaClient c,
            String topic, int partition, List<Integer> replicas, boolean allowReplicationFactorChange, short version)
            throws Exception {
        AlterPartitionReassignmentsRequestData data = new AlterPartitionReassignmentsRequestData().setTimeoutMs(10_000)
                .setAllowReplicationFactorChange(allowReplicationFactorChange)
                .setTopics(List.of(new AlterPartitionReassignmentsRequestData.ReassignableTopic().setName(topic)
                        .setPartitions(List.of(new AlterPartitionReassignmentsRequestData.ReassignablePartition()
                                .setPartitionIndex(partition).setReplicas(replicas)))));
        AlterPartitionReassignmentsResponse r = c.send(new AlterPartitionReassignmentsRequest.Builder(data), version);
        assertEquals(Errors.NONE.code(), r.data().errorCode(), "AlterPartitionReassignments v" + version);
        return r.data().responses().getFirst().partitions().getFirst();
    }

    @Test
    void partitionReassignmentsAnswerKafkasErrorsAndListNothingInEveryAdvertisedVersion() throws Exception {
        try (RawKafkaClient c = connect()) {
            ApiVersionsResponseData advertised = advertised(c);
            String topic = "reassign";
            assertEquals(Errors.NONE.code(), createTopic(c, topic, 1, (short) 7, Map.of()).errorCode());
            awaitReady(c, topic);
            int owner = metadata(c, topic).partitions().getFirst().leaderId();
            short[] alterVersions = versions(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, advertised);
            assertEquals(ApiKeys.ALTER_PARTITION_REASSIGNMENTS.latestVersion(), alterVersions[alterVersions.length - 1]);
            for (short v : alterVersions) {
                String at = "AlterPartitionReassignments v" + v;
                assertEquals(Errors.NONE.code(), reassign(c, topic, 0, List.of(owner), true, v).errorCode(),
                        at + " to the owner itself");
                assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                        reassign(c, topic, 0, List.of(owner + 100), true, v).errorCode(), at + " to no such broker");
                assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                        reassign(c, topic, 0, List.of(), true, v).errorCode(), at + " to no broker");
                assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT.code(),
                        reassign(c, topic, 0, List.of(owner, owner + 100), true, v).errorCode(), at + " to two brokers");
                if (v >= 1) {
                    assertEquals(Errors.INVALID_REPLICATION_FACTOR.code(),
                            reassign(c, topic, 0, List.of(owner, owner + 100), false, v).errorCode(),
                            at + " to two brokers without a replication factor change");
                }
                assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                        reassign(c, topic, 1, List.of(owner), true, v).errorCode(), at + " of a missing partition");
                assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                        reassign(c, "no-such-topic", 0, List.of(owner), true, v).errorCode(), at + " of a missing topic");
                assertEquals(Errors.NO_REASSIGNMENT_IN_PROGRESS.code(),
                        reassign(c, topic, 0, null, true, v).errorCode(), at + " cancelling");
            }
            assertEquals(owner, metadata(c, topic).partitions().getFirst().leaderId());
            for (short v : versions(ApiKeys.LIST_PARTITION_REASSIGNMENTS, advertised)) {
                ListPartitionReassignmentsResponse all = c.send(new ListPartitionReassignmentsRequest.Builder(
                        new ListPartitionReassignmentsRequestData().setTimeoutMs(10_000).setTopics(null)), v);
                assertEquals(Errors.NONE.code(), all.data().errorCode(), "ListPartitionReassignments v" + v);
                assertEquals(List.of(), all.data().topics(), "ListPartitionReassignments v" + v);
                ListPartitionReassignmentsResponse some = c.send(new ListPartitionReassignmentsRequest.Builder(
                        new ListPartitionReassignmentsRequestData().setTimeoutMs(10_000).setTopics(List.of(
                                new ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics()
                                        .setName(topic).setPartitionIndexes(List.of(0, 7))))), v);
                assertEquals(Errors.NONE.code(), some.data().errorCode(), "ListPartitionReassignments v" + v);
                assertEquals(List.of(), some.data().topics(), "ListPartitionReassignments v" + v);
            }
        }
    }
}
