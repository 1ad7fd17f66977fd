package io.elasticstream.compat.bench;

import io.elasticstream.compat.ApacheKafkaBroker;
import io.elasticstream.compat.StandaloneServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A broker under benchmark, started fresh (empty data) for every run and closed (process ended, data deleted). */
sealed interface Contender extends AutoCloseable {
    String bootstrapServers();

    long pid();

    /** From process start to ready: the ready line for us, the first DescribeCluster answer for Kafka. */
    Duration startup();

    @Override
    void close();

    /** Resident set size of the broker process now, from {@code /proc/<pid>/status} (VmRSS). */
    default double rssMib() {
        Path status = Path.of("/proc", Long.toString(pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
        throw new IllegalStateException("no VmRSS in " + status);
    }

    /** Which broker: the display name used in the table. */
    enum Kind {
        APACHE_KAFKA("Apache Kafka 4.4.0"),
        ELASTIC_STREAM("Elastic Stream");

        final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        Contender start(String name) {
            return switch (this) {
                case APACHE_KAFKA -> Kafka.start(name);
                case ELASTIC_STREAM -> Ours.start(name);
            };
        }
    }

    /** Apache Kafka, through {@link ApacheKafkaBroker} (storage formatted before the clock starts). */
    record Kafka(ApacheKafkaBroker broker) implements Contender {
        static Kafka start(String name) {
            return new Kafka(ApacheKafkaBroker.startNew(name));
        }

        @Override
        public String bootstrapServers() {
            return broker.bootstrapServers();
        }

        @Override
        public long pid() {
            return broker.pid();
        }

        @Override
        public Duration startup() {
            return broker.lastStartDuration();
        }

        @Override
        public void close() {
            broker.close();
        }
    }

    /**
     * Our standalone server, through {@link StandaloneServer} ({@code bin/quickstart}, default config but for
     * {@code group.initial.rebalance.delay.ms=0}, as the reference broker is set up).
     */
    record Ours(StandaloneServer server, Duration startup) implements Contender {
        static Ours start(String name) {
            StandaloneServer server = StandaloneServer.create(name, Map.of("group.initial.rebalance.delay.ms", "0"));
            long startNs = System.nanoTime();
            try {
                server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            return new Ours(server, Duration.ofNanos(System.nanoTime() - startNs));
        }

        @Override
        public String bootstrapServers() {
            return server.bootstrapServers();
        }

        @Override
        public long pid() {
            return server.pid();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
