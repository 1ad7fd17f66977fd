package io.elasticstream.broker.api;

import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.broker.txn.TransactionCoordinator;
import io.elasticstream.broker.txn.TransactionCoordinator.ProducerIdAndEpoch;
import io.elasticstream.broker.txn.TxnMetadata;
import io.elasticstream.broker.txn.TxnState;
import io.elasticstream.placement.api.TopicInfo;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResult;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData.AddPartitionsToTxnResultCollection;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData.TopicData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AddOffsetsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.DescribeTransactionsRequest;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.ListTransactionsRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * The transaction APIs a producer and the admin tools send to a transaction coordinator: InitProducerId
 * with a transactional id, AddPartitionsToTxn (client v0–3, and v4+ from brokers, with verify-only), AddOffsetsToTxn,
 * EndTxn, ListTransactions and DescribeTransactions. Each turns one request version into
 * {@link TransactionCoordinator} calls and shapes the answer for that version; old versions get
 * INVALID_PRODUCER_EPOCH where newer ones get PRODUCER_FENCED (KIP-588).
 */
final class TxnApis {
    private final TransactionCoordinator coordinator;
    private final TopicService topics;
    private final CoordinatorTopic groupsTopic;

    TxnApis(TransactionCoordinator coordinator, TopicService topics, CoordinatorTopic groupsTopic) {
        this.coordinator = coordinator;
        this.topics = topics;
        this.groupsTopic = groupsTopic;
    }

    TransactionCoordinator coordinator() {
        return coordinator;
    }

    /** PRODUCER_FENCED for versions that know it, else INVALID_PRODUCER_EPOCH. */
    private static Errors fenced(Errors error, short version, int firstVersionWithFenced) {
        return error == Errors.PRODUCER_FENCED && version < firstVersionWithFenced ? Errors.INVALID_PRODUCER_EPOCH
                : error;
    }

    // ---------------------------------------------------------------- producer

    CompletableFuture<ApiMessage> initProducerId(RequestContext context, InitProducerIdRequestData req) {
        short version = context.apiVersion();
        return coordinator.initProducerId(req.transactionalId(), req.transactionTimeoutMs(), req.producerId(),
                req.producerEpoch()).thenApply(r -> new InitProducerIdResponseData().setThrottleTimeMs(0)
                .setErrorCode(fenced(r.error(), version, 4).code()).setProducerId(r.producerId())
                .setProducerEpoch(r.epoch()));
    }

