package io.elasticstream.compat;

import java.util.List;

/**
 * The one list of differential scenarios: each observes, through a real client, what a broker does for a
 * set of requests, normalised so that two correct brokers give equal {@link Observation}s.
 * {@link DifferentialTest} runs every scenario against Apache Kafka 4.4 and against our standalone server
 * and compares. Scenarios use their own topic and group names (prefix {@code diff}), so they do not
 * depend on each other or on order.
 */
public final class DifferentialScenarios {
    /** Observes one broker, given its bootstrap servers. */
    @FunctionalInterface
    public interface Probe {
        Observation observe(String bootstrapServers) throws Exception;
    }

    /** A named scenario. */
    public record Scenario(String name, Probe probe) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Scenario> ALL = List.of(
            new Scenario("createTopic", AdminScenarios::createTopics),
            new Scenario("describeTopicConfigs", AdminScenarios::describeTopicConfigs),
            new Scenario("describeBrokerConfigs", AdminScenarios::describeBrokerConfigs),
            new Scenario("incrementalAlterConfigs", AdminScenarios::alterConfigs),
            new Scenario("groupConfigs", GroupConfigScenarios::describeAndAlter),
            new Scenario("groupConfigsOutliveTheGroup", GroupConfigScenarios::outliveTheGroup),
            new Scenario("scramCredentials", ScramCredentialScenarios::describeAndAlter),
            new Scenario("createPartitions", AdminScenarios::createPartitions),
            new Scenario("deleteTopic", AdminScenarios::deleteTopic),
            new Scenario("describeCluster", AdminScenarios::describeCluster),
            new Scenario("describeTopicPartitions", AdminScenarios::describeTopicPartitions),
            new Scenario("listOffsets", RecordScenarios::listOffsets),
            new Scenario("fetchOutOfRange", RecordScenarios::fetchOutOfRange),
            new Scenario("recordTooLarge", RecordScenarios::recordTooLarge),
            new Scenario("idempotentProducer", RecordScenarios::idempotentProducer),
            new Scenario("rangeAssignorGroup", GroupScenarios::rangeGroup),
            new Scenario("cooperativeStickyGroup", GroupScenarios::cooperativeStickyGroup),
            new Scenario("staticMembership", GroupScenarios::staticMembership),
            new Scenario("listGroups", GroupScenarios::listGroups),
            new Scenario("deleteGroup", GroupScenarios::deleteGroup),
            new Scenario("offsetsOfUnknownTopic", GroupScenarios::offsetsOfUnknownTopic),
            new Scenario("consumerProtocolGroup", ConsumerProtocolScenarios::twoMembers),
            new Scenario("mixedProtocolGroup", ConsumerProtocolScenarios::mixedProtocols),
            new Scenario("groupApiVersions", ConsumerProtocolRawScenarios::groupApiVersions),
            new Scenario("consumerGroupHeartbeatErrors", ConsumerProtocolRawScenarios::heartbeatErrors),
            new Scenario("shareGroupHeartbeats", ShareGroupRawScenarios::heartbeats),
            new Scenario("shareFetchSessions", ShareFetchRawScenarios::sessionsAndAcknowledgements),
            new Scenario("shareGroupOffsets", ShareOffsetsRawScenarios::alterAndDelete),
            new Scenario("transactionCommitAndAbort", TransactionDifferentialScenarios::commitAndAbort),
            new Scenario("transactionFencingAndTimeout", TransactionDifferentialScenarios::fencingAndInvalidTimeout),
            new Scenario("transactionVerification", TransactionRawScenarios::verification),
            new Scenario("kcat", ExternalClientScenarios::kcat),
            new Scenario("kafkajs", ExternalClientScenarios::kafkajs),
            new Scenario("kafkajsTransactions", ExternalClientScenarios::kafkajsTransactions));

    private DifferentialScenarios() {
    }

    public static List<Scenario> all() {
        return ALL;
    }
}
