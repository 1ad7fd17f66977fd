/**
 * Kafka compatibility suite: black-box tests that start the real server ({@code bin/quickstart}, standalone
 * mode) as a separate OS process and talk to it only with unmodified Kafka clients and tools
 * (kafka-clients, Kafka's {@code TopicCommand}, librdkafka's {@code kcat}, kafkajs under {@code node/}).
 * The differential suite ({@link io.elasticstream.compat.DifferentialTest}) runs the same scenarios against a
 * real Apache Kafka broker ({@link io.elasticstream.compat.ApacheKafkaBroker}) and against us and compares
 * what the clients observed.
 *
 * <p>Threading: each test class owns one {@link io.elasticstream.compat.StandaloneServer} (started before
 * its first test, stopped after its last); tests run sequentially. Helpers are static and stateless.
 *
 * <p>Dependencies: Kafka client and tool jars and JUnit only; never the server's own modules, so a test
 * can only observe what a real client would. Time here is real wall-clock time, because the server under
 * test is a real process: deadlines use {@code System.nanoTime()} and nothing ever sleeps to wait.
 */
package io.elasticstream.compat;
