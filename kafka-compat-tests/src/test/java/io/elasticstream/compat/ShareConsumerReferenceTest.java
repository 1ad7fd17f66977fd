package io.elasticstream.compat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShareConsumerScenarios} against a real Apache Kafka 4.4 broker started with
 * {@link ShareConsumerScenarios#BROKER_OVERRIDES}: the proof that what the scenarios expect is Kafka's
 * behaviour, which {@link ShareConsumerTest} then asks of us. It prints what it measured: how the 600
 * records were spread over the three members (about a third each: a waiting member's ShareFetch takes each
 * new batch in turn), and how soon a lost member's records reached another member (SIGKILL: about 1.1 s,
 * the survivor's time to join, because Kafka releases a share session's records when its connection
 * closes; SIGSTOP: about 2.95 s, the 3 s acquisition lock).
 */
class ShareConsumerReferenceTest {
    private static ApacheKafkaBroker kafka;

    @TempDir
    Path dir;

    @BeforeAll
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    static void startKafka() {
        kafka = ApacheKafkaBroker.create("share-consumer", ShareConsumerScenarios.BROKER_OVERRIDES);
        try {
            kafka.start();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void threeMembersShareOnePartitionAndEachRecordIsAcceptedOnce() {
        List<Integer> perMember = ShareConsumerScenarios.threeMembersShareOnePartitionAndEachRecordIsAcceptedOnce(
                kafka.bootstrapServers(), 600, 20);
        System.out.println("Apache Kafka: 600 records in batches of 20 shared by three members as " + perMember);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void explicitAcknowledgementAcceptsReleasesAndRejects() {
        ShareConsumerScenarios.explicitAcknowledgementAcceptsReleasesAndRejects(kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recordsOfAKilledMemberGoToAnotherMember() {
        Duration after = ShareConsumerScenarios.recordsOfAKilledMemberGoToAnotherMember(kafka.bootstrapServers(), dir);
        System.out.println("Apache Kafka: a SIGKILLed member's records reached another member " + after.toMillis()
                + " ms after the kill");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void recordsOfAFrozenMemberComeBackWhenTheLockExpires() {
        Duration after = ShareConsumerScenarios.recordsOfAFrozenMemberComeBackWhenTheLockExpires(
                kafka.bootstrapServers(), dir);
        System.out.println("Apache Kafka: a frozen member's records reached another member " + after.toMillis()
                + " ms after the freeze");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRecordReleasedAtEveryDeliveryIsArchivedAtTheDeliveryCountLimit() {
        ShareConsumerScenarios.aRecordReleasedAtEveryDeliveryIsArchivedAtTheDeliveryCountLimit(
                kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theAdminClientAndKafkaShareGroupsShowTheGroup() throws Exception {
        ShareConsumerScenarios.theAdminClientAndKafkaShareGroupsShowTheGroup(kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theConsoleShareConsumerPrintsWhatAProducerWrites() throws Exception {
        ShareConsumerScenarios.theConsoleShareConsumerPrintsWhatAProducerWrites(kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void acknowledgementsSurviveABrokerRestart() {
        ShareConsumerScenarios.acknowledgementsSurviveABrokerRestart(kafka.bootstrapServers(), () -> {
            kafka.stop();
            kafka.start();
        }, kafka::bootstrapServers);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aGroupSetToEarliestStartsAtTheBeginningOfTheLog() throws Exception {
        ShareConsumerScenarios.aGroupSetToEarliestStartsAtTheBeginningOfTheLog(kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void kafkaShareGroupsResetsAndDeletesTheOffsetsOfAnEmptyGroup() throws Exception {
        ShareConsumerScenarios.kafkaShareGroupsResetsAndDeletesTheOffsetsOfAnEmptyGroup(kafka.bootstrapServers());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aReadCommittedGroupGetsCommittedRecordsOnly() throws Exception {
        ShareConsumerScenarios.aReadCommittedGroupGetsCommittedRecordsOnly(kafka.bootstrapServers());
    }
}
