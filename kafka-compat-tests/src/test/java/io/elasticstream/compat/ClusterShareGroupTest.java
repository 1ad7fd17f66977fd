package io.elasticstream.compat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A share group in cluster mode (processes, real etcd, 3 brokers): the partitions' leaders keep the group's
 * state at its coordinator, on other brokers through ReadShareGroupState/WriteShareGroupState; the coordinator's
 * broker SIGKILLed, the group's state is where the next coordinator and the partitions' new leaders find it
 * ({@link ShareConsumerScenarios#acceptedRecordsStayDoneWhenTheCoordinatorsBrokerDies}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterShareGroupTest {
    private static ClusterHarness cluster;

    @BeforeAll
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    static void startCluster() {
        cluster = ClusterHarness.start("cluster-share",
                ClusterHarness.Options.defaults().withBrokerCount(3).withMemberSessionTtlMs(2_000));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void acceptedRecordsStayDoneWhenTheCoordinatorsBrokerIsKilled() throws Exception {
        ShareConsumerScenarios.acceptedRecordsStayDoneWhenTheCoordinatorsBrokerDies(cluster.bootstrapServers(), 6,
                id -> {
                    cluster.brokers().get(id - 1).process().kill();
                    System.out.println("ClusterShareGroupTest: killed broker " + id + ", the share group's coordinator");
                });
    }
}
