package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.EndTxnRequest;
import org.apache.kafka.common.requests.EndTxnResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Transactions in cluster mode (processes, real etcd, 3 brokers): a transaction over partitions owned by
 * several brokers, whose coordinator writes the markers into the other brokers' partitions through
 * WriteTxnMarkers and learns of the partitions through AddPartitionsToTxn v5 from their owners; then the
 * broker owning the transaction's {@code __transaction_state} partition is SIGKILLed with the transaction
 * open, and the producer still commits it at the coordinator that took the partition over. A transactions-v1
 * write (Produce v11) is verified by the coordinator on another broker (AddPartitionsToTxn v5, verify only).
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTransactionsTest {
    private static final String TOPIC = "cluster-txn";
    private static final int PARTITIONS = 6;
    private static ClusterHarness cluster;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-txn",
                ClusterHarness.Options.defaults().withBrokerCount(3).withMemberSessionTtlMs(2_000));
        Clients.createTopic(cluster.bootstrap(0), TOPIC, PARTITIONS);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void aTransactionOverPartitionsOfEveryBrokerCommitsAndAnAbortedOneStaysInvisible() throws Exception {
        assertTrue(leaders().size() > 1, "the topic's partitions are spread over brokers: " + leaders());
        try (KafkaProducer<byte[], byte[]> producer = producer("spread")) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, null, bytes("committed-" + p)));
            }
            producer.commitTransaction();
            producer.beginTransaction();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, null, bytes("aborted-" + p)));
            }
            producer.flush();
            producer.abortTransaction();
        }
        List<String> read = readCommitted(PARTITIONS);
        assertEquals(PARTITIONS, read.size(), "one committed record per partition: " + read);
        assertTrue(read.stream().allMatch(v -> v.startsWith("committed-")), read.toString());
    }

    @Test
    @Order(2)
    void aTransactionsV1WriteIsVerifiedByTheCoordinatorOnAnotherBroker() throws Exception {
        // A transactional id whose coordinator is on another broker than one of the topic's partitions
        // (partitions and __transaction_state partitions are placed independently, and may move).
        String id = null;
        FindCoordinatorResponseData.Coordinator coordinator = null;
        Optional<TopicPartition> other = Optional.empty();
        try (RawKafkaClient any = new RawKafkaClient(cluster.bootstrap(0))) {
            for (int i = 0; i < 50 && other.isEmpty(); i++) {
                id = "v1-verify-" + i;
                coordinator = any.awaitCoordinator(RawKafkaClient.TRANSACTION, id);
                other = partitionLedByAnotherBrokerThan(coordinator.nodeId());
            }
        }
        if (other.isEmpty()) {
            throw new AssertionError("no coordinator apart from the partitions' brokers: " + leaders());
        }
        TopicPartition elsewhere = other.get();
        try (RawKafkaClient atCoordinator = new RawKafkaClient(coordinator.host() + ":" + coordinator.port());
             RawKafkaClient atLeader = new RawKafkaClient(leaderAddress(elsewhere))) {
            InitProducerIdResponseData p = TransactionRawScenarios.initProducerId(atCoordinator, id);
            assertEquals(0, p.errorCode());
            short v11 = 11;
            assertEquals("TRANSACTION_ABORTABLE null", TransactionRawScenarios.produce(atLeader, v11, id, elsewhere,
                    p.producerId(), p.producerEpoch(), 0), "not added to the transaction: refused, nothing written");
            AddPartitionsToTxnResponse added = atCoordinator.send(AddPartitionsToTxnRequest.Builder.forClient(id,
                    p.producerId(), p.producerEpoch(), List.of(elsewhere)), (short) 3);
            assertEquals(Map.of(elsewhere, Errors.NONE), added.errors().get(AddPartitionsToTxnResponse.V3_AND_BELOW_TXN_ID));
            assertTrue(TransactionRawScenarios.produce(atLeader, v11, id, elsewhere, p.producerId(), p.producerEpoch(), 0)
                    .startsWith("NONE"), "added: the coordinator on the other broker confirms it");
            EndTxnResponse aborted = atCoordinator.send(new EndTxnRequest.Builder(new EndTxnRequestData()
                    .setTransactionalId(id).setProducerId(p.producerId()).setProducerEpoch(p.producerEpoch())
                    .setCommitted(false), false, false), (short) 4);
            assertEquals(0, aborted.data().errorCode(), "aborted, so the partition's last stable offset moves on");
        }
    }

    @Test
    @Order(3)
    void theCoordinatorsBrokerKilledWithTheTransactionOpenAndTheProducerStillCommits() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer("failover");
             Admin admin = Clients.admin(cluster.bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int p = 0; p < PARTITIONS; p++) {
                producer.send(new ProducerRecord<>(TOPIC, p, null, bytes("survivor-" + p)));
            }
            producer.flush();
            TransactionDescription before = admin.describeTransactions(List.of("failover")).description("failover")
                    .get(30, TimeUnit.SECONDS);
            int coordinator = before.coordinatorId();
            assertEquals(Set.of(0, 1, 2, 3, 4, 5), partitionsOf(before));

            ClusterHarness.Member victim = cluster.brokers().get(coordinator - 1);
            victim.process().kill();
            System.out.println("ClusterTransactionsTest: killed broker " + coordinator
                    + ", the coordinator of the open transaction");
            producer.commitTransaction(); // finds the new coordinator, which loaded the transaction
        }
        List<String> read = readCommitted(2 * PARTITIONS);
        assertEquals(2 * PARTITIONS, read.size(), "both committed transactions, nothing of the aborted one: " + read);
        assertEquals(PARTITIONS, read.stream().filter(v -> v.startsWith("survivor-")).count(), read.toString());
    }

    private static Set<Integer> partitionsOf(TransactionDescription d) {
        Set<Integer> ps = new TreeSet<>();
        d.topicPartitions().forEach(tp -> ps.add(tp.partition()));
        return ps;
    }

    private static Optional<TopicPartition> partitionLedByAnotherBrokerThan(int brokerId) throws Exception {
        return topic().partitions().stream().filter(p -> p.leader().id() != brokerId).findFirst()
                .map(p -> new TopicPartition(TOPIC, p.partition()));
    }

    private static String leaderAddress(TopicPartition tp) throws Exception {
        var leader = topic().partitions().get(tp.partition()).leader();
        return leader.host() + ":" + leader.port();
    }

    private static Set<Integer> leaders() throws Exception {
        Set<Integer> leaders = new TreeSet<>();
        for (TopicPartitionInfo p : topic().partitions()) {
            leaders.add(p.leader().id());
        }
        return leaders;
    }

    private static TopicDescription topic() throws Exception {
        try (Admin admin = Clients.admin(cluster.bootstrapServers())) {
            return admin.describeTopics(List.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS).get(TOPIC);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String transactionalId) {
        return Clients.producer(cluster.bootstrapServers(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000));
    }

    private static List<String> readCommitted(int expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Clients.consumerConfig(cluster.bootstrapServers(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")))) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(TOPIC, p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8));
            }
            return values;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
