package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.group.GroupConfig;
import io.elasticstream.broker.group.GroupConfigs;
import io.elasticstream.broker.group.ShareGroupConfig;
import io.elasticstream.broker.partition.PartitionManager;
import io.elasticstream.broker.peer.BrokerPeers;
import io.elasticstream.broker.peer.NettyBrokerPeers;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.broker.txn.TransactionCoordinator;
import io.elasticstream.broker.txn.TxnConfig;
import io.elasticstream.broker.txn.TxnLogs;
import io.elasticstream.common.Clock;
import io.elasticstream.placement.api.PlacementService;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestContext;

/** Advertises and dispatches the Kafka APIs this broker implements. */
public final class KafkaApis implements RequestHandler, AutoCloseable {
    /** How long a broker waits for another's answer to a transaction request; the caller then retries. */
    private static final Duration PEER_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private final Map<ApiKeys, RequestHandler> handlers = new EnumMap<>(ApiKeys.class);
    private final SupportedApis supported;
    private final GroupApis groups;
    private final MarkerWriter markers;
    private final TxnApis transactions;
    private final TxnPartitionAdder adder;
    private final short transactionVersion;
    private final BrokerPeers peers;
    private final ShareApis shares;
    private final GroupConfigs groupConfigs;

    public KafkaApis(BrokerConfig config, PlacementService placement, TopicService topics, PartitionManager partitions,
                     ScheduledExecutorService timer, Clock clock) {
        handlers.put(ApiKeys.API_VERSIONS, this::apiVersions);
        handlers.put(ApiKeys.METADATA, new MetadataApi(config, placement, topics, partitions));
        handlers.put(ApiKeys.FETCH, new FetchApi(topics, partitions, timer, clock));
        handlers.put(ApiKeys.LIST_OFFSETS, new ListOffsetsApi(topics, partitions));
        handlers.put(ApiKeys.CREATE_TOPICS, new CreateTopicsApi(placement, topics, BrokerSettings.resolver(config),
                partitions, config.nodeId(), timer));
        handlers.put(ApiKeys.DELETE_TOPICS, new DeleteTopicsApi(placement, topics, partitions));
        groupConfigs = new GroupConfigs(placement, config.givenProperties(), clock);
        groups = new GroupApis(config, topics, partitions, groupConfigs, timer, clock);
        CoordinatorTopic groupsTopic = new CoordinatorTopic(GroupConfig.OFFSETS_TOPIC,
                groups.config().offsetsTopicPartitions(), groups.config()::partitionFor, config.nodeId(), placement,
                partitions);
        TxnConfig txnConfig = TxnConfig.from(config.givenProperties());
        CoordinatorTopic txnTopic = new CoordinatorTopic(TxnConfig.STATE_TOPIC, txnConfig.stateTopicPartitions(),
                txnConfig::partitionFor, config.nodeId(), placement, partitions);
        handlers.put(ApiKeys.FIND_COORDINATOR, new FindCoordinatorApi(config, placement, topics, groupsTopic, txnTopic));
        ProducerIdAllocator producerIds = new ProducerIdAllocator(placement);
        markers = new MarkerWriter(config.nodeId(), partitions, clock, groups::onMarker);
        transactions = new TxnApis(new TransactionCoordinator(txnConfig, TxnLogs.of(partitions, clock), markers,
                producerIds::nextId, clock, timer).start(), topics, groupsTopic);
        handlers.put(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdApi(producerIds, transactions));
        adder = new TxnPartitionAdder(config.nodeId(), transactions.coordinator(), txnTopic, partitions, timer);
        TxnWriteVerifier verifier = new TxnWriteVerifier(adder);
        handlers.put(ApiKeys.PRODUCE, new ProduceApi(topics, partitions, verifier));
        handlers.put(ApiKeys.TXN_OFFSET_COMMIT, (context, request) -> groups.txnOffsetCommit(context, request,
                verifier, groupsTopic));
        transactionVersion = txnConfig.version();
        peers = new NettyBrokerPeers(config.nodeId(), PEER_REQUEST_TIMEOUT);
        PeerRequests peerRequests = new PeerRequests(placement, peers, transactionVersion);
        markers.remote(peerRequests);
        adder.remote(peerRequests);
        ShareGroupConfig shareConfig = ShareGroupConfig.from(config.givenProperties());
        shares = new ShareApis(topics, partitions, groupConfigs, shareConfig.maxShareSessions(),
                new ShareStates(config.nodeId(), groups.coordinator(), groupsTopic, partitions, peerRequests), timer,
                clock);
        handlers.put(ApiKeys.SHARE_FETCH, shares::fetch);
        handlers.put(ApiKeys.SHARE_ACKNOWLEDGE, shares::acknowledge);
        ShareStateApis shareStates = new ShareStateApis(groups.coordinator());
        handlers.put(ApiKeys.READ_SHARE_GROUP_STATE, shareStates::read);
        handlers.put(ApiKeys.WRITE_SHARE_GROUP_STATE, shareStates::write);
        ShareOffsetsApis shareOffsets = new ShareOffsetsApis(topics, partitions, groups.coordinator(),
                peerRequests);
        handlers.put(ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS, shareOffsets::describeOffsets);
        handlers.put(ApiKeys.ALTER_SHARE_GROUP_OFFSETS, shareOffsets::alterOffsets);
        handlers.put(ApiKeys.DELETE_SHARE_GROUP_OFFSETS, shareOffsets::deleteOffsets);
        handlers.put(ApiKeys.ADD_PARTITIONS_TO_TXN, transactions::addPartitionsToTxn);
        handlers.put(ApiKeys.ADD_OFFSETS_TO_TXN, transactions::addOffsetsToTxn);
        handlers.put(ApiKeys.END_TXN, transactions::endTxn);
        handlers.put(ApiKeys.WRITE_TXN_MARKERS, new WriteTxnMarkersApi(markers));
        handlers.put(ApiKeys.LIST_TRANSACTIONS, transactions::listTransactions);
        handlers.put(ApiKeys.DESCRIBE_TRANSACTIONS, transactions::describeTransactions);
        handlers.put(ApiKeys.JOIN_GROUP, groups::joinGroup);
        handlers.put(ApiKeys.SYNC_GROUP, groups::syncGroup);
        handlers.put(ApiKeys.HEARTBEAT, groups::heartbeat);
        handlers.put(ApiKeys.LEAVE_GROUP, groups::leaveGroup);
        handlers.put(ApiKeys.OFFSET_COMMIT, groups::offsetCommit);
        handlers.put(ApiKeys.OFFSET_FETCH, groups::offsetFetch);
        handlers.put(ApiKeys.OFFSET_DELETE, groups::offsetDelete);
        handlers.put(ApiKeys.LIST_GROUPS, groups::listGroups);
        handlers.put(ApiKeys.DESCRIBE_GROUPS, groups::describeGroups);
        handlers.put(ApiKeys.DELETE_GROUPS, groups::deleteGroups);
        ConsumerGroupApis consumerGroups = new ConsumerGroupApis(topics, groups.coordinator(), timer);
        handlers.put(ApiKeys.CONSUMER_GROUP_HEARTBEAT, consumerGroups::heartbeat);
        handlers.put(ApiKeys.CONSUMER_GROUP_DESCRIBE, consumerGroups::describe);
        ShareGroupApis shareGroups = new ShareGroupApis(topics, groups.coordinator());
        handlers.put(ApiKeys.SHARE_GROUP_HEARTBEAT, shareGroups::heartbeat);
        handlers.put(ApiKeys.SHARE_GROUP_DESCRIBE, shareGroups::describe);
        handlers.put(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsApi(config, topics, groupConfigs));
        handlers.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsApi(topics, groupConfigs));
        handlers.put(ApiKeys.ALTER_CONFIGS, new AlterConfigsApi(topics, groupConfigs));
        handlers.put(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsApi(topics));
        handlers.put(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterApi(config, placement));
        handlers.put(ApiKeys.DESCRIBE_TOPIC_PARTITIONS, new DescribeTopicPartitionsApi(config, topics, partitions));
        handlers.put(ApiKeys.OFFSET_FOR_LEADER_EPOCH, new OffsetForLeaderEpochApi(topics, partitions, placement));
        handlers.put(ApiKeys.DESCRIBE_PRODUCERS, new DescribeProducersApi(topics, partitions));
        handlers.put(ApiKeys.DELETE_RECORDS, new DeleteRecordsApi(topics, partitions, BrokerSettings.resolver(config)));
        handlers.put(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, new AlterPartitionReassignmentsApi(placement));
        handlers.put(ApiKeys.LIST_PARTITION_REASSIGNMENTS, new ListPartitionReassignmentsApi());
        // Outside a SASL exchange (a listener without SASL, or once authenticated), as Kafka answers them.
        handlers.put(ApiKeys.SASL_HANDSHAKE, (context, request) -> CompletableFuture.completedFuture(
                new SaslHandshakeResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code())));
        handlers.put(ApiKeys.SASL_AUTHENTICATE, (context, request) -> CompletableFuture.completedFuture(
                new SaslAuthenticateResponseData().setErrorCode(Errors.ILLEGAL_SASL_STATE.code())
                        .setErrorMessage("SaslAuthenticate request received after successful authentication")
                        .setAuthBytes(new byte[0])));
        ScramCredentialsApi scram = new ScramCredentialsApi(placement);
        handlers.put(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, scram::describe);
        handlers.put(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, scram::alter);
        this.supported = new SupportedApis(handlers.keySet());
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys key = context.header.apiKey();
        RequestHandler handler = handlers.get(key);
        if (key != ApiKeys.API_VERSIONS && (handler == null || !supported.supports(key, context.apiVersion()))) {
            // Kafka closes the connection for a request it does not support.
            throw new UnsupportedVersionException(key + " v" + context.apiVersion() + " is not supported");
        }
        return handler.handle(context, request);
    }

    /** Each group's dynamic configs (GROUP config resources), for the group and share coordinators. */
    GroupConfigs groupConfigs() {
        return groupConfigs;
    }

    @Override
    public void connectionClosed(String connectionId) {
        shares.connectionClosed(connectionId);
    }

    /** Stops the coordinators' threads. */
    @Override
    public void close() {
        transactions.coordinator().close();
        peers.close();
        groups.close();
    }

    private CompletableFuture<ApiMessage> apiVersions(RequestContext context, AbstractRequest request) {
        ApiVersionsRequest r = (ApiVersionsRequest) request;
        ApiVersionsResponseData response;
        if (!context.header.isApiVersionSupported()) {
            // Parsed as v0 by RequestContext; answer v0 with our ranges so the client can pick a version.
            response = supported.response(Errors.UNSUPPORTED_VERSION.code(), transactionVersion);
        } else if (r.hasUnsupportedRequestVersion() || !r.isValid()) {
            response = supported.response(Errors.INVALID_REQUEST.code(), transactionVersion);
        } else {
            response = supported.response(Errors.NONE.code(), transactionVersion);
        }
        return CompletableFuture.completedFuture(response);
    }
}
