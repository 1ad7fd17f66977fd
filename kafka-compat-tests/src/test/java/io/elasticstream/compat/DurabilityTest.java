package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The durability promise of acks=all: once the server has acknowledged a record, a crash (SIGKILL in the
 * middle of a stream of sends) does not lose it, does not move it, and does not let a later record reuse
 * its offset.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DurabilityTest {
    private static final int PARTITIONS = 3;
    private static final int VALUE_BYTES = 512;
    /** Kill when this many records are acknowledged, or after {@link #KILL_AFTER} if some are. */
    private static final int KILL_AFTER_ACKS = 3_000;
    private static final Duration KILL_AFTER = Duration.ofSeconds(2);
    private static final Duration FIRST_ACK_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_REPORTED = 10;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("durability");

    /** One acknowledgement from a producer callback. */
    private record Ack(int partition, long offset, long seq) {
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyAcknowledgedRecordSurvivesSigkillMidStreamAtItsOffsetAndOffsetsAreNeverReused()
            throws InterruptedException {
        String topic = "durability";
        Clients.createTopic(SERVER.bootstrapServers(), topic, PARTITIONS);

        ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
        AtomicLong failedSends = new AtomicLong();
        CountDownLatch enoughAcks = new CountDownLatch(KILL_AFTER_ACKS);
        AtomicBoolean stopSending = new AtomicBoolean();
        AtomicReference<Throwable> senderCrash = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        AtomicBoolean killed = new AtomicBoolean();
        // max.block.ms: send() must not wait the default 60 s for a dead server before the test closes it.
        KafkaProducer<byte[], byte[]> producer = Clients.producer(SERVER.bootstrapServers(),
                Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000));
        Thread sender = Thread.ofPlatform().name("durability-sender").start(() -> {
            try {
                for (long i = 0; !stopSending.get(); i++) {
                    int partition = (int) (i % PARTITIONS);
                    long seq = i / PARTITIONS;
                    producer.send(new ProducerRecord<>(topic, partition, Payloads.key(partition, seq),
                            Payloads.value(partition, seq, VALUE_BYTES)), (RecordMetadata metadata, Exception e) -> {
                        if (e != null) {
                            failedSends.incrementAndGet();
                        } else {
                            acks.add(new Ack(metadata.partition(), metadata.offset(), seq));
                            enoughAcks.countDown();
                        }
                    });
                    sent.incrementAndGet();
                }
            } catch (KafkaException | IllegalStateException e) {
                // Expected once the server is gone (a send timed out, or send() after close); a bug before.
                if (!killed.get()) {
                    senderCrash.set(e);
                }
            } catch (Throwable t) {
                senderCrash.set(t);
            }
        });

        awaitKillPoint(enoughAcks, acks);
        SERVER.server().kill();
        killed.set(true);
        long ackedAtKill = acks.size();
        stopSending.set(true);
        producer.close(Duration.ofSeconds(5));
        sender.join(Duration.ofSeconds(30));
        assertTrue(!sender.isAlive(), "sender thread did not stop after the producer was closed");
        if (senderCrash.get() != null) {
            throw new AssertionError("sender thread failed unexpectedly", senderCrash.get());
        }

        SERVER.server().start();
        String bootstrap = SERVER.bootstrapServers();

        List<Ack> acked = List.copyOf(acks);
        Map<Integer, Long> maxAckedOffset = new HashMap<>();
        Map<Integer, Set<Long>> ackedOffsets = new HashMap<>();
        for (Ack ack : acked) {
            if (!ackedOffsets.computeIfAbsent(ack.partition(), p -> new HashSet<>()).add(ack.offset())) {
                fail("offset " + ack.offset() + " of partition " + ack.partition() + " was acknowledged twice");
            }
            maxAckedOffset.merge(ack.partition(), ack.offset(), Math::max);
        }

        Map<Integer, Map<Long, byte[][]>> stored = new HashMap<>();
        Map<Integer, Long> endOffsets = TopicReader.forEachRecord(bootstrap, topic, PARTITIONS, Duration.ofMinutes(1),
                record -> stored.computeIfAbsent(record.partition(), p -> new HashMap<>())
                        .put(record.offset(), new byte[][] {record.key(), record.value()}));

        List<String> lostExamples = new ArrayList<>();
        long lost = 0;
        for (Ack ack : acked) {
            byte[][] keyAndValue = stored.getOrDefault(ack.partition(), Map.of()).get(ack.offset());
            String problem = null;
            if (keyAndValue == null) {
                problem = "missing";
            } else if (!Arrays.equals(keyAndValue[0], Payloads.key(ack.partition(), ack.seq()))
                    || !Arrays.equals(keyAndValue[1], Payloads.value(ack.partition(), ack.seq(), VALUE_BYTES))) {
                problem = "holds a different record (key " + Payloads.describe(keyAndValue[0]) + ")";
            }
            if (problem != null) {
                lost++;
                if (lostExamples.size() < MAX_REPORTED) {
                    lostExamples.add("partition " + ack.partition() + " offset " + ack.offset() + " (seq "
                            + ack.seq() + "): " + problem);
                }
            }
        }
        System.out.printf("MEASURED durability.acked=%d lost=%d acked_at_kill=%d sent=%d failed_sends=%d "
                        + "end_offsets_after_restart=%s%n",
                acked.size(), lost, ackedAtKill, sent.get(), failedSends.get(), endOffsets);
        assertEquals(0, lost, lost + " of " + acked.size() + " acknowledged records lost or changed after SIGKILL; "
                + "first ones:\n  " + String.join("\n  ", lostExamples));

        try (KafkaProducer<byte[], byte[]> after = Clients.producer(bootstrap, Map.of())) {
            for (int p = 0; p < PARTITIONS; p++) {
                RecordMetadata metadata = getQuietly(after.send(new ProducerRecord<>(topic, p,
                        "after-restart".getBytes(StandardCharsets.US_ASCII), new byte[] {1})));
                long maxAcked = maxAckedOffset.getOrDefault(p, -1L);
                assertTrue(metadata.offset() > maxAcked, "partition " + p + ": record after restart got offset "
                        + metadata.offset() + ", but offset " + maxAcked + " was acknowledged before the crash");
                assertTrue(metadata.offset() >= endOffsets.get(p), "partition " + p
                        + ": record after restart got offset " + metadata.offset()
                        + ", below the end offset " + endOffsets.get(p) + " the server reported after restart");
            }
        }
    }

    /** Waits until enough acks arrived, or until a {@link #KILL_AFTER} wait ends with at least one ack. */
    private static void awaitKillPoint(CountDownLatch enoughAcks, ConcurrentLinkedQueue<Ack> acks)
            throws InterruptedException {
        long deadlineNs = System.nanoTime() + FIRST_ACK_TIMEOUT.toNanos();
        while (!enoughAcks.await(KILL_AFTER.toMillis(), TimeUnit.MILLISECONDS)) {
            if (!acks.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadlineNs > 0) {
                fail("no record was acknowledged within " + FIRST_ACK_TIMEOUT);
            }
        }
    }

    private static RecordMetadata getQuietly(Future<RecordMetadata> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("send after restart failed", e);
        }
    }
}
