package io.elasticstream.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends {@link Payloads} records round-robin over a topic's partitions: record {@code i} goes to partition
 * {@code i % partitions} with sequence number {@code firstSeq + i / partitions}. The topic is expected to
 * hold exactly {@code firstSeq} records per partition beforehand, so every acknowledgement must carry
 * offset == sequence number; anything else (or any send error) fails the run.
 */
public final class SequenceProducer {
    private static final int MAX_REPORTED_PROBLEMS = 10;

    /** What a run sent: records per partition in this run, the first acknowledged offset per partition. */
    public record Result(Map<Integer, Long> recordsPerPartition, Map<Integer, Long> firstOffsetPerPartition,
                         long records, long elapsedNanos) {
        public double recordsPerSecond() {
            return records * 1e9 / Math.max(1, elapsedNanos);
        }
    }

    private SequenceProducer() {
    }

    /** Sends, flushes, then fails unless every record was acknowledged at offset == its sequence number. */
    public static Result produce(Producer<byte[], byte[]> producer, String topic, int partitions, long records,
                                 int valueSizeBytes, long firstSeq) {
        Map<Integer, Long> firstOffsets = new ConcurrentHashMap<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        AtomicLong problemCount = new AtomicLong();
        long startNs = System.nanoTime();
        for (long i = 0; i < records; i++) {
            int partition = (int) (i % partitions);
            long seq = firstSeq + i / partitions;
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, partition,
                    Payloads.key(partition, seq), Payloads.value(partition, seq, valueSizeBytes));
            producer.send(record, (metadata, error) -> {
                String problem = null;
                if (error != null) {
                    problem = "partition " + partition + " seq " + seq + ": send failed: " + error;
                } else if (metadata.offset() != seq) {
                    problem = "partition " + partition + " seq " + seq + ": acknowledged at offset "
                            + metadata.offset() + ", expected offset " + seq;
                } else if (seq == firstSeq) {
                    firstOffsets.put(partition, metadata.offset());
                }
                if (problem != null && problemCount.getAndIncrement() < MAX_REPORTED_PROBLEMS) {
                    problems.add(problem);
                }
            });
        }
        producer.flush();
        long elapsedNs = System.nanoTime() - startNs;
        if (problemCount.get() > 0) {
            throw new AssertionError(problemCount.get() + " of " + records + " sends to " + topic
                    + " went wrong; first ones:\n  " + String.join("\n  ", problems));
        }
        Map<Integer, Long> perPartition = new TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            perPartition.put(p, records / partitions + (p < records % partitions ? 1 : 0));
        }
        return new Result(perPartition, new TreeMap<>(firstOffsets), records, elapsedNs);
    }
}
