package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Batches compressed by the Java producer with every Kafka codec are stored and served intact. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CompressionTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 20_000;
    private static final int VALUE_BYTES = 1024;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("compression");

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recordsCompressedWithEachCodecComeBackContiguousInOrderAndByteExact(String codec) {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "compression-" + codec;
        Clients.createTopic(bootstrap, topic, PARTITIONS);

        SequenceProducer.Result produced;
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap,
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec))) {
            produced = SequenceProducer.produce(producer, topic, PARTITIONS, RECORDS, VALUE_BYTES, 0);
        }
        SequenceVerifier.Result consumed = SequenceVerifier.verify(bootstrap, topic,
                produced.recordsPerPartition(), VALUE_BYTES, Duration.ofMinutes(1));
        System.out.printf("MEASURED compression.%s.produce.records_per_sec=%.0f consume.records_per_sec=%.0f%n",
                codec, produced.recordsPerSecond(), consumed.recordsPerSecond());
        assertEquals(RECORDS, consumed.records(), "records read back");
    }
}