    CompletableFuture<ApiMessage> addPartitionsToTxn(RequestContext context, AbstractRequest request) {
        AddPartitionsToTxnRequest req = (AddPartitionsToTxnRequest) request;
        short version = context.apiVersion();
        AddPartitionsToTxnRequestData data = req.data();
        List<AddPartitionsToTxnTransaction> transactions = new ArrayList<>();
        if (version < 4) {
            transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(data.v3AndBelowTransactionalId())
                    .setProducerId(data.v3AndBelowProducerId()).setProducerEpoch(data.v3AndBelowProducerEpoch())
                    .setVerifyOnly(false).setTopics(data.v3AndBelowTopics()));
        } else {
            transactions.addAll(data.transactions());
        }
        List<CompletableFuture<AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnTransaction t : transactions) {
            results.add(addPartitions(t, version));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(v -> {
            if (version < 4) {
                return new AddPartitionsToTxnResponseData().setThrottleTimeMs(0)
                        .setResultsByTopicV3AndBelow(results.getFirst().join().topicResults());
            }
            AddPartitionsToTxnResultCollection collection = new AddPartitionsToTxnResultCollection();
            results.forEach(f -> collection.add(f.join()));
            return new AddPartitionsToTxnResponseData().setThrottleTimeMs(0).setResultsByTransaction(collection);
        });
    }

    private CompletableFuture<AddPartitionsToTxnResult> addPartitions(AddPartitionsToTxnTransaction t, short version) {
        Set<TopicPartition> wanted = new LinkedHashSet<>(AddPartitionsToTxnRequest.getPartitions(t.topics()));
        return unknownPartitions(wanted).thenCompose(unknown -> {
            if (!unknown.isEmpty()) {
                Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
                wanted.forEach(tp -> errors.put(tp, unknown.contains(tp) ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                        : Errors.OPERATION_NOT_ATTEMPTED));
                return CompletableFuture.completedFuture(errors);
            }
            return coordinator.addPartitions(t.transactionalId(), t.producerId(), t.producerEpoch(), wanted,
                    t.verifyOnly());
        }).thenApply(errors -> {
            Map<TopicPartition, Errors> shaped = new LinkedHashMap<>();
            errors.forEach((tp, e) -> shaped.put(tp, fenced(e, version, 2)));
            return AddPartitionsToTxnResponse.resultForTransaction(t.transactionalId(), shaped);
        });
    }

    /** The partitions of {@code wanted} whose topic or partition does not exist. */
    private CompletableFuture<Set<TopicPartition>> unknownPartitions(Set<TopicPartition> wanted) {
        Map<String, CompletableFuture<Optional<TopicInfo>>> byTopic = new LinkedHashMap<>();
        wanted.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), topics::byName));
        return CompletableFuture.allOf(byTopic.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Set<TopicPartition> unknown = new LinkedHashSet<>();
            for (TopicPartition tp : wanted) {
                Optional<TopicInfo> info = byTopic.get(tp.topic()).join();
                if (info.isEmpty() || tp.partition() < 0 || tp.partition() >= info.get().partitions().size()) {
                    unknown.add(tp);
                }
            }
            return unknown;
        });
    }

    CompletableFuture<ApiMessage> addOffsetsToTxn(RequestContext context, AbstractRequest request) {
        AddOffsetsToTxnRequestData req = ((AddOffsetsToTxnRequest) request).data();
        short version = context.apiVersion();
        return coordinator.addOffsetsPartition(req.transactionalId(), req.producerId(), req.producerEpoch(),
                groupsTopic.partitionOf(req.groupId())).thenApply(e -> new AddOffsetsToTxnResponseData()
                .setThrottleTimeMs(0).setErrorCode(fenced(e, version, 2).code()));
    }

    CompletableFuture<ApiMessage> endTxn(RequestContext context, AbstractRequest request) {
        EndTxnRequestData req = ((EndTxnRequest) request).data();
        short version = context.apiVersion();
        boolean v2Client = version > EndTxnRequest.LAST_STABLE_VERSION_BEFORE_TRANSACTION_V2;
        return coordinator.endTxn(req.transactionalId(), req.producerId(), req.producerEpoch(), req.committed(),
                v2Client).thenApply(r -> {
                    EndTxnResponseData response = new EndTxnResponseData().setThrottleTimeMs(0)
                            .setErrorCode(fenced(r.error(), version, 2).code());
                    if (v2Client) {
                        response.setProducerId(r.producerId()).setProducerEpoch(r.epoch());
                    }
                    return response;
                });
    }

    // ---------------------------------------------------------------- admin

    CompletableFuture<ApiMessage> listTransactions(RequestContext context, AbstractRequest request) {
        ListTransactionsRequestData req = ((ListTransactionsRequest) request).data();
        ListTransactionsResponseData response = new ListTransactionsResponseData().setThrottleTimeMs(0);
        Set<TxnState> states = EnumSet.noneOf(TxnState.class);
        for (String name : req.stateFilters()) {
            TxnState s = TxnState.ofKafkaName(name);
            if (s == null) {
                response.unknownStateFilters().add(name);
            } else {
                states.add(s);
            }
        }
        if (!req.stateFilters().isEmpty() && states.isEmpty()) {
            return CompletableFuture.completedFuture(response); // only unknown states asked for: none match
        }
        Pattern pattern;
        try {
            String regex = context.apiVersion() >= 2 ? req.transactionalIdPattern() : null;
            pattern = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REGULAR_EXPRESSION.code()));
        }
        long minDurationMs = context.apiVersion() >= 1 ? req.durationFilter() : -1;
        return coordinator.list(states, Set.copyOf(req.producerIdFilters()), minDurationMs).thenApply(list -> {
            for (TxnMetadata m : list) {
                if (pattern == null || pattern.matcher(m.transactionalId()).matches()) {
                    response.transactionStates().add(new ListTransactionsResponseData.TransactionState()
                            .setTransactionalId(m.transactionalId()).setProducerId(m.producerId())
                            .setTransactionState(m.state().kafkaName()));
                }
            }
            return response;
        });
    }

    CompletableFuture<ApiMessage> describeTransactions(RequestContext context, AbstractRequest request) {
        List<String> ids = ((DescribeTransactionsRequest) request).data().transactionalIds();
        List<CompletableFuture<TransactionCoordinator.Described>> described = new ArrayList<>();
        ids.forEach(id -> described.add(coordinator.describe(id)));
        return CompletableFuture.allOf(described.toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeTransactionsResponseData response = new DescribeTransactionsResponseData().setThrottleTimeMs(0);
            for (int i = 0; i < ids.size(); i++) {
                TransactionCoordinator.Described d = described.get(i).join();
                DescribeTransactionsResponseData.TransactionState s = new DescribeTransactionsResponseData
                        .TransactionState().setTransactionalId(ids.get(i)).setErrorCode(d.error().code());
                if (d.error() == Errors.NONE) {
                    TxnMetadata m = d.metadata();
                    s.setTransactionState(m.state().kafkaName()).setTransactionTimeoutMs(m.timeoutMs())
                            .setTransactionStartTimeMs(m.txnStartMs()).setProducerId(m.producerId())
                            .setProducerEpoch(m.epoch());
                    Map<String, TopicData> byTopic = new LinkedHashMap<>();
                    m.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), name -> new TopicData()
                            .setTopic(name)).partitions().add(tp.partition()));
                    byTopic.values().forEach(s.topics()::add);
                } else {
                    s.setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1)
                            .setTransactionStartTimeMs(-1);
                }
                response.transactionStates().add(s);
            }
            return response;
        });
    }
}
