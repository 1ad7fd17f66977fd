package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.tools.ProducerPerformance;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka's {@code kafka-transactions} tool (list, describe, describe-producers, find-hanging, abort) and
 * {@code kafka-producer-perf-test --transactional-id}, unmodified, run through their {@code main} against
 * the server.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransactionToolsTest {
    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("txn-tools",
            Map.of("transaction.state.log.num.partitions", "4"));

    @Test
    void kafkaTransactionsListsDescribesAndAbortsAnOpenTransaction() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "tools-open-txn";
        Clients.createTopic(bootstrap, topic, 1);
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tool-txn", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000));
             KafkaConsumer<byte[], byte[]> committed = new KafkaConsumer<>(Clients.consumerConfig(bootstrap,
                     Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "open".getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();

            ToolResult list = tool("--bootstrap-server", bootstrap, "list");
            assertTrue(list.stdoutLines().stream().anyMatch(l -> l.contains("tool-txn") && l.contains("Ongoing")),
                    list.describe());

            ToolResult describe = tool("--bootstrap-server", bootstrap, "describe", "--transactional-id", "tool-txn");
            assertTrue(describe.stdout().contains("Ongoing") && describe.stdout().contains(topic + "-0"),
                    describe.describe());

            ToolResult producers = tool("--bootstrap-server", bootstrap, "describe-producers", "--topic", topic,
                    "--partition", "0");
            // ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
            assertTrue(producers.stdoutLines().stream().skip(1).map(l -> l.trim().split("\\s+"))
                    .anyMatch(cols -> cols.length == 6 && cols[5].equals("0")),
                    "the producer's open transaction starts at offset 0: " + producers.describe());

            int brokerId;
            try (Admin admin = Clients.admin(bootstrap)) {
                brokerId = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).iterator().next().id();
            }
            ToolResult hanging = tool("--bootstrap-server", bootstrap, "find-hanging", "--broker-id",
                    Integer.toString(brokerId));
            assertEquals(0, hanging.exitCode(), hanging.describe());
            assertTrue(hanging.stdoutLines().stream().noneMatch(l -> l.contains(topic)),
                    "a transaction its coordinator knows is not hanging: " + hanging.describe());

            committed.assign(List.of(tp));
            assertEquals(0L, committed.endOffsets(List.of(tp)).get(tp), "the open transaction holds the LSO at 0");
            ToolResult abort = tool("--bootstrap-server", bootstrap, "abort", "--topic", topic, "--partition", "0",
                    "--start-offset", "0");
            assertEquals(0, abort.exitCode(), abort.describe());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (committed.endOffsets(List.of(tp)).get(tp) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long stable = committed.endOffsets(List.of(tp)).get(tp);
            if (stable != 4L) {
                ToolResult after = tool("--bootstrap-server", bootstrap, "describe-producers", "--topic", topic,
                        "--partition", "0");
                assertEquals(4L, stable, "the abort marker released the LSO\n" + abort.describe() + "\nafter it: "
                        + after.describe());
            }
            committed.seekToBeginning(List.of(tp));
            assertEquals(0, committed.poll(Duration.ofSeconds(2)).count(), "the aborted records are not visible");
        }
    }

    @Test
    void producerPerfTestWithATransactionalIdCommitsEveryRecord() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "tools-perf-txn";
        Clients.createTopic(bootstrap, topic, 2);
        ToolResult perf = KafkaTool.run("kafka-producer-perf-test", ProducerPerformance.class,
                "--topic", topic, "--num-records", "5000", "--record-size", "200", "--throughput", "-1",
                "--transactional-id", "perf-txn", "--transaction-duration-ms", "100",
                "--command-property", "bootstrap.servers=" + bootstrap, "acks=all");
        assertEquals(0, perf.exitCode(), perf.describe());
        assertTrue(perf.stdout().contains("5000 records sent"), perf.describe());
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Clients.consumerConfig(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")))) {
            List<TopicPartition> tps = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(tps);
            c.seekToBeginning(tps);
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read < 5000 && System.nanoTime() < deadline) {
                read += c.poll(Duration.ofMillis(200)).count();
            }
            read += c.poll(Duration.ofMillis(500)).count();
            assertEquals(5000, read, "every record of the committed transactions, once");
        }
    }

    private static ToolResult tool(String... args) {
        ToolResult r = KafkaTool.run("kafka-transactions", TransactionsCommand.class, args);
        assertEquals(0, r.exitCode(), r.describe());
        return r;
    }
}
