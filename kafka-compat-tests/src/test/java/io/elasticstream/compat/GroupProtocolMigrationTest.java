package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Online migration of a running group between the protocols ({@code group.consumer.migration.policy}
 * {@code bidirectional}, the default), with Kafka 4.4's Java consumers while a producer runs: a classic group of
 * three members is restarted member by member with {@code group.protocol=consumer} (the first one converts the
 * group in place), then back with {@code group.protocol=classic} (the last consumer-protocol member leaving
 * converts it back). Each restart closes a member, waits for the group to settle without it, starts its
 * successor and waits for the group to settle with it. Every record is processed exactly once, by committed offsets: each member commits after
 * every batch and when partitions are revoked, and a member closed cleanly commits.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class GroupProtocolMigrationTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final int MEMBERS = 3;
    private static final int PARTITIONS = 6;

    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("protocol-migration",
            Map.of("group.consumer.heartbeat.interval.ms", "1000"));

    @Test
    void aRunningGroupMovesToTheConsumerProtocolAndBackMemberByMemberWithNothingLostOrProcessedTwice()
            throws Exception {
        String bootstrap = SERVER.bootstrapServers();
        String topic = "migration";
        String group = topic + "-g";
        Clients.createTopic(bootstrap, topic, PARTITIONS);
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = Thread.ofPlatform().name("migration-producer").start(() ->
                ConsumerProtocolClients.produceUntilStopped(bootstrap, topic, producing, produced));

        List<ConsumerProtocolClients.Member> members = new ArrayList<>();
        List<ConsumerProtocolClients.Member> stopped = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add(member(bootstrap, group, topic, GroupProtocol.CLASSIC, seen));
        }
        awaitStable(bootstrap, group, GroupType.CLASSIC, members, seen);

        for (int i = 0; i < MEMBERS; i++) {
            stop(members, stopped, i);
            awaitStable(bootstrap, group, i == 0 ? GroupType.CLASSIC : GroupType.CONSUMER, members, seen);
            // the first consumer-protocol member converts the group in place
            members.add(i, member(bootstrap, group, topic, GroupProtocol.CONSUMER, seen));
            awaitStable(bootstrap, group, GroupType.CONSUMER, members, seen);
        }
        for (int i = 0; i < MEMBERS; i++) {
            stop(members, stopped, i);
            // the last consumer-protocol member leaving converts it back
            GroupType type = i == MEMBERS - 1 ? GroupType.CLASSIC : GroupType.CONSUMER;
            awaitStable(bootstrap, group, type, members, seen);
            members.add(i, member(bootstrap, group, topic, GroupProtocol.CLASSIC, seen));
            awaitStable(bootstrap, group, type, members, seen);
        }

        producing.set(false);
        producer.join(TimeUnit.MINUTES.toMillis(1));
        int total = produced.get();
        await(() -> seen.size() == total, "every record consumed");
        for (ConsumerProtocolClients.Member m : members) {
            m.stop();
        }
        stopped.addAll(members);

        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "records processed twice");
        assertEquals(total, seen.size(), "records processed");
        List<Throwable> errors = stopped.stream().flatMap(m -> m.errors.stream()).toList();
        assertTrue(errors.isEmpty(), "consumer errors: " + errors);
    }

    // ---------------------------------------------------------------- helpers

    private static ConsumerProtocolClients.Member member(String bootstrap, String group, String topic,
                                                         GroupProtocol protocol, Map<String, Integer> seen) {
        return new ConsumerProtocolClients.Member(bootstrap, group, topic, null, protocol, seen).start();
    }

    /** Stops member {@code i}: it commits and leaves. */
    private static void stop(List<ConsumerProtocolClients.Member> members, List<ConsumerProtocolClients.Member> stopped,
                             int i) throws InterruptedException {
        ConsumerProtocolClients.Member old = members.remove(i);
        old.stop();
        stopped.add(old);
    }

    /**
     * Waits until the group is a Stable group of {@code type} with {@code members}, which own every partition
     * between them, each some, and they consume.
     */
    private static void awaitStable(String bootstrap, String group, GroupType type,
                                    List<ConsumerProtocolClients.Member> members, Map<String, Integer> seen) {
        ConsumerGroupDescription[] last = new ConsumerGroupDescription[1];
        try {
            await(() -> {
                if (members.stream().anyMatch(m -> m.owned.isEmpty())
                        || members.stream().mapToInt(m -> m.owned.size()).sum() != PARTITIONS) {
                    return false;
                }
                last[0] = describe(bootstrap, group);
                return last[0].type() == type && last[0].groupState() == GroupState.STABLE
                        && last[0].members().size() == members.size();
            }, members.size() + " members of a stable " + type + " group, owning every partition");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last described: " + last[0], e);
        }
        int before = seen.size();
        await(() -> seen.size() > before + 100, "the members consume");
    }

    private static ConsumerGroupDescription describe(String bootstrap, String group) {
        try (Admin admin = Clients.admin(bootstrap)) {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(Clients.ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("describe " + group, e);
        }
    }

    private static void await(BooleanSupplier done, String what) {
        ConsumerPolling.pollUntil(DEADLINE, List.of(), null, done, what);
    }
}
