package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.get;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Differential scenarios for transactions with the Java clients: the offsets records and markers take,
 * what each isolation level reads and lists, the producer and transaction state the admin client
 * describes, offsets committed in transactions, and the errors of fencing and of a too long timeout.
 */
final class TransactionDifferentialScenarios {
    private TransactionDifferentialScenarios() {
    }

    /** Commit, abort, commit on one partition; then what is visible, listed and described. */
    static Observation commitAndAbort(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-txn";
        String group = "diff-txn-group";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            createTopic(admin, "diff-txn-source", 1, Map.of()); // the topic the group's offsets are for
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, "diff-txn-id", 60_000);
                 KafkaConsumer<byte[], byte[]> groupConsumer = new KafkaConsumer<>(Clients.consumerConfig(bootstrap,
                         Map.of(ConsumerConfig.GROUP_ID_CONFIG, group)))) {
                producer.initTransactions();
                o.put("committed1.offsets", send(producer, topic, "c1-", 3, true));
                o.put("aborted.offsets", send(producer, topic, "a-", 2, false));
                Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("diff-txn-source", 0),
                        new OffsetAndMetadata(7));
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, null, bytes("open")));
                producer.sendOffsetsToTransaction(offsets, groupConsumer.groupMetadata());
                producer.flush();
                o.put("open.latestCommitted", latest(admin, tp, IsolationLevel.READ_COMMITTED));
                o.put("open.latestUncommitted", latest(admin, tp, IsolationLevel.READ_UNCOMMITTED));
                o.put("open.groupOffset.requireStable", groupOffset(admin, group, true));
                TransactionDescription open = get(admin.describeTransactions(List.of("diff-txn-id"))
                        .description("diff-txn-id"));
                o.put("open.describe", open.state() + " partitions=" + ScenarioSupport.partitions(open.topicPartitions())
                        + " timeout=" + open.transactionTimeoutMs());
                o.put("open.listed", get(admin.listTransactions().all()).stream()
                        .filter(l -> l.transactionalId().equals("diff-txn-id")).map(l -> l.state().toString()).toList());
                o.put("open.producers", producers(admin, tp));
                producer.commitTransaction();
            }
            o.put("final.latestCommitted", ScenarioSupport.settled(() -> latest(admin, tp, IsolationLevel.READ_COMMITTED),
                    v -> v == 9L)); // 3 records, marker, 2 aborted, marker, 1 record, marker
            o.put("final.latestUncommitted", latest(admin, tp, IsolationLevel.READ_UNCOMMITTED));
            o.put("final.groupOffset", ScenarioSupport.settled(() -> groupOffset(admin, group, true), v -> v != null));
            o.put("final.describe", get(admin.describeTransactions(List.of("diff-txn-id"))
                    .description("diff-txn-id")).state());
            o.put("final.producers", producers(admin, tp));
            o.put("readCommitted", read(bootstrap, tp, "read_committed", 4));
            o.put("readUncommitted", read(bootstrap, tp, "read_uncommitted", 6));
        }
        return o;
    }

    /** A second producer with the same id fences the first; a timeout above the maximum is refused. */
    static Observation fencingAndInvalidTimeout(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-txn-fencing";
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            try (KafkaProducer<byte[], byte[]> tooLong = producer(bootstrap, "diff-txn-too-long", 3_600_000)) {
                o.outcome("initTransactions.timeoutAboveMax", () -> {
                    tooLong.initTransactions();
                    return null;
                });
            }
            try (KafkaProducer<byte[], byte[]> first = producer(bootstrap, "diff-txn-fenced", 60_000);
                 KafkaProducer<byte[], byte[]> second = producer(bootstrap, "diff-txn-fenced", 60_000)) {
                first.initTransactions();
                first.beginTransaction();
                first.send(new ProducerRecord<>(topic, 0, null, bytes("zombie"))).get();
                second.initTransactions();
                o.outcome("fenced.commit", () -> {
                    first.commitTransaction();
                    return null;
                });
                o.put("second.commit", send(second, topic, "live-", 1, true));
            }
            o.put("latestCommitted", ScenarioSupport.settled(() -> latest(admin, tp, IsolationLevel.READ_COMMITTED),
                    v -> v >= 4L));
            o.put("readCommitted", read(bootstrap, tp, "read_committed", 1));
        }
        return o;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String transactionalId, int timeoutMs) {
        return Clients.producer(bootstrap, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs, ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000));
    }

    private static List<Long> send(KafkaProducer<byte[], byte[]> producer, String topic, String prefix, int count,
                                   boolean commit) throws Exception {
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(producer.send(new ProducerRecord<>(topic, 0, null, bytes(prefix + i))));
        }
        List<Long> result = new ArrayList<>();
        for (Future<RecordMetadata> f : sent) {
            result.add(f.get().offset());
        }
        if (commit) {
            producer.commitTransaction();
        } else {
            producer.abortTransaction();
        }
        return result;
    }

    private static long latest(Admin admin, TopicPartition tp, IsolationLevel isolation) throws Exception {
        return get(admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(isolation))
                .partitionResult(tp)).offset();
    }

    private static Long groupOffset(Admin admin, String group, boolean requireStable) throws Exception {
        TopicPartition source = new TopicPartition("diff-txn-source", 0);
        OffsetAndMetadata o = get(admin.listConsumerGroupOffsets(Map.of(group, new ListConsumerGroupOffsetsSpec()
                        .topicPartitions(List.of(source))), new ListConsumerGroupOffsetsOptions()
                .requireStable(requireStable)).partitionsToOffsetAndMetadata(group)).get(source);
        return o == null ? null : o.offset();
    }

    /** The producers of the partition as the admin client describes them (ids and times left out). */
    private static List<String> producers(Admin admin, TopicPartition tp) throws Exception {
        List<String> out = new ArrayList<>();
        for (ProducerState s : get(admin.describeProducers(List.of(tp)).partitionResult(tp)).activeProducers()) {
            out.add("lastSequence=" + s.lastSequence() + " txnStart=" + s.currentTransactionStartOffset()
                    + " coordinatorEpochKnown=" + s.coordinatorEpoch().isPresent());
        }
        return out;
    }

    private static List<String> read(String bootstrap, TopicPartition tp, String isolation, int expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation)))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    values.add(r.offset() + ":" + new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(300))) {
                values.add(r.offset() + ":" + new String(r.value(), StandardCharsets.UTF_8));
            }
            return values;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
