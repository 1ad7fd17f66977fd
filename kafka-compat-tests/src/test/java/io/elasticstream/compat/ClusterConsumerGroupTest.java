package io.elasticstream.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A KIP-848 consumer group in cluster mode (processes, real etcd, 3 brokers) whose coordinator's broker is
 * SIGKILLed while a producer runs: the broker that takes the group's {@code __consumer_offsets} partition over
 * continues the group from its records, so the members keep their ids and partitions (no rejoin), their
 * commits at their epochs go on, and every acknowledged record is processed exactly once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ClusterConsumerGroupTest {
    private static final String TOPIC = "cluster-kip848";
    private static final String GROUP = TOPIC + "-g";
    private static final long DEADLINE_MS = 120_000;
    private static ClusterHarness cluster;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-kip848",
                ClusterHarness.Options.defaults().withBrokerCount(3).withMemberSessionTtlMs(2_000));
        Clients.createTopic(cluster.bootstrap(0), TOPIC, 6);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theCoordinatorsBrokerKilledAndTheGroupGoesOnWithoutARejoinOrADuplicate() throws Exception {
        String bootstrap = cluster.bootstrapServers();
        Map<String, Integer> seen = new ConcurrentHashMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicInteger produced = new AtomicInteger();
        Thread producer = Thread.ofPlatform().name("kip848-cluster-producer").start(() ->
                ConsumerProtocolClients.produceUntilStopped(bootstrap, TOPIC, producing, produced));
        ConsumerProtocolClients.Member a = new ConsumerProtocolClients.Member(bootstrap, GROUP, TOPIC, null, seen).start();
        ConsumerProtocolClients.Member b = new ConsumerProtocolClients.Member(bootstrap, GROUP, TOPIC, null, seen).start();
        await(() -> stable(bootstrap) && seen.size() > 300, "two members consuming, stable");
        ConsumerGroupDescription before = describe(bootstrap);
        Set<String> membersBefore = memberIds(before);

        int coordinator = before.coordinator().id();
        cluster.brokers().get(coordinator - 1).process().kill();
        System.out.println("ClusterConsumerGroupTest: killed broker " + coordinator + ", the group's coordinator");
        int atKill = seen.size();
        await(() -> seen.size() > atKill + 500, "consuming on after the kill");
        ConsumerGroupDescription after = describe(bootstrap);
        assertTrue(after.coordinator().id() != coordinator, "a new coordinator: " + after.coordinator());
        assertEquals(membersBefore, memberIds(after), "the same members: nobody had to rejoin");

        producing.set(false);
        producer.join(TimeUnit.MINUTES.toMillis(1));
        int total = produced.get();
        await(() -> seen.size() == total, "every acknowledged record consumed");
        Thread.sleep(1_000); // a duplicate delivered late would show up here
        a.stop();
        b.stop();
        List<String> twice = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "records processed twice");
        assertEquals(total, seen.size(), "records processed");
        assertTrue(a.errors.isEmpty() && b.errors.isEmpty(), "consumer errors: " + a.errors + b.errors);
    }

    private static boolean stable(String bootstrap) {
        try {
            ConsumerGroupDescription d = describe(bootstrap);
            return d.groupState() == GroupState.STABLE && d.members().size() == 2;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static Set<String> memberIds(ConsumerGroupDescription d) {
        Set<String> ids = new TreeSet<>();
        for (MemberDescription m : d.members()) {
            ids.add(m.consumerId());
        }
        return ids;
    }

    private static ConsumerGroupDescription describe(String bootstrap) {
        return Clients.describeGroup(bootstrap, GROUP);
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + DEADLINE_MS + " ms: " + what);
            }
            Thread.sleep(100); // test code waiting for the cluster, polling a condition
        }
    }
}
