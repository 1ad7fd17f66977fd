package io.elasticstream.compat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Waiting on a condition while polling consumers (so they keep their group membership and make progress). */
final class ConsumerPolling {
    private ConsumerPolling() {
    }

    /**
     * Polls {@code consumers} (their record values, as UTF-8, into {@code sink} when it is not null) until
     * {@code done}; with no consumers, sleeps between checks. Fails when {@code deadline} passes first.
     */
    static void pollUntil(Duration deadline, List<KafkaConsumer<byte[], byte[]>> consumers, List<String> sink,
                          BooleanSupplier done, String what) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not reached within " + deadline + ": " + what);
            }
            if (consumers.isEmpty()) {
                try {
                    Thread.sleep(100); // test code waiting for the server, polling a condition
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
            for (KafkaConsumer<byte[], byte[]> c : consumers) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (sink != null) {
                        sink.add(new String(r.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }
}
