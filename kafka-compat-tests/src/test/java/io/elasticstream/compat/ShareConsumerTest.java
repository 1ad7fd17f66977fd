package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Share groups (KIP-932) end to end against the server: {@link ShareConsumerScenarios}, the scenarios that
 * {@link ShareConsumerReferenceTest} shows Apache Kafka 4.4 passing, with the same broker settings under
 * the same names ({@link ShareConsumerScenarios#BROKER_OVERRIDES}). Kafka 4.4's share consumer, admin
 * client, {@code kafka-share-groups} and console share consumer, unmodified.
 */
class ShareConsumerTest {
    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("share-consumer",
            ShareConsumerScenarios.BROKER_OVERRIDES);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void threeMembersShareOnePartitionAndEachRecordIsAcceptedOnce() {
        ShareConsumerScenarios.threeMembersShareOnePartitionAndEachRecordIsAcceptedOnce(SERVER.bootstrapServers(),
                600, 20);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void explicitAcknowledgementAcceptsReleasesAndRejects() {
        ShareConsumerScenarios.explicitAcknowledgementAcceptsReleasesAndRejects(SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recordsOfAKilledMemberGoToAnotherMember() {
        ShareConsumerScenarios.recordsOfAKilledMemberGoToAnotherMember(SERVER.bootstrapServers(), dir);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recordsOfAFrozenMemberComeBackWhenTheLockExpires() {
        ShareConsumerScenarios.recordsOfAFrozenMemberComeBackWhenTheLockExpires(SERVER.bootstrapServers(), dir);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRecordReleasedAtEveryDeliveryIsArchivedAtTheDeliveryCountLimit() {
        ShareConsumerScenarios.aRecordReleasedAtEveryDeliveryIsArchivedAtTheDeliveryCountLimit(
                SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theAdminClientAndKafkaShareGroupsShowTheGroup() throws Exception {
        ShareConsumerScenarios.theAdminClientAndKafkaShareGroupsShowTheGroup(SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theConsoleShareConsumerPrintsWhatAProducerWrites() throws Exception {
        ShareConsumerScenarios.theConsoleShareConsumerPrintsWhatAProducerWrites(SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aGroupSetToEarliestStartsAtTheBeginningOfTheLog() throws Exception {
        ShareConsumerScenarios.aGroupSetToEarliestStartsAtTheBeginningOfTheLog(SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kafkaShareGroupsResetsAndDeletesTheOffsetsOfAnEmptyGroup() throws Exception {
        ShareConsumerScenarios.kafkaShareGroupsResetsAndDeletesTheOffsetsOfAnEmptyGroup(SERVER.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aReadCommittedGroupGetsCommittedRecordsOnly() throws Exception {
        ShareConsumerScenarios.aReadCommittedGroupGetsCommittedRecordsOnly(SERVER.bootstrapServers());
    }

    /**
     * A deliberate deviation (Kafka 4.4 takes a negative start offset, describes it, and its share-partitions
     * then fail): AlterShareGroupOffsets refuses one with INVALID_REQUEST, so no such state is ever stored.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aNegativeStartOffsetIsRefused() throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        Clients.createTopic(bootstrap, "share-negative-start", 1);
        TopicPartition p0 = new TopicPartition("share-negative-start", 0);
        try (Admin admin = Clients.admin(bootstrap)) {
            ExecutionException refused = assertThrows(ExecutionException.class, () -> admin
                    .alterShareGroupOffsets("share-negative-start-g", Map.of(p0, -5L)).partitionResult(p0)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            assertInstanceOf(InvalidRequestException.class, refused.getCause(), "why: " + refused);
            admin.alterShareGroupOffsets("share-negative-start-g", Map.of(p0, 0L)).all()
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS); // a valid one is taken
        }
    }
}
