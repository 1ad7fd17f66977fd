package io.elasticstream.compat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.StringJoiner;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;

/**
 * A share-group member that acquires records and never acknowledges them, run as its own JVM by
 * {@link ShareConsumerScenarios} so a test can SIGKILL (or SIGSTOP) it while it holds them. It subscribes
 * with {@code share.acknowledgement.mode=explicit}, prints {@code SUBSCRIBED}, polls until a poll returns
 * records, prints {@code ACQUIRED <offset>,<offset>,... lock=<acquisitionLockTimeoutMs>} and then stops
 * polling (so nothing is acknowledged) and waits to be killed.
 *
 * <p>Arguments: bootstrap servers, group, topic.
 */
public final class ShareConsumerHolder {
    static final String SUBSCRIBED = "SUBSCRIBED";
    static final String ACQUIRED = "ACQUIRED";

    private ShareConsumerHolder() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, Object> config = Clients.consumerConfig(args[0], Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, args[1],
                ConsumerConfig.CLIENT_ID_CONFIG, args[1] + "-holder",
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"));
        KafkaShareConsumer<byte[], byte[]> consumer = new KafkaShareConsumer<>(config);
        consumer.subscribe(List.of(args[2]));
        System.out.println(SUBSCRIBED);
        ConsumerRecords<byte[], byte[]> records;
        do {
            records = consumer.poll(Duration.ofMillis(200));
        } while (records.isEmpty());
        StringJoiner offsets = new StringJoiner(",");
        for (ConsumerRecord<byte[], byte[]> r : records) {
            offsets.add(Long.toString(r.offset()));
        }
        System.out.println(ACQUIRED + " " + offsets + " lock=" + consumer.acquisitionLockTimeoutMs().orElse(-1));
        System.out.flush();
        // Holds the records (and the consumer, heartbeating in its background thread) until killed.
        new CountDownLatch(1).await();
    }
}
