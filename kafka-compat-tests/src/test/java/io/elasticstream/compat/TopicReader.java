package io.elasticstream.compat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads whole partitions with a group-less consumer: {@code assign} all partitions, {@code seekToBeginning},
 * then poll until every partition's position reaches the end offset the server reported at the start.
 */
public final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(500);

    private TopicReader() {
    }

    /**
     * Hands every record of the topic to {@code visitor} (in order within a partition) and returns the end
     * offset of each partition. Fails if the beginning offsets are not 0 or the end is not reached in time.
     */
    public static Map<Integer, Long> forEachRecord(String bootstrapServers, String topic, int partitions,
                                                   Duration timeout,
                                                   Consumer<ConsumerRecord<byte[], byte[]>> visitor) {
        List<TopicPartition> all = IntStream.range(0, partitions)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(bootstrapServers)) {
            consumer.assign(all);
            Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(all, timeout);
            beginnings.forEach((tp, offset) -> {
                if (offset != 0L) {
                    throw new AssertionError(tp + " begins at offset " + offset + ", expected 0");
                }
            });
            Map<TopicPartition, Long> ends = consumer.endOffsets(all, timeout);
            consumer.seekToBeginning(all);
            long deadlineNs = System.nanoTime() + timeout.toNanos();
            while (!reachedEnd(consumer, ends)) {
                if (System.nanoTime() - deadlineNs > 0) {
                    StringBuilder progress = new StringBuilder();
                    ends.forEach((tp, end) -> progress.append("\n  ").append(tp).append(": position ")
                            .append(consumer.position(tp)).append(" of end offset ").append(end));
                    throw new AssertionError("did not read " + topic + " to its end within " + timeout + ":"
                            + progress);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    visitor.accept(record);
                }
            }
            Map<Integer, Long> result = new TreeMap<>();
            ends.forEach((tp, end) -> result.put(tp.partition(), end));
            return result;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }
}
