package io.elasticstream.compat;

import static io.elasticstream.compat.ScenarioSupport.admin;
import static io.elasticstream.compat.ScenarioSupport.createTopic;
import static io.elasticstream.compat.ScenarioSupport.get;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/** Differential scenarios of producing, listing offsets and fetching. */
final class RecordScenarios {
    /** Record timestamps of the ListOffsets scenario: deliberately not monotonic. */
    private static final long T0 = 1_700_000_000_000L;
    private static final long[] TIMESTAMPS = {T0, T0 + 1_000, T0 + 5_000, T0 + 2_000, T0 + 3_000};

    private RecordScenarios() {
    }

    /** ListOffsets: earliest, latest, by timestamp (before, exact, between, after), max timestamp; empty partition. */
    static Observation listOffsets(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-offsets";
        TopicPartition written = new TopicPartition(topic, 0);
        TopicPartition empty = new TopicPartition(topic, 1);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 2, Map.of());
            try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
                for (int i = 0; i < TIMESTAMPS.length; i++) {
                    // One send at a time: each record is its own batch, so the broker must look inside batches.
                    RecordMetadata sent = producer.send(new ProducerRecord<>(topic, 0, TIMESTAMPS[i], null,
                            ("v" + i).getBytes())).get();
                    o.put("produce." + i, "offset=" + sent.offset() + " timestamp=" + sent.timestamp());
                }
            }
            // Leader epochs are compared relative to the partition's current one (what clients compare them with).
            int currentEpoch = get(admin.listOffsets(Map.of(written, OffsetSpec.latest())).partitionResult(written))
                    .leaderEpoch().orElse(-1);
            o.put("currentLeaderEpoch", currentEpoch);
            Map<String, OffsetSpec> specs = new LinkedHashMap<>();
            specs.put("earliest", OffsetSpec.earliest());
            specs.put("latest", OffsetSpec.latest());
            specs.put("maxTimestamp", OffsetSpec.maxTimestamp());
            specs.put("earliestLocal", OffsetSpec.earliestLocal());
            specs.put("latestTiered", OffsetSpec.latestTiered());
            specs.put("timestampBeforeFirst", OffsetSpec.forTimestamp(T0 - 1));
            specs.put("timestampExactFirst", OffsetSpec.forTimestamp(T0));
            specs.put("timestampBetween", OffsetSpec.forTimestamp(T0 + 500));
            specs.put("timestampExactOutOfOrder", OffsetSpec.forTimestamp(T0 + 2_000));
            specs.put("timestampExactMax", OffsetSpec.forTimestamp(T0 + 5_000));
            specs.put("timestampAfterLast", OffsetSpec.forTimestamp(T0 + 6_000));
            for (Map.Entry<String, OffsetSpec> spec : specs.entrySet()) {
                o.outcome(spec.getKey(), () -> listOffset(admin, written, spec.getValue(),
                        IsolationLevel.READ_UNCOMMITTED, currentEpoch));
                o.outcome("empty." + spec.getKey(), () -> listOffset(admin, empty, spec.getValue(),
                        IsolationLevel.READ_UNCOMMITTED, currentEpoch));
            }
            o.outcome("latestReadCommitted", () -> listOffset(admin, written, OffsetSpec.latest(),
                    IsolationLevel.READ_COMMITTED, currentEpoch));
        }
        return o;
    }

    private static String listOffset(Admin admin, TopicPartition partition, OffsetSpec spec, IsolationLevel isolation,
                                     int currentEpoch) throws Exception {
        ListOffsetsResultInfo info = get(admin.listOffsets(Map.of(partition, spec), new ListOffsetsOptions(isolation))
                .partitionResult(partition));
        String epoch = info.leaderEpoch().map(e -> e == currentEpoch ? "current" : "current" + (e - currentEpoch))
                .orElse("none");
        return "offset=" + info.offset() + " timestamp=" + info.timestamp() + " leaderEpoch=" + epoch;
    }

    /** Fetch positions: out of range with auto.offset.reset=none (the exception), earliest and latest resets. */
    static Observation fetchOutOfRange(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-fetch-range";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
        }
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("v" + i).getBytes())).get();
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "none")) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 100);
            o.put("seekBeyondEnd.reset=none", pollUntilErrorOrRecords(consumer));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "none")) {
            consumer.assign(List.of(partition));
            o.put("noPosition.reset=none", pollUntilErrorOrRecords(consumer));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "none")) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 1);
            o.put("seekInside.reset=none", pollUntilErrorOrRecords(consumer));
        }
        for (String reset : List.of("earliest", "latest")) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, reset)) {
                consumer.assign(List.of(partition));
                consumer.seek(partition, 100);
                consumer.poll(Duration.ofMillis(200));
                long position = ScenarioSupport.await("reset to " + reset, () -> {
                    consumer.poll(Duration.ofMillis(100));
                    long p = consumer.position(partition);
                    return p != 100 ? Optional.of(p) : Optional.empty();
                });
                o.put("seekBeyondEnd.reset=" + reset + ".position", position);
            }
        }
        return o;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String reset) {
        return new KafkaConsumer<>(Clients.consumerConfig(bootstrap, Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset)));
    }

    /** The records polled (offsets) or the error, whichever comes first. */
    private static String pollUntilErrorOrRecords(KafkaConsumer<byte[], byte[]> consumer) {
        return ScenarioSupport.await("records or an error", () -> {
            try {
                List<Long> offsets = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    offsets.add(r.offset());
                }
                return offsets.isEmpty() ? Optional.empty() : Optional.of("records " + offsets);
            } catch (OffsetOutOfRangeException e) {
                return Optional.of(Observation.errorName(e) + " " + e.offsetOutOfRangePartitions());
            } catch (RuntimeException e) {
                return Optional.of(Observation.errorName(e));
            }
        });
    }

    /** Produce requests over the topic's max.message.bytes (and a compressed batch that fits only compressed). */
    static Observation recordTooLarge(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String small = "diff-large-limited";
        String normal = "diff-large-default";
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, small, 1, Map.of("max.message.bytes", "2000"));
            createTopic(admin, normal, 1, Map.of());
        }
        Map<String, Object> big = Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 16 * 1024 * 1024L, ProducerConfig.RETRIES_CONFIG, 3,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, big)) {
            o.outcome("limited.fits", () -> producer.send(new ProducerRecord<>(small, 0, null, new byte[1_000]))
                    .get().offset());
            o.outcome("limited.tooLarge", () -> producer.send(new ProducerRecord<>(small, 0, null,
                    Payloads.value(0, 0, 3_000))).get().offset());
            o.outcome("default.2MiB", () -> producer.send(new ProducerRecord<>(normal, 0, null,
                    Payloads.value(0, 1, 2 * 1024 * 1024))).get().offset());
            o.outcome("default.fitsAfterwards", () -> producer.send(new ProducerRecord<>(normal, 0, null,
                    new byte[10])).get().offset());
        }
        Map<String, Object> gzip = new LinkedHashMap<>(big);
        gzip.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, gzip)) {
            o.outcome("limited.compressedFits", () -> producer.send(new ProducerRecord<>(small, 0, null,
                    new byte[3_000])).get().offset());
        }
        return o;
    }

    /** Idempotent producers: offsets of pipelined sends and what DescribeProducers reports about sequences. */
    static Observation idempotentProducer(String bootstrap) throws Exception {
        Observation o = new Observation(bootstrap);
        String topic = "diff-idempotent";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = admin(bootstrap)) {
            createTopic(admin, topic, 1, Map.of());
            Map<String, Object> config = Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
                    ProducerConfig.LINGER_MS_CONFIG, 0);
            for (int producerIndex = 0; producerIndex < 2; producerIndex++) {
                int records = producerIndex == 0 ? 10 : 3;
                try (KafkaProducer<byte[], byte[]> producer = Clients.producer(bootstrap, config)) {
                    List<Future<RecordMetadata>> sent = new ArrayList<>();
                    for (int i = 0; i < records; i++) {
                        sent.add(producer.send(new ProducerRecord<>(topic, 0, null, ("p" + producerIndex + "-" + i)
                                .getBytes())));
                    }
                    List<Long> offsets = new ArrayList<>();
                    for (Future<RecordMetadata> f : sent) {
                        offsets.add(f.get().offset());
                    }
                    o.put("producer" + producerIndex + ".offsets", offsets);
                }
            }
            o.outcome("describeProducers", () -> {
                List<ProducerState> states = new ArrayList<>(get(admin.describeProducers(List.of(partition))
                        .partitionResult(partition)).activeProducers());
                states.sort(Comparator.comparingLong(ProducerState::producerId));
                return states.stream().map(s -> "epoch=" + s.producerEpoch() + " lastSequence=" + s.lastSequence()
                        + " txnStart=" + s.currentTransactionStartOffset()).toList();
            });
            o.put("latest", get(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition))
                    .offset());
        }
        return o;
    }
}
