package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka transactions with the Java clients against the standalone server: what a committed transaction
 * wrote is read by {@code read_committed} consumers, what an aborted one wrote never is, an open
 * transaction holds the last stable offset, a second producer with the same transactional id fences the
 * first, offsets sent in a transaction become the group's only when it commits, and the admin client
 * lists and describes transactions. Run with transactions v2 ({@link TransactionsV2Test}: the clients add
 * no partitions, EndTxn bumps the epoch) and v1 ({@link TransactionsV1Test}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class TransactionScenarios {
    /** The server's {@code bootstrap.servers}. */
    abstract String bootstrapServers();

    /** The {@code transaction.version} the server finalizes. */
    abstract int transactionVersion();

    /** A server with the given {@code transaction.version} finalized. */
    static StandaloneServerExtension server(String name, int transactionVersion) {
        return new StandaloneServerExtension(name, Map.of("transaction.state.log.num.partitions", "4",
                "transaction.version", Integer.toString(transactionVersion)));
    }

    @Test
    void readCommittedSeesCommittedTransactionsAndNeverAbortedOnes() {
        String topic = "txn-visibility";
        Clients.createTopic(bootstrapServers(), topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("visibility")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed-1-", 10, true);
            sendInTransaction(producer, topic, "aborted-", 10, false);
            sendInTransaction(producer, topic, "committed-2-", 10, true);
        }
        List<String> committed = readAll(topic, 2, "read_committed", 20);
        assertEquals(20, committed.size(), "records of the two committed transactions");
        assertTrue(committed.stream().noneMatch(v -> v.startsWith("aborted-")), "no aborted record: " + committed);
        List<String> uncommitted = readAll(topic, 2, "read_uncommitted", 30);
        assertEquals(30, uncommitted.size(), "read_uncommitted sees every data record, markers are not records");
    }

    @Test
    void anOpenTransactionHoldsTheLastStableOffsetUntilItCommits() throws Exception {
        String topic = "txn-lso";
        Clients.createTopic(bootstrapServers(), topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("lso");
             KafkaConsumer<byte[], byte[]> committed = consumer("read_committed");
             KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted")) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "first-", 3, true);
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, bytes("open-" + i)));
            }
            producer.flush();

            committed.assign(List.of(tp));
            uncommitted.assign(List.of(tp));
            long lso = committed.endOffsets(List.of(tp)).get(tp);
            long end = uncommitted.endOffsets(List.of(tp)).get(tp);
            assertEquals(4, lso, "3 records and the marker of the committed transaction, then the open one begins");
            assertEquals(9, end, "read_uncommitted's end is the high watermark");
            committed.seekToBeginning(List.of(tp));
            assertEquals(3, pollUntil(committed, 3, Duration.ofSeconds(5)).size(),
                    "nothing of the open transaction is visible");

            producer.commitTransaction();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (committed.endOffsets(List.of(tp)).get(tp) < 10 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(10, committed.endOffsets(List.of(tp)).get(tp), "the commit marker releases the LSO");
            assertEquals(5, pollUntil(committed, 5, Duration.ofSeconds(20)).size());
        }
    }

    @Test
    void aSecondProducerWithTheSameIdFencesTheFirstAndAbortsItsTransaction() {
        String topic = "txn-fencing";
        Clients.createTopic(bootstrapServers(), topic, 1);
        try (KafkaProducer<byte[], byte[]> first = transactionalProducer("fenced");
             KafkaProducer<byte[], byte[]> second = transactionalProducer("fenced")) {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>(topic, 0, null, bytes("zombie")));
            first.flush();

            second.initTransactions(); // fences the first and aborts its open transaction
            Exception thrown = assertThrows(Exception.class, () -> {
                first.send(new ProducerRecord<>(topic, 0, null, bytes("zombie-2"))).get();
                first.commitTransaction();
            });
            assertTrue(fenced(thrown), "the first producer is fenced: " + thrown);

            sendInTransaction(second, topic, "live-", 2, true);
        }
        assertEquals(List.of("live-0", "live-1"), readAll(topic, 1, "read_committed", 2));
    }

    @Test
    void offsetsSentInATransactionBecomeTheGroupsOnlyWhenItCommits() throws Exception {
        String input = "txn-offsets-in";
        String output = "txn-offsets-out";
        String group = "txn-offsets-group";
        Clients.createTopic(bootstrapServers(), input, 1);
        Clients.createTopic(bootstrapServers(), output, 1);
        TopicPartition in = new TopicPartition(input, 0);
        try (KafkaProducer<byte[], byte[]> plain = Clients.producer(bootstrapServers(), Map.of())) {
            for (int i = 0; i < 6; i++) {
                plain.send(new ProducerRecord<>(input, 0, null, bytes("in-" + i)));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("consume-transform-produce");
             KafkaConsumer<byte[], byte[]> groupConsumer = new KafkaConsumer<>(Clients.consumerConfig(
                     bootstrapServers(), Map.of(ConsumerConfig.GROUP_ID_CONFIG, group)));
             Admin admin = Clients.admin(bootstrapServers())) {
            producer.initTransactions();
            ConsumerGroupMetadata metadata = groupConsumer.groupMetadata(); // no generation: not joined

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(output, 0, null, bytes("out-aborted")));
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(4)), metadata);
            producer.abortTransaction();
            assertEquals(null, committedOffset(admin, group, in), "an aborted transaction commits no offset");

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(output, 0, null, bytes("out-committed")));
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(3)), metadata);
            producer.commitTransaction();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (committedOffset(admin, group, in) == null && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(3L, committedOffset(admin, group, in), "the committed transaction's offset");
        }
        assertEquals(List.of("out-committed"), readAll(output, 1, "read_committed", 1));
    }

    @Test
    void theAdminClientListsAndDescribesTransactions() throws Exception {
        String topic = "txn-admin";
        Clients.createTopic(bootstrapServers(), topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("described");
             Admin admin = Clients.admin(bootstrapServers())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, 1, null, bytes("x")));
            producer.flush();

            Collection<TransactionListing> listed = admin.listTransactions().all().get(30, TimeUnit.SECONDS);
            TransactionListing mine = listed.stream().filter(l -> l.transactionalId().equals("described"))
                    .findFirst().orElseThrow(() -> new AssertionError("not listed: " + listed));
            assertEquals(TransactionState.ONGOING, mine.state());

            TransactionDescription d = admin.describeTransactions(List.of("described")).description("described")
                    .get(30, TimeUnit.SECONDS);
            assertEquals(TransactionState.ONGOING, d.state());
            assertEquals(Set.of(new TopicPartition(topic, 1)), d.topicPartitions());
            assertEquals(mine.producerId(), d.producerId());
            assertTrue(d.transactionStartTimeMs().isPresent());
            producer.commitTransaction();
        }
    }

    @Test
    void transactionsV2BumpsTheEpochOnEveryEndAndV1KeepsIt() throws Exception {
        String topic = "txn-epochs";
        Clients.createTopic(bootstrapServers(), topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer("epochs");
             Admin admin = Clients.admin(bootstrapServers())) {
            producer.initTransactions();
            int initial = admin.describeTransactions(List.of("epochs")).description("epochs")
                    .get(30, TimeUnit.SECONDS).producerEpoch();
            sendInTransaction(producer, topic, "e-", 1, true);
            sendInTransaction(producer, topic, "e-", 1, false);
            int after = admin.describeTransactions(List.of("epochs")).description("epochs")
                    .get(30, TimeUnit.SECONDS).producerEpoch();
            assertEquals(initial + (transactionVersion() >= 2 ? 2 : 0), after, "epoch after a commit and an abort");
        }
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer(String transactionalId) {
        return Clients.producer(bootstrapServers(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 60_000));
    }

    private void sendInTransaction(KafkaProducer<byte[], byte[]> producer, String topic, String prefix,
                                          int count, boolean commit) {
        producer.beginTransaction();
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic, null, bytes(prefix + i)));
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.flush();
            producer.abortTransaction();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrapServers(), Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")));
    }

    /** Every value in the topic under {@code isolation}, waiting until {@code expected} came (or 20 s more). */
    private List<String> readAll(String topic, int partitions, String isolation, int expected) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(isolation)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            List<String> values = pollUntil(c, expected, Duration.ofSeconds(20));
            values.addAll(pollUntil(c, Integer.MAX_VALUE, Duration.ofMillis(500))); // nothing more should come
            return values;
        }
    }

    private List<String> pollUntil(KafkaConsumer<byte[], byte[]> c, int expected, Duration max) {
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + max.toNanos();
        while (values.size() < expected && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8));
            }
        }
        return values;
    }

    private Long committedOffset(Admin admin, String group, TopicPartition tp) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(
                Map.of(group, new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(tp))),
                new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata(group)
                .get(30, TimeUnit.SECONDS);
        OffsetAndMetadata o = offsets.get(tp);
        return o == null ? null : o.offset();
    }

    /** Whether {@code t} or one of its causes says the producer was fenced. */
    private boolean fenced(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
