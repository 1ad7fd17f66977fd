package io.elasticstream.compat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.TxnOffsetCommitRequest;
import org.apache.kafka.common.requests.TxnOffsetCommitResponse;

/**
 * Differential scenarios for transactions that speak the wire protocol directly ({@link RawKafkaClient}):
 * KIP-890 part 1's verification of the transactional writes of transactions-v1 clients. A Produce v3–11 or a
 * TxnOffsetCommit v0–4 whose partition was not added to the transaction is refused before anything is
 * written: INVALID_TXN_STATE for the versions before TRANSACTION_ABORTABLE existed (Produce v10, TxnOffsetCommit
 * v3), TRANSACTION_ABORTABLE from Produce v11 and TxnOffsetCommit v4.
 */
final class TransactionRawScenarios {
    private static final short PRODUCE_BEFORE_ABORTABLE = 10;
    private static final short PRODUCE_TV1 = 11;
    private static final String GROUP = "diff-txn-verify-group";

    private TransactionRawScenarios() {
    }

    /** Transactional writes of partitions added, not added, and of a wrong producer id or a fenced epoch. */
    static Observation verification(String bootstrap) {
        Observation o = new Observation(bootstrap);
        String topic = "diff-txn-verify";
        String transactionalId = "diff-txn-verify-id";
        Clients.createTopic(bootstrap, topic, 2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (RawKafkaClient raw = new RawKafkaClient(bootstrap)) {
            raw.awaitCoordinator(RawKafkaClient.TRANSACTION, transactionalId);
            raw.awaitCoordinator(RawKafkaClient.GROUP, GROUP);
            InitProducerIdResponseData init = initProducerId(raw, transactionalId);
            long pid = init.producerId();
            short epoch = init.producerEpoch();
            o.put("init", Errors.forCode(init.errorCode()).name() + " epoch=" + epoch);

            o.put("produceNotAdded.v10", produce(raw, PRODUCE_BEFORE_ABORTABLE, transactionalId, p0, pid, epoch, 0));
            o.put("produceNotAdded.v11", produce(raw, PRODUCE_TV1, transactionalId, p0, pid, epoch, 0));
            o.put("offsetsNotAdded.v3", txnOffsetCommit(raw, 3, transactionalId, pid, epoch, topic));
            o.put("offsetsNotAdded.v4", txnOffsetCommit(raw, 4, transactionalId, pid, epoch, topic));

            AddPartitionsToTxnResponse added = raw.send(AddPartitionsToTxnRequest.Builder.forClient(transactionalId,
                    pid, epoch, List.of(p0)), (short) 3);
            o.put("addPartition", added.errors().toString());
            o.put("produceAdded", produce(raw, PRODUCE_TV1, transactionalId, p0, pid, epoch, 0));
            o.put("produceAddedAgain", produce(raw, PRODUCE_TV1, transactionalId, p0, pid, epoch, 1));
            o.put("produceOtherPartition", produce(raw, PRODUCE_TV1, transactionalId, p1, pid, epoch, 0));
            o.put("produceWrongProducerId", produce(raw, PRODUCE_TV1, transactionalId, p1, pid + 1000, epoch, 0));

            EndTxnResponse ended = raw.send(new EndTxnRequest.Builder(new EndTxnRequestData()
                    .setTransactionalId(transactionalId).setProducerId(pid).setProducerEpoch(epoch)
                    .setCommitted(true), false, false), (short) 4);
            o.put("commit", Errors.forCode(ended.data().errorCode()).name());
            // While the coordinator writes the markers the write cannot be verified (NOT_ENOUGH_REPLICAS, to
            // be retried); once the transaction is complete, the partition is in no transaction.
            o.put("produceAfterCommit", ScenarioSupport.await("the transaction's completion", () -> {
                String answer = produce(raw, PRODUCE_TV1, transactionalId, p0, pid, epoch, 2);
                return answer.startsWith(Errors.NOT_ENOUGH_REPLICAS.name()) ? Optional.empty() : Optional.of(answer);
            }));

            InitProducerIdResponseData again = initProducerId(raw, transactionalId);
            o.put("initAgain", Errors.forCode(again.errorCode()).name() + " epochBumped="
                    + (again.producerEpoch() == epoch + 1));
            o.put("produceFencedEpoch", produce(raw, PRODUCE_TV1, transactionalId, p0, pid, epoch, 2));
        }
        return o;
    }

    static InitProducerIdResponseData initProducerId(RawKafkaClient raw, String transactionalId) {
        return ScenarioSupport.await("InitProducerId of " + transactionalId, () -> {
            InitProducerIdResponse r = raw.send(new InitProducerIdRequest.Builder(new InitProducerIdRequestData()
                    .setTransactionalId(transactionalId).setTransactionTimeoutMs(60_000)
                    .setProducerId(-1).setProducerEpoch((short) -1)), (short) 4);
            Errors e = Errors.forCode(r.data().errorCode());
            return e == Errors.COORDINATOR_LOAD_IN_PROGRESS || e == Errors.CONCURRENT_TRANSACTIONS
                    ? Optional.empty() : Optional.of(r.data());
        });
    }

    /** One transactional batch of one record at {@code sequence}; the partition's error and message. */
    static String produce(RawKafkaClient raw, short version, String transactionalId, TopicPartition tp,
                                  long pid, short epoch, int sequence) {
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, pid, epoch, sequence,
                new SimpleRecord(("record-" + sequence).getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                .setTransactionalId(transactionalId);
        ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(tp.topic());
        topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(tp.partition())
                .setRecords(records));
        data.topicData().add(topicData);
        ProduceResponse r = raw.send(new ProduceRequest.Builder(version, version, data), version);
        var p = r.data().responses().iterator().next().partitionResponses().getFirst();
        return Errors.forCode(p.errorCode()).name() + " " + p.errorMessage()
                + (p.errorCode() == 0 ? " baseOffset=" + p.baseOffset() : "");
    }

    private static String txnOffsetCommit(RawKafkaClient raw, int version, String transactionalId, long pid,
                                          short epoch, String topic) {
        TxnOffsetCommitRequestData data = new TxnOffsetCommitRequestData().setTransactionalId(transactionalId)
                .setGroupId(GROUP).setProducerId(pid).setProducerEpoch(epoch)
                .setTopics(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName(topic)
                        .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                                .setPartitionIndex(0).setCommittedOffset(5)))));
        return ScenarioSupport.await("TxnOffsetCommit v" + version, () -> {
            TxnOffsetCommitResponse r = raw.send(TxnOffsetCommitRequest.Builder.forTopicNames(data, false),
                    (short) version);
            Errors e = Errors.forCode(r.data().topics().getFirst().partitions().getFirst().errorCode());
            boolean loading = e == Errors.COORDINATOR_LOAD_IN_PROGRESS || e == Errors.COORDINATOR_NOT_AVAILABLE
                    || e == Errors.NOT_COORDINATOR;
            return loading ? Optional.empty() : Optional.of(e.name());
        });
    }
}
