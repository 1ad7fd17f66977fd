package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The basic promise: what a default Java producer writes, a Java consumer reads back, exactly and in order. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProduceConsumeTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 100_000;
    private static final int VALUE_BYTES = 1024;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("produce-consume");

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void hundredThousandOneKibRecordsComeBackContiguousInOrderAndByteExact() {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "produce-consume";
        Clients.createTopic(bootstrap, topic, PARTITIONS);

        SequenceProducer.Result produced;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            produced = SequenceProducer.produce(producer, topic, PARTITIONS, RECORDS, VALUE_BYTES, 0);
        }
        System.out.printf("MEASURED produce.records_per_sec=%.0f produce.mib_per_sec=%.1f records=%d value_bytes=%d%n",
                produced.recordsPerSecond(), produced.recordsPerSecond() * VALUE_BYTES / (1 << 20), RECORDS,
                VALUE_BYTES);

        SequenceVerifier.Result consumed = SequenceVerifier.verify(bootstrap, topic,
                produced.recordsPerPartition(), VALUE_BYTES, Duration.ofMinutes(2));
        System.out.printf("MEASURED consume.records_per_sec=%.0f consume.mib_per_sec=%.1f records=%d%n",
                consumed.recordsPerSecond(), consumed.recordsPerSecond() * VALUE_BYTES / (1 << 20),
                consumed.records());
        assertEquals(RECORDS, consumed.records(), "records read back");
    }
}
