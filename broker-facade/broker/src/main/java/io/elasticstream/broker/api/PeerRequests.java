package io.elasticstream.broker.api;

import io.elasticstream.broker.group.GroupCoordinator;
import io.elasticstream.broker.peer.BrokerPeers;
import io.elasticstream.broker.share.SharePartition;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ReadShareGroupStateRequestData;
import org.apache.kafka.common.message.ReadShareGroupStateResponseData;
import org.apache.kafka.common.message.WriteShareGroupStateRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.ReadShareGroupStateRequest;
import org.apache.kafka.common.requests.ReadShareGroupStateResponse;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteShareGroupStateRequest;
import org.apache.kafka.common.requests.WriteShareGroupStateResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * The requests one broker sends another, through {@link BrokerPeers}: WriteTxnMarkers from a transaction
 * coordinator to a partition owner, AddPartitionsToTxn v5 from a partition owner to a transaction coordinator,
 * ReadShareGroupState / WriteShareGroupState from a partition's leader to a share group's coordinator, and
 * ListOffsets (latest) from a share group's coordinator to a partition's leader, for the group's lag.
 * Brokers are found through PD; an unreachable one answers NOT_LEADER_OR_FOLLOWER (markers) or
 * NOT_COORDINATOR (the others), retried by the caller.
 */
final class PeerRequests implements MarkerWriter.RemoteMarkers, TxnPartitionAdder.RemoteAdd, ShareStates.Remote,
        ShareOffsetsApis.Leaders {
    private final PlacementService placement;
    private final BrokerPeers peers;
    private final short transactionVersion;

    PeerRequests(PlacementService placement, BrokerPeers peers, short transactionVersion) {
        this.placement = placement;
        this.peers = peers;
        this.transactionVersion = transactionVersion;
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> write(int brokerId, long producerId, short producerEpoch,
                                                                boolean commit, int coordinatorEpoch,
                                                                Set<TopicPartition> partitions) {
        WriteTxnMarkersRequest.Builder request = new WriteTxnMarkersRequest.Builder(List.of(
                new WriteTxnMarkersRequest.TxnMarkerEntry(producerId, producerEpoch, coordinatorEpoch,
                        commit ? TransactionResult.COMMIT : TransactionResult.ABORT, List.copyOf(partitions),
                        transactionVersion)));
        return send(brokerId, request).thenApply(r -> r == null
                ? TxnPartitionAdder.all(partitions, Errors.NOT_LEADER_OR_FOLLOWER)
                : ((WriteTxnMarkersResponse) r).errorsByProducerId().getOrDefault(producerId, Map.of()));
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> add(int brokerId, String transactionalId, long producerId,
                                                              short epoch, Set<TopicPartition> partitions,
                                                              boolean verifyOnly) {
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(epoch).setVerifyOnly(verifyOnly)
                .setTopics(AddPartitionsToTxnRequest.Builder.forClient(transactionalId, producerId, epoch,
                        List.copyOf(partitions)).data.v3AndBelowTopics().duplicate()));
        return send(brokerId, AddPartitionsToTxnRequest.Builder.forBroker(transactions)).thenApply(r -> r == null
                ? TxnPartitionAdder.all(partitions, Errors.NOT_COORDINATOR)
                : ((AddPartitionsToTxnResponse) r).errors().getOrDefault(transactionalId, Map.of()));
    }

    @Override
    public CompletableFuture<GroupCoordinator.ShareStateRead> read(int brokerId, String groupId,
                                                                   TopicIdPartition partition, int leaderEpoch) {
        ReadShareGroupStateRequestData data = new ReadShareGroupStateRequestData().setGroupId(groupId)
                .setTopics(List.of(new ReadShareGroupStateRequestData.ReadStateData().setTopicId(partition.topicId())
                        .setPartitions(List.of(new ReadShareGroupStateRequestData.PartitionData()
                                .setPartition(partition.partition()).setLeaderEpoch(leaderEpoch)))));
        return send(brokerId, new ReadShareGroupStateRequest.Builder(data)).thenApply(r -> {
            if (r == null) {
                return new GroupCoordinator.ShareStateRead(Errors.NOT_COORDINATOR, null);
            }
            ReadShareGroupStateResponseData.PartitionResult p = ((ReadShareGroupStateResponse) r).data().results()
                    .getFirst().partitions().getFirst();
            Errors e = Errors.forCode(p.errorCode());
            return new GroupCoordinator.ShareStateRead(e, e == Errors.NONE ? ShareStateMessages.fromRead(p) : null);
        });
    }

    @Override
    public CompletableFuture<Errors> write(int brokerId, String groupId, TopicIdPartition partition, int leaderEpoch,
                                           SharePartition.State state) {
        WriteShareGroupStateRequestData data = new WriteShareGroupStateRequestData().setGroupId(groupId)
                .setTopics(List.of(new WriteShareGroupStateRequestData.WriteStateData().setTopicId(partition.topicId())
                        .setPartitions(List.of(new WriteShareGroupStateRequestData.PartitionData()
                                .setPartition(partition.partition()).setStateEpoch(0).setLeaderEpoch(leaderEpoch)
                                .setStartOffset(state.startOffset())
                                .setStateBatches(ShareStateMessages.writeBatches(state))))));
        return send(brokerId, new WriteShareGroupStateRequest.Builder(data)).thenApply(r -> r == null
                ? Errors.NOT_COORDINATOR
                : Errors.forCode(((WriteShareGroupStateResponse) r).data().results().getFirst().partitions().getFirst()
                        .errorCode()));
    }

    @Override
    public CompletableFuture<Long> highWatermark(int brokerId, TopicPartition tp) {
        ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(tp.topic()).setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition()
                        .setPartitionIndex(tp.partition()).setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP)));
        return send(brokerId, ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(topic))).thenApply(r -> {
                    if (r == null) {
                        return -1L;
                    }
                    ListOffsetsResponseData.ListOffsetsPartitionResponse p = ((ListOffsetsResponse) r).data().topics()
                            .getFirst().partitions().getFirst();
                    return p.errorCode() == Errors.NONE.code() ? p.offset() : -1L;
                });
    }

    /** The broker's response, or null when it could not be reached or answered nothing in time. */
    private CompletableFuture<AbstractResponse> send(int brokerId, AbstractRequest.Builder<?> request) {
        return placement.brokers().thenCompose(brokers -> {
            Optional<BrokerInfo> broker = brokers.stream().filter(b -> b.id() == brokerId).findFirst();
            return broker.isEmpty() ? CompletableFuture.<AbstractResponse>completedFuture(null)
                    : peers.send(brokerId, broker.get().host(), broker.get().port(), request);
        }).exceptionally(err -> null);
    }
}
